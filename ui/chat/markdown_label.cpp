#include "ui/chat/markdown_label.h"

#include <QAbstractTextDocumentLayout>
#include <QEvent>
#include <QPainter>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFrame>
#include <QTextTable>

namespace pagoda::ui {

namespace {

QColor mix(const QColor& a, const QColor& b, double share) {
    return QColor::fromRgbF(a.redF() * (1 - share) + b.redF() * share, a.greenF() * (1 - share) + b.greenF() * share,
                            a.blueF() * (1 - share) + b.blueF() * share);
}

// Only text with a table, a quote or inline code needs its document styled; the rest is
// left for QLabel to lay out when it is drawn.
bool needsStyling(const QString& markdown) {
    return markdown.contains(u'|') || markdown.contains(u'>') || markdown.contains(u'`');
}

int quoteLevel(const QTextBlock& block) { return block.blockFormat().intProperty(QTextFormat::BlockQuoteLevel); }

void styleTables(QTextFrame& frame, const QPalette& palette) {
    for (QTextFrame* child : frame.childFrames()) {
        if (auto* table = qobject_cast<QTextTable*>(child)) {
            QTextTableFormat format = table->format();
            format.setCellPadding(MarkdownLabel::kCellPadding);
            format.setCellSpacing(0);
            format.setBorder(1);
            format.setBorderCollapse(true);
            format.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
            format.setBorderBrush(mix(palette.color(QPalette::Base), palette.color(QPalette::Text), 0.3));
            format.setHeaderRowCount(1);  // a Markdown table always has one
            format.setTopMargin(4);
            format.setBottomMargin(4);
            table->setFormat(format);
            for (int column = 0; column < table->columns(); ++column) {
                QTextTableCell cell = table->cellAt(0, column);
                QTextTableCellFormat cellFormat = cell.format().toTableCellFormat();
                cellFormat.setBackground(MarkdownLabel::headerColor(palette));
                cell.setFormat(cellFormat);
            }
        }
        styleTables(*child, palette);
    }
}

}  // namespace

MarkdownLabel::MarkdownLabel(QWidget* parent) : QLabel(parent) { setTextFormat(Qt::MarkdownText); }

QColor MarkdownLabel::quoteBarColor(const QPalette& palette) {
    return mix(palette.color(QPalette::Base), palette.color(QPalette::Text), 0.35);
}

QColor MarkdownLabel::headerColor(const QPalette& palette) {
    return mix(palette.color(QPalette::Base), palette.color(QPalette::Text), 0.1);
}

void styleMarkdownDocument(QTextDocument& document, const QPalette& palette) {
    styleTables(*document.rootFrame(), palette);
    // Inline code gets the header's shading behind it, as code spans have on GitHub.
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (!fragment.charFormat().fontFixedPitch()) continue;
            QTextCursor cursor(&document);
            cursor.setPosition(fragment.position());
            cursor.setPosition(fragment.position() + fragment.length(), QTextCursor::KeepAnchor);
            QTextCharFormat format;
            format.setBackground(MarkdownLabel::headerColor(palette));
            cursor.mergeCharFormat(format);
        }
    }
    // Qt indents a quote 40 px on each side per level; a bar needs less, and the right
    // indent only narrows a chat column.
    for (QTextBlock block = document.begin(); block.isValid(); block = block.next()) {
        const int level = quoteLevel(block);
        if (level <= 0) continue;
        QTextBlockFormat format;
        format.setLeftMargin(level * MarkdownLabel::kQuoteIndent + 4);
        format.setRightMargin(0);
        QTextCursor(block).mergeBlockFormat(format);
    }
}

QTextDocument* MarkdownLabel::document() const {
    // QLabel fills its document only when it first lays the text out.
    if (!text().isEmpty()) (void)heightForWidth(std::max(width(), 1));
    return findChild<QTextDocument*>();
}

void MarkdownLabel::setMarkdown(const QString& markdown) {
    setTextFormat(Qt::MarkdownText);
    setText(markdown);
    if (needsStyling(markdown)) styleDocument();
}

void MarkdownLabel::styleDocument() {
    QTextDocument* doc = document();
    if (!doc) return;
    styleMarkdownDocument(*doc, palette());
    // QLabel caches its size hint; the padding and indents changed the text's size.
    setWordWrap(wordWrap());
}

void MarkdownLabel::changeEvent(QEvent* event) {
    QLabel::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && needsStyling(text())) styleDocument();
}

void MarkdownLabel::paintEvent(QPaintEvent* event) {
    QLabel::paintEvent(event);
    if (!text().contains(u'>')) return;
    QTextDocument* doc = findChild<QTextDocument*>();
    if (!doc) return;
    QAbstractTextDocumentLayout* layout = doc->documentLayout();
    // Where QLabel draws the document: its contents rect, vertically aligned as the label is.
    QRectF area = QRectF(contentsRect()).adjusted(margin(), margin(), -margin(), -margin());
    const qreal height = layout->documentSize().height();
    if (alignment() & Qt::AlignVCenter) area.translate(0, std::max<qreal>(0, (area.height() - height) / 2));
    else if (alignment() & Qt::AlignBottom) area.translate(0, std::max<qreal>(0, area.height() - height));

    QPainter painter(this);
    painter.translate(area.topLeft());
    const QColor bar = quoteBarColor(palette());
    for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
        const int level = quoteLevel(block);
        if (level <= 0) continue;
        const QRectF rect = layout->blockBoundingRect(block);
        const QTextBlock next = block.next();
        for (int i = 0; i < level; ++i) {
            // A quote's paragraphs join into one bar; the last one ends at its text.
            const bool joined = next.isValid() && quoteLevel(next) > i;
            const qreal bottom = joined ? layout->blockBoundingRect(next).top() : rect.bottom();
            painter.fillRect(QRectF(rect.left() + i * kQuoteIndent, rect.top(), kQuoteBarWidth, bottom - rect.top()), bar);
        }
    }
}

}  // namespace pagoda::ui
