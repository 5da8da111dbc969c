#include "ui/chat/composer.h"

#include <QInputMethodEvent>
#include <QKeyEvent>
#include <QTextBlock>

#include "ui/shortcuts.h"

namespace pagoda::ui {

namespace {
constexpr int kMinLines = 2;
constexpr int kMaxLines = 10;  // then it scrolls
}  // namespace

Composer::Composer(QWidget* parent) : QPlainTextEdit(parent) {
    setObjectName("composer");
    setPlaceholderText(tr("Message… (Enter to send, Shift+Enter for a new line)"));
    setAccessibleName(tr("Message"));
    setAccessibleDescription(tr("Enter sends, Shift+Enter starts a new line"));
    setTabChangesFocus(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    // Wrapped lines count too, so the document's layout is asked rather than the text.
    connect(document()->documentLayout(), &QAbstractTextDocumentLayout::documentSizeChanged, this,
            [this] { updateGeometry(); });
}

void Composer::setSendEnabled(bool enabled) { m_sendEnabled = enabled; }

bool Composer::send() {
    const QString text = toPlainText();
    if (!m_sendEnabled || text.trimmed().isEmpty()) return false;
    clear();
    emit sendRequested(text);
    return true;
}

// The window's shortcuts win over the text box's own bindings: on Linux desktops Ctrl+K is
// also "delete to the end of the line", which would eat the search shortcut while typing.
bool Composer::event(QEvent* event) {
    if (event->type() == QEvent::ShortcutOverride) {
        const QKeySequence pressed(static_cast<QKeyEvent*>(event)->keyCombination());
        for (const Shortcut& shortcut : shortcuts()) {
            if (shortcut.command != Command::Stop && shortcut.keys.contains(pressed)) {
                event->ignore();
                return true;
            }
        }
    }
    return QPlainTextEdit::event(event);
}

void Composer::keyPressEvent(QKeyEvent* event) {
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (!enter) {
        QPlainTextEdit::keyPressEvent(event);
        return;
    }
    if (m_composing) {
        // The input method commits with Enter; should the key reach us as well, it neither
        // sends nor adds a line.
    } else if (event->modifiers() & Qt::ShiftModifier) {
        // A real paragraph break; QPlainTextEdit would insert U+2028 for Shift+Enter.
        textCursor().insertText(QStringLiteral("\n"));
    } else {
        send();  // blank text or sending off: Enter does nothing rather than add blank lines
    }
    event->accept();
}

void Composer::inputMethodEvent(QInputMethodEvent* event) {
    // A non-empty preedit string means the input method is composing; a commit arrives with
    // an empty preedit and ends it.
    m_composing = !event->preeditString().isEmpty();
    QPlainTextEdit::inputMethodEvent(event);
}

void Composer::focusOutEvent(QFocusEvent* event) {
    // Input methods drop an unfinished composition when focus leaves.
    m_composing = false;
    QPlainTextEdit::focusOutEvent(event);
}

int Composer::heightForLines(int lines) const {
    const QMargins margins = contentsMargins();
    return lines * fontMetrics().lineSpacing() + 2 * int(document()->documentMargin()) + margins.top() +
           margins.bottom() + 2 * frameWidth();
}

QSize Composer::sizeHint() const {
    int lines = 0;
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next())
        lines += block.layout() && block.layout()->lineCount() > 0 ? block.layout()->lineCount() : 1;
    return {QPlainTextEdit::sizeHint().width(), heightForLines(std::clamp(lines, kMinLines, kMaxLines))};
}

QSize Composer::minimumSizeHint() const { return {QPlainTextEdit::minimumSizeHint().width(), heightForLines(kMinLines)}; }

}  // namespace pagoda::ui
