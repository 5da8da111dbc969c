// The chat: the branch on screen (MessageListView), the composer with Send/Stop, the chat's
// settings in a panel that folds away, and a placeholder pointing to the Models page when
// nothing can answer (no model loaded, no remote endpoint). Esc stops an answer. It draws
// the ConversationSession and forwards what the user does to it; the list of chats
// (ConversationSidebar) lives beside it in the main window.
//
// The header's ModelPicker chooses who answers, per chat. Choosing a library model that is
// not loaded loads it in the background. A chat opened with a model other than the loaded
// one shows Load beside it and is not switched by itself (that would take the model from
// the API or another chat); sending loads it first, the message waiting in the composer.
// Nothing is loaded while this chat's answer is streaming.
#pragma once

#include <QWidget>

#include "app/store/conversation.h"

class QFrame;
class QLabel;
class QPushButton;
class QStackedWidget;
class QShortcut;
class QToolButton;

namespace pagoda {
class DesktopServices;
namespace chat {
class ConversationSession;
}
}  // namespace pagoda

namespace pagoda::ui {

class ChatSettingsPanel;
class ModelPicker;
class Composer;
class MessageListView;

class ChatPage : public QWidget {
    Q_OBJECT
public:
    ChatPage(DesktopServices& services, chat::ConversationSession& session, QWidget* parent = nullptr);

    // A model is loaded or the chat has a remote endpoint.
    bool canAnswer() const;

signals:
    void openModelsRequested();

protected:
    void showEvent(QShowEvent* event) override;

private:
    QWidget* makeTopBar();
    QWidget* makePlaceholder();
    QFrame* makeBanner(const char* name, QLabel*& label);
    QWidget* makeComposerRow();
    void send(const QString& text);
    void conversationChanged();
    void updateState();
    void showError(const QString& message);
    // The picker's choice becomes the chat's settings (and the panel's).
    void applyChoice(const store::GenerationSettings& settings);
    // The chat names a library model that is not the one loaded now.
    bool needsLoad() const;
    void loadChosen();
    void loaderChanged();
    void updateThinking();

    DesktopServices& m_services;
    chat::ConversationSession& m_session;
    QLabel* m_title = nullptr;
    ModelPicker* m_picker = nullptr;
    QPushButton* m_retryButton = nullptr;
    bool m_waitingForLoad = false;  // the composer's text is sent once the chosen model is loaded
    QToolButton* m_settingsButton = nullptr;
    QFrame* m_errorBanner = nullptr;
    QLabel* m_errorLabel = nullptr;
    QStackedWidget* m_stack = nullptr;
    MessageListView* m_messages = nullptr;
    QWidget* m_placeholder = nullptr;
    QLabel* m_placeholderText = nullptr;
    QFrame* m_noModelBanner = nullptr;
    QLabel* m_noModelLabel = nullptr;
    Composer* m_composer = nullptr;
    QPushButton* m_sendButton = nullptr;
    QPushButton* m_stopButton = nullptr;
    ChatSettingsPanel* m_settings = nullptr;
    QShortcut* m_stopShortcut = nullptr;
    QString m_conversationId;  // the chat the settings panel shows
    bool m_settingsShown = false;
};

}  // namespace pagoda::ui
