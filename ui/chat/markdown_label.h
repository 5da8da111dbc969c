// One run of an answer's Markdown prose: QLabel's own Markdown rendering (selection, links,
// wrapping) plus what Qt's Markdown import leaves bare. Tables get cell padding, thin borders
// and a shaded header row; inline code the same shading; blockquotes a bar at the left, one
// per level (QTextDocument has no left border for blocks, so the label paints the bars over
// the indentation it gives each quote). Colours come from the palette and follow a switch
// between light and dark.
#pragma once

#include <QLabel>

class QTextDocument;

namespace pagoda::ui {

class MarkdownLabel : public QLabel {
    Q_OBJECT
public:
    static constexpr int kCellPadding = 6;
    static constexpr int kQuoteIndent = 16;  // per level, the bar included
    static constexpr int kQuoteBarWidth = 3;

    explicit MarkdownLabel(QWidget* parent = nullptr);

    // setText with the Markdown text format, then the tables and quotes styled.
    void setMarkdown(const QString& markdown);

    // The document QLabel lays the text out in (its own, inside its text control): null for
    // plain text. Laid out for the current text.
    QTextDocument* document() const;

    // The colour of the quote bars and of the shaded header row, from a palette.
    static QColor quoteBarColor(const QPalette& palette);
    static QColor headerColor(const QPalette& palette);

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void styleDocument();
};

// Table and blockquote formats for a document read from Markdown; the label calls it, and it
// is separate so any QTextDocument holding Markdown can get the same look.
void styleMarkdownDocument(QTextDocument& document, const QPalette& palette);

}  // namespace pagoda::ui
