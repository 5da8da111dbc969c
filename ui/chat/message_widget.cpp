#include "ui/chat/message_widget.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/chat/composer.h"
#include "ui/chat/markdown_view.h"
#include "ui/chat/thought_section.h"
#include "ui/elided_label.h"

namespace pagoda::ui {

namespace {

QToolButton* actionButton(QWidget* parent, const char* objectName, const QString& text, const QString& tip) {
    auto* button = new QToolButton(parent);
    button->setObjectName(objectName);
    button->setText(text);
    button->setToolTip(tip);
    button->setAutoRaise(true);
    return button;
}

void muted(QLabel* label) {
    label->setForegroundRole(QPalette::PlaceholderText);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    label->setFont(font);
}

QLabel* mutedLabel(QWidget* parent, const char* objectName) {
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    muted(label);
    return label;
}

}  // namespace

MessageWidget::MessageWidget(QWidget* parent) : QFrame(parent) {
    setObjectName("message");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 10, 14, 6);
    layout->setSpacing(4);

    auto* header = new QHBoxLayout;
    m_roleLabel = new QLabel(this);
    m_roleLabel->setObjectName("roleLabel");
    QFont bold = m_roleLabel->font();
    bold.setBold(true);
    m_roleLabel->setFont(bold);
    // A long model name ("Owner/Repo-GGUF:Q4_K_M") is shortened in the middle, never widening the chat.
    m_modelLabel = new ElidedLabel(Qt::ElideMiddle, this);
    m_modelLabel->setObjectName("modelLabel");
    muted(m_modelLabel);
    header->addWidget(m_roleLabel);
    header->addWidget(m_modelLabel, 1);
    layout->addLayout(header);

    m_thought = new ThoughtSection(this);
    m_content = new MarkdownView(this);
    m_content->setObjectName("messageContent");
    m_editor = makeEditor();
    m_statsLabel = mutedLabel(this, "statsLabel");
    m_statsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Wraps between its parts at a narrow width rather than being cut ("· stopp").
    m_statsLabel->setWordWrap(true);
    m_actions = makeActions();
    m_actions->setObjectName("messageActions");
    layout->addWidget(m_thought);
    layout->addWidget(m_content);
    layout->addWidget(m_editor);
    layout->addWidget(m_statsLabel);
    layout->addWidget(m_actions);
    updateVisibility();
}

// The editor is a Composer, so editing answers the keys as typing a new message does: Enter
// saves and resends, Shift+Enter starts a line, input methods keep their Enter; Esc cancels.
QWidget* MessageWidget::makeEditor() {
    auto* editor = new QWidget(this);
    auto* layout = new QVBoxLayout(editor);
    layout->setContentsMargins(0, 0, 0, 0);
    m_editEdit = new Composer(editor);
    m_editEdit->setObjectName("messageEditor");
    m_editEdit->setPlaceholderText(QString());
    m_editEdit->setAccessibleName(tr("Edit message"));
    m_editEdit->installEventFilter(this);
    auto* hint = new QLabel(tr("Enter to save and resend · Shift+Enter for a new line · Esc to cancel"), editor);
    hint->setObjectName("editHint");
    hint->setForegroundRole(QPalette::PlaceholderText);
    hint->setWordWrap(true);
    auto* buttons = new QHBoxLayout;
    auto* save = new QPushButton(tr("Save && resend"), editor);
    save->setObjectName("saveResendButton");
    save->setDefault(true);
    save->setToolTip(tr("Sends the edited message as a new branch; the old one stays (Enter)"));
    auto* cancel = new QPushButton(tr("Cancel"), editor);
    cancel->setObjectName("cancelEditButton");
    cancel->setToolTip(tr("Keep the message as it was (Esc)"));
    buttons->addWidget(hint, 1);
    buttons->addWidget(cancel);
    buttons->addWidget(save);
    layout->addWidget(m_editEdit);
    layout->addLayout(buttons);
    connect(save, &QPushButton::clicked, m_editEdit, &Composer::send);
    connect(m_editEdit, &Composer::sendRequested, this, &MessageWidget::saveEdit);
    connect(cancel, &QPushButton::clicked, this, &MessageWidget::stopEditing);
    return editor;
}

QWidget* MessageWidget::makeActions() {
    auto* actions = new QWidget(this);
    auto* layout = new QHBoxLayout(actions);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);

    m_branchNav = new QWidget(actions);
    m_branchNav->setObjectName("branchNavigation");
    auto* nav = new QHBoxLayout(m_branchNav);
    nav->setContentsMargins(0, 0, 0, 0);
    nav->setSpacing(0);
    m_previousBranch = actionButton(m_branchNav, "previousBranchButton", QStringLiteral("‹"), tr("Previous version"));
    m_previousBranch->setAccessibleName(tr("Previous version"));
    m_branchLabel = new QLabel(m_branchNav);
    m_branchLabel->setObjectName("branchLabel");
    m_nextBranch = actionButton(m_branchNav, "nextBranchButton", QStringLiteral("›"), tr("Next version"));
    m_nextBranch->setAccessibleName(tr("Next version"));
    nav->addWidget(m_previousBranch);
    nav->addWidget(m_branchLabel);
    nav->addWidget(m_nextBranch);

    m_copyButton = actionButton(actions, "copyMessageButton", tr("Copy"), tr("Copy the message as Markdown"));
    m_regenerateButton = actionButton(actions, "regenerateButton", tr("Regenerate"),
                                      tr("Answer again; this answer stays as another version"));
    m_editButton = actionButton(actions, "editButton", tr("Edit"),
                                tr("Edit and resend; the original stays as another version"));
    layout->addWidget(m_branchNav);
    layout->addWidget(m_copyButton);
    layout->addWidget(m_regenerateButton);
    layout->addWidget(m_editButton);
    layout->addStretch();

    connect(m_previousBranch, &QToolButton::clicked, this, [this] { emit branchRequested(m_message.id, -1); });
    connect(m_nextBranch, &QToolButton::clicked, this, [this] { emit branchRequested(m_message.id, +1); });
    connect(m_copyButton, &QToolButton::clicked, this, &MessageWidget::copyText);
    connect(m_regenerateButton, &QToolButton::clicked, this, [this] { emit regenerateRequested(m_message.id); });
    connect(m_editButton, &QToolButton::clicked, this, &MessageWidget::startEditing);
    return actions;
}

void MessageWidget::setMessage(const store::Message& message, int branchIndex, int branchCount, bool streaming) {
    if (message.id != m_message.id) {
        m_thought->reset();
        m_editing = false;
    }
    m_message = message;
    m_streaming = streaming;
    m_branchCount = branchCount;
    const bool user = message.role == store::Role::User;
    const bool assistant = message.role == store::Role::Assistant;
    setObjectName(user ? "userMessage" : assistant ? "assistantMessage" : "systemMessage");
    setProperty("messageId", message.id);
    // The user's own words sit on a slightly different background, as in most chat apps.
    setAutoFillBackground(user);
    setBackgroundRole(user ? QPalette::AlternateBase : QPalette::Base);

    m_roleLabel->setText(user ? tr("You") : assistant ? tr("Assistant") : tr("System"));
    m_modelLabel->setFullText(assistant ? message.stats.model : QString());
    if (!message.reasoning.isEmpty()) m_thought->setReasoning(message.reasoning, streaming && message.content.isEmpty());
    if (user) m_content->setPlainText(message.content);
    else m_content->setMarkdown(message.content);
    m_statsLabel->setText(streaming ? tr("Generating…") : statsText(message.stats));
    m_branchIndex = branchIndex;
    m_branchLabel->setText(QStringLiteral("%1/%2").arg(branchIndex).arg(branchCount));
    // What a screen reader says before reading the message.
    const QString who = m_roleLabel->text();
    setAccessibleName(branchCount > 1 ? tr("%1, version %2 of %3").arg(who).arg(branchIndex).arg(branchCount) : who);
    m_branchLabel->setAccessibleName(tr("Version %1 of %2").arg(branchIndex).arg(branchCount));
    setActionsEnabled(m_actionsEnabled);
    updateVisibility();
}

void MessageWidget::setActionsEnabled(bool enabled) {
    m_actionsEnabled = enabled;
    m_editEdit->setSendEnabled(enabled);
    m_regenerateButton->setEnabled(enabled);
    m_editButton->setEnabled(enabled);
    m_previousBranch->setEnabled(enabled && m_branchIndex > 1);
    m_nextBranch->setEnabled(enabled && m_branchIndex < m_branchCount);
}

QString MessageWidget::statsText(const store::MessageStats& stats) {
    QStringList parts;
    if (stats.tokensPerSecond > 0) parts << tr("%1 tok/s").arg(QString::number(stats.tokensPerSecond, 'f', 1));
    if (stats.timeToFirstToken > 0) parts << tr("TTFT %1 s").arg(QString::number(stats.timeToFirstToken, 'f', 2));
    const int used = stats.promptTokens + stats.completionTokens;
    if (used > 0) {
        parts << (stats.contextLimit > 0 ? tr("context %1 / %2 tokens").arg(used).arg(stats.contextLimit)
                                         : tr("context %1 tokens").arg(used));
    }
    if (stats.finishReason == QLatin1String("length")) parts << tr("stopped at the token limit");
    else if (stats.finishReason == QLatin1String("abort")) parts << tr("stopped");
    return parts.join(QStringLiteral(" · "));
}

void MessageWidget::updateVisibility() {
    const bool assistant = m_message.role == store::Role::Assistant;
    m_thought->setVisible(!m_message.reasoning.isEmpty());
    m_content->setVisible(!m_editing && !m_message.content.isEmpty());
    m_editor->setVisible(m_editing);
    m_statsLabel->setVisible(assistant && !m_editing && !m_statsLabel->text().isEmpty());
    m_actions->setVisible(!m_streaming && !m_editing && !m_message.id.isEmpty());
    m_branchNav->setVisible(m_branchCount > 1);
    m_regenerateButton->setVisible(assistant);
    m_editButton->setVisible(m_message.role == store::Role::User);
}

void MessageWidget::startEditing() {
    m_editEdit->setPlainText(m_message.content);
    m_editing = true;
    updateVisibility();
    m_editEdit->setFocus();
    m_editEdit->moveCursor(QTextCursor::End);
}

void MessageWidget::stopEditing() {
    m_editing = false;
    updateVisibility();
}

// The composer has checked the text is not blank and that actions are on.
void MessageWidget::saveEdit(const QString& text) {
    stopEditing();
    emit editResendRequested(m_message.id, text);
}

void MessageWidget::copyText() { QGuiApplication::clipboard()->setText(m_message.content); }

// In the inline editor Esc cancels; Enter is the composer's.
bool MessageWidget::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_editEdit && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
        stopEditing();
        return true;
    }
    return QFrame::eventFilter(watched, event);
}

}  // namespace pagoda::ui
