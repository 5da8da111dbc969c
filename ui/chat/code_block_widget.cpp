#include "ui/chat/code_block_widget.h"

#include <QClipboard>
#include <QEvent>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/chat/code_highlighter.h"

namespace pagoda::ui {

CodeBlockWidget::CodeBlockWidget(QWidget* parent) : QFrame(parent) {
    setObjectName("codeBlock");
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto* header = new QWidget(this);
    header->setObjectName("codeBlockHeader");
    header->setAutoFillBackground(true);
    header->setBackgroundRole(QPalette::AlternateBase);
    auto* headerLayout = new QHBoxLayout(header);
    headerLayout->setContentsMargins(8, 2, 2, 2);
    m_languageLabel = new QLabel(header);
    m_languageLabel->setObjectName("codeLanguageLabel");
    m_languageLabel->setForegroundRole(QPalette::PlaceholderText);
    m_copyButton = new QToolButton(header);
    m_copyButton->setObjectName("copyCodeButton");
    m_copyButton->setText(tr("Copy"));
    m_copyButton->setToolTip(tr("Copy the code"));
    m_copyButton->setAutoRaise(true);
    headerLayout->addWidget(m_languageLabel);
    headerLayout->addStretch();
    headerLayout->addWidget(m_copyButton);
    layout->addWidget(header);

    m_view = new QPlainTextEdit(this);
    m_view->setObjectName("codeView");
    m_view->setAccessibleName(tr("Code"));
    m_view->setReadOnly(true);
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_view->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    layout->addWidget(m_view);

    connect(m_copyButton, &QToolButton::clicked, this, &CodeBlockWidget::copyToClipboard);
    // A horizontal scroll bar appearing for a long line needs room of its own.
    connect(m_view->horizontalScrollBar(), &QScrollBar::rangeChanged, this, &CodeBlockWidget::fitHeight);
    fitHeight();
}

void CodeBlockWidget::setCode(const QString& code, const QString& language) {
    if (language != m_language || !m_highlighter) {
        m_language = language;
        m_languageLabel->setText(language.isEmpty() ? tr("code") : language);
        resetHighlighter();
    }
    if (code == m_code) return;
    if (!m_code.isEmpty() && code.startsWith(m_code)) {
        QTextCursor cursor(m_view->document());
        cursor.movePosition(QTextCursor::End);
        cursor.insertText(code.mid(m_code.size()));
    } else {
        m_view->setPlainText(code);
    }
    m_code = code;
    fitHeight();
}

void CodeBlockWidget::copyToClipboard() {
    QGuiApplication::clipboard()->setText(m_code);
    m_copyButton->setText(tr("Copied"));
    QTimer::singleShot(1500, m_copyButton, [button = m_copyButton] { button->setText(tr("Copy")); });
}

void CodeBlockWidget::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) fitHeight();
    // Light and dark themes need different code colours.
    if (event->type() == QEvent::PaletteChange && m_highlighter) resetHighlighter();
}

void CodeBlockWidget::resetHighlighter() {
    delete m_highlighter;
    // This widget's palette, not the view's: a child learns of a new palette only after its
    // parent, so in the parent's PaletteChange the view may still hold the old one.
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    m_highlighter = new CodeHighlighter(m_view->document(), m_language, dark);
    // A new highlighter on a filled document colours it only at the next event loop pass;
    // now, so a theme switch never shows a frame of the old colours.
    if (!m_code.isEmpty()) m_highlighter->rehighlight();
}

// No wrapping, so one text block is one line; the view shows them all.
void CodeBlockWidget::fitHeight() {
    const QFontMetrics metrics(m_view->font());
    const int lines = std::max(1, m_view->document()->blockCount());
    int height = lines * metrics.lineSpacing() + 2 * int(m_view->document()->documentMargin()) +
                 2 * m_view->frameWidth() + 2;
    QScrollBar* bar = m_view->horizontalScrollBar();
    if (bar->maximum() > bar->minimum()) height += bar->sizeHint().height();
    m_view->setFixedHeight(height);
}

}  // namespace pagoda::ui
