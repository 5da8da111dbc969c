// The branch on screen as a column of MessageWidgets in a scroll area. A streamed token
// redraws only its message, and at most every kRenderIntervalMs, so a long answer never
// floods the event loop; the view follows the answer down unless the user scrolled up.
#pragma once

#include <QScrollArea>
#include <QSet>
#include <QTimer>

#include <vector>

class QLabel;
class QVBoxLayout;

namespace pagoda {
namespace chat {
class ConversationSession;
}
namespace store {
struct Conversation;
}
}  // namespace pagoda

namespace pagoda::ui {

class MessageWidget;

// A message's place among its siblings, 1-based, for "‹ 2/3 ›".
struct BranchPosition {
    int index = 1;
    int count = 1;
};
BranchPosition branchPosition(const store::Conversation& conversation, const QString& messageId);

class MessageListView : public QScrollArea {
    Q_OBJECT
public:
    static constexpr int kRenderIntervalMs = 50;

    explicit MessageListView(chat::ConversationSession& session, QWidget* parent = nullptr);

    // Scrolls to the end and keeps following new text (the user just sent something).
    void followNewMessages();
    bool isFollowing() const { return m_follow; }
    std::vector<MessageWidget*> messageWidgets() const { return m_widgets; }

signals:
    // A prompt from the empty chat's suggestions was clicked.
    void suggestionChosen(const QString& prompt);

private:
    void rebuild();
    void scheduleRender(const QString& messageId);
    void renderPending();
    void render(MessageWidget* widget, const QString& messageId);
    MessageWidget* addWidget();

    chat::ConversationSession& m_session;
    QWidget* m_column;
    QVBoxLayout* m_layout;
    QLabel* m_emptyHint;
    QWidget* m_suggestions;  // shown with m_emptyHint
    std::vector<MessageWidget*> m_widgets;  // the branch on screen, in order (child widgets)
    QSet<QString> m_pending;                // streamed messages waiting for the next render
    QTimer m_renderTimer;
    QString m_conversationId;               // a different one scrolls back to the end
    bool m_follow = true;
};

}  // namespace pagoda::ui
