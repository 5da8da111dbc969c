// The app's owner of a loaded model: it loads it off the caller's thread, runs the engine on
// its EngineThread, and hands every request output back on its own (GUI or server) thread
// through a queued call. The chat window and the API server are two clients of one host.
#pragma once

#include <QObject>
#include <QSet>
#include <QString>

#include <memory>
#include <optional>

#include "engine/engine_factory.h"
#include "engine/engine_thread.h"

namespace pagoda {

class EngineHost : public QObject {
    Q_OBJECT

public:
    explicit EngineHost(QObject* parent = nullptr);
    ~EngineHost() override;

    // Blocking load, for the command line. Replaces a loaded model.
    Status load(const EngineOptions& options);
    // Non-blocking load for the GUI: the work runs on a thread of its own and
    // loadFinished arrives on this object's thread.
    void loadAsync(const EngineOptions& options);
    void unload();

    bool isLoaded() const { return m_thread != nullptr; }
    QString modelName() const { return m_modelName; }  // the directory's name unless renamed
    // The name chats and the API show, e.g. the library id: a Hugging Face cache folder's
    // own name is a commit hash.
    void setModelName(const QString& name) { m_modelName = name; }
    int maxModelLen() const { return m_maxModelLen; }
    int vocabSize() const;
    std::string architecture() const;  // the model family as Ollama names it: "qwen2", "llama", "glm4", ...
    const Tokenizer* tokenizer() const { return m_loaded ? m_loaded->tokenizer.get() : nullptr; }
    const ChatTemplate* chatTemplate() const;
    // Why chat is unavailable when chatTemplate() is null: the model has none, or its template
    // is broken (and how), so a chat request's error says which.
    std::string noChatTemplateReason() const;
    QString chatTemplateProblem() const {
        return m_loaded ? QString::fromStdString(m_loaded->chatTemplateProblem) : QString();
    }
    SamplingParams samplingDefaults() const { return m_loaded ? m_loaded->defaults : SamplingParams{}; }
    const KvCacheSizing* cacheSizing() const { return m_loaded ? &m_loaded->cache : nullptr; }
    // "CPU", or "CUDA" with the card's name; empty when nothing is loaded.
    QString backendName() const;
    // Why CUDA was not used although it was asked for; empty when the asked backend runs.
    QString backendNote() const { return m_loaded ? QString::fromStdString(m_loaded->backendNote) : QString(); }

    // The request's outputs arrive through requestOutput, a rejection through requestRejected.
    void submit(Request request);
    void abort(const QString& requestId);
    MetricsSnapshot metrics() const;

signals:
    void loadFinished(bool ok, const QString& error);
    void requestOutput(const pagoda::RequestOutput& output);
    void requestRejected(const QString& requestId, const QString& message);

private:
    void adopt(LoadedEngine loaded, const EngineOptions& options);

    std::optional<LoadedEngine> m_loaded;     // model, tokenizer, template: must outlive m_thread
    std::unique_ptr<EngineThread> m_thread;   // owns the Engine
    QString m_modelName;
    int m_maxModelLen = 0;
    QSet<QString> m_inFlight;  // submitted and not yet finished or rejected
};

}  // namespace pagoda

Q_DECLARE_METATYPE(pagoda::RequestOutput)
