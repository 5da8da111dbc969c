// The settings of the chat on screen, beside it: system prompt, sampling preset, temperature,
// top_p, max tokens, the thinking switch (for models that have one), and an optional OpenAI-compatible endpoint
// (an empty URL means the model loaded in Pagoda). Edits become settingsChanged; typing is
// gathered into one change per pause.
#pragma once

#include <QTimer>
#include <QWidget>

#include "app/store/conversation.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace pagoda::ui {

class ChatSettingsPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kTypingPauseMs = 400;

    explicit ChatSettingsPanel(QWidget* parent = nullptr);

    // Shows settings (another chat, or the session's own change) without emitting.
    void setSettings(const store::GenerationSettings& settings);
    store::GenerationSettings settings() const;
    // Emits an edit still waiting for the typing pause, so it applies to what is sent next.
    void flush();
    bool hasPendingEdit() const { return m_pending; }
    // Puts the cursor in the endpoint URL (from the no-model placeholder).
    void focusEndpoint();

    // Whether the model that answers has a thinking mode (chat::chatTemplateCanThink):
    // No disables and unticks "Think before answering" and says why; Unknown (a server, or a
    // model not loaded yet) leaves it to the user, and only a change is sent.
    enum class Thinking { Unknown, Yes, No };
    void setThinkingSupport(Thinking support, const QString& modelName = {});

signals:
    void settingsChanged(const pagoda::store::GenerationSettings& settings);

private:
    void changed(bool typing);
    void presetChosen();
    QString presetLabel(const QString& preset) const;

    QPlainTextEdit* m_systemPrompt;
    QComboBox* m_preset;
    QDoubleSpinBox* m_temperature;
    QDoubleSpinBox* m_topP;
    QSpinBox* m_maxTokens;
    QCheckBox* m_thinking;
    QLineEdit* m_endpointUrl;
    QLineEdit* m_endpointKey;
    QLineEdit* m_endpointModel;
    store::GenerationSettings m_shown;  // with the user's thinking choice, kept as chosen
    Thinking m_thinkingSupport = Thinking::Unknown;
    QTimer m_typingPause;
    bool m_pending = false;
    bool m_showing = false;  // setSettings is filling the fields
};

}  // namespace pagoda::ui
