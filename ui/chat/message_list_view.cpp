#include "ui/chat/message_list_view.h"

#include <QLabel>
#include <QScrollBar>
#include <QVBoxLayout>

#include "app/chat/conversation_session.h"
#include "ui/chat/empty_chat_suggestions.h"
#include "ui/chat/message_widget.h"

namespace pagoda::ui {

namespace {
constexpr int kColumnWidth = 860;   // lines longer than this are hard to read
constexpr int kFollowSlack = 48;    // pixels from the end that still count as "at the end"
// The scrolled page. Word-wrapped labels report the height they would need at a tiny width
// as their minimum, which QScrollArea would honour and so scroll a short chat; the page's
// height comes from heightForWidth instead.
class MessagePage : public QWidget {
public:
    using QWidget::QWidget;
    QSize minimumSizeHint() const override { return {0, 0}; }
};

}  // namespace

BranchPosition branchPosition(const store::Conversation& conversation, const QString& messageId) {
    const auto siblings = conversation.siblings(messageId);
    BranchPosition position;
    position.count = std::max<int>(1, siblings.size());
    for (size_t i = 0; i < siblings.size(); ++i)
        if (siblings[i]->id == messageId) position.index = int(i) + 1;
    return position;
}

MessageListView::MessageListView(chat::ConversationSession& session, QWidget* parent)
    : QScrollArea(parent), m_session(session) {
    setObjectName("messageView");
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    // A centred column of readable width inside a page as wide as the view.
    auto* page = new MessagePage;
    page->setBackgroundRole(QPalette::Base);
    page->setAutoFillBackground(true);
    auto* pageLayout = new QHBoxLayout(page);
    pageLayout->setContentsMargins(12, 12, 12, 12);
    m_column = new QWidget(page);
    m_column->setMaximumWidth(kColumnWidth);
    m_layout = new QVBoxLayout(m_column);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(6);
    m_emptyHint = new QLabel(tr("Ask anything. Answers stream in as they are written."), m_column);
    m_emptyHint->setObjectName("emptyChatHint");
    m_emptyHint->setAlignment(Qt::AlignCenter);
    m_emptyHint->setForegroundRole(QPalette::PlaceholderText);
    m_emptyHint->setWordWrap(true);
    m_layout->addWidget(m_emptyHint, 1);
    m_emptyHint->setAlignment(Qt::AlignHCenter | Qt::AlignBottom);  // the suggestions follow
    auto* suggestions = new EmptyChatSuggestions(m_column);
    m_suggestions = suggestions;
    m_layout->addWidget(suggestions, 1, Qt::AlignHCenter);
    connect(suggestions, &EmptyChatSuggestions::suggestionChosen, this, &MessageListView::suggestionChosen);
    m_layout->addStretch();
    pageLayout->addStretch(1);
    pageLayout->addWidget(m_column, 100);
    pageLayout->addStretch(1);
    setWidget(page);

    m_renderTimer.setSingleShot(true);
    m_renderTimer.setInterval(kRenderIntervalMs);
    connect(&m_renderTimer, &QTimer::timeout, this, &MessageListView::renderPending);

    QScrollBar* bar = verticalScrollBar();
    // The content grew (or shrank): stay at the end if we were following.
    connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int maximum) {
        if (m_follow) bar->setValue(maximum);
    });
    // Only the user moves the bar away from the end; moving back resumes following.
    connect(bar, &QScrollBar::valueChanged, this,
            [this, bar](int value) { m_follow = value >= bar->maximum() - kFollowSlack; });

    connect(&m_session, &chat::ConversationSession::conversationChanged, this, &MessageListView::rebuild);
    connect(&m_session, &chat::ConversationSession::messageUpdated, this, &MessageListView::scheduleRender);
    // The answer that just finished shows its final text, stats and buttons now.
    connect(&m_session, &chat::ConversationSession::generatingChanged, this, [this](bool generating) {
        m_renderTimer.stop();
        m_pending.clear();
        for (MessageWidget* widget : m_widgets) {
            widget->setActionsEnabled(!generating);
            render(widget, widget->messageId());
        }
    });
    rebuild();
}

MessageWidget* MessageListView::addWidget() {
    auto* widget = new MessageWidget(m_column);
    m_layout->insertWidget(m_layout->count() - 1, widget);  // before the final stretch
    widget->show();  // now, not at the layout's next pass, so it counts as shown at once
    connect(widget, &MessageWidget::regenerateRequested, this, [this](const QString& id) {
        followNewMessages();
        m_session.regenerate(id);
    });
    connect(widget, &MessageWidget::editResendRequested, this, [this](const QString& id, const QString& text) {
        followNewMessages();
        m_session.editAndResend(id, text);
    });
    connect(widget, &MessageWidget::branchRequested, this,
            [this](const QString& id, int direction) { m_session.switchBranch(id, direction); });
    return widget;
}

void MessageListView::rebuild() {
    const store::Conversation& conversation = m_session.conversation();
    std::vector<const store::Message*> path;
    for (const store::Message* message : conversation.currentPath())
        if (message->role != store::Role::System) path.push_back(message);

    const bool otherConversation = conversation.id != m_conversationId;
    const bool grew = path.size() > m_widgets.size();
    m_conversationId = conversation.id;
    // Widgets are reused by position: switching a branch or streaming rarely changes
    // more than the last few, and unchanged text is not parsed again.
    while (m_widgets.size() > path.size()) {
        delete m_widgets.back();
        m_widgets.pop_back();
    }
    while (m_widgets.size() < path.size()) m_widgets.push_back(addWidget());
    for (size_t i = 0; i < path.size(); ++i) {
        m_widgets[i]->setActionsEnabled(!m_session.isGenerating());
        render(m_widgets[i], path[i]->id);
    }
    m_pending.clear();
    m_emptyHint->setVisible(path.empty());
    m_suggestions->setVisible(path.empty());
    if (otherConversation || grew) followNewMessages();
}

void MessageListView::render(MessageWidget* widget, const QString& messageId) {
    const store::Conversation& conversation = m_session.conversation();
    const store::Message* message = conversation.find(messageId);
    if (!message) return;
    const BranchPosition position = branchPosition(conversation, messageId);
    const bool streaming = m_session.isGenerating() && m_session.streamingMessageId() == messageId;
    widget->setMessage(*message, position.index, position.count, streaming);
}

void MessageListView::scheduleRender(const QString& messageId) {
    m_pending.insert(messageId);
    if (!m_renderTimer.isActive()) m_renderTimer.start();
}

void MessageListView::renderPending() {
    m_renderTimer.stop();
    for (MessageWidget* widget : m_widgets)
        if (m_pending.contains(widget->messageId())) render(widget, widget->messageId());
    m_pending.clear();
}

void MessageListView::followNewMessages() {
    m_follow = true;
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
}

}  // namespace pagoda::ui
