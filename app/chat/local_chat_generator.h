// Answers with the model loaded in Pagoda: renders the branch with the model's chat template,
// submits it to the EngineHost (batched with API traffic), and splits the stream into reasoning
// and content with the same parser the API uses.
#pragma once

#include <QElapsedTimer>

#include <map>
#include <memory>

#include "app/chat/chat_generator.h"
#include "app/host/engine_host.h"
#include "engine/chat/chat_output_parser.h"

namespace pagoda::chat {

class LocalChatGenerator : public ChatGenerator {
    Q_OBJECT
public:
    explicit LocalChatGenerator(EngineHost& host, QObject* parent = nullptr);

    void start(const QString& requestId, const std::vector<ChatTurn>& turns,
               const store::GenerationSettings& settings) override;
    void stop(const QString& requestId) override;

private:
    struct Active {
        std::unique_ptr<ChatOutputStream> parser;
        QElapsedTimer clock;
        qint64 firstTokenNs = -1;
        store::MessageStats stats;
    };
    void onOutput(const RequestOutput& output);
    void onRejected(const QString& requestId, const QString& message);
    void fail(const QString& requestId, const QString& message);

    EngineHost& m_host;
    std::map<std::string, Active> m_active;
};

// Whether the model loaded in `host` has a thinking mode (chatTemplateCanThink on its
// template); false when nothing is loaded or it has no template.
bool loadedModelCanThink(const EngineHost& host);

}  // namespace pagoda::chat
