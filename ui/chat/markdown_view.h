// Renders one message's text: Markdown prose through Qt's own Markdown support (QLabel with
// Qt::MarkdownText) and fenced code blocks as CodeBlockWidgets. Re-rendering keeps every
// part whose text did not change, so a streamed update only touches the last one.
#pragma once

#include <QWidget>

#include <vector>

#include "ui/chat/markdown_segments.h"

class QLabel;
class QVBoxLayout;

namespace pagoda::ui {

class MarkdownView : public QWidget {
    Q_OBJECT
public:
    explicit MarkdownView(QWidget* parent = nullptr);

    void setMarkdown(const QString& markdown);
    // Shown as typed: what a user writes is not interpreted ("a * b * c" stays as it is).
    void setPlainText(const QString& text);
    QString text() const { return m_text; }

private:
    QLabel* makeLabel(Qt::TextFormat format);
    void clearFrom(size_t index);

    QString m_text;
    bool m_markdown = true;
    QVBoxLayout* m_layout;
    std::vector<MarkdownSegment> m_segments;  // what m_parts show
    std::vector<QWidget*> m_parts;            // a QLabel or CodeBlockWidget per segment
};

}  // namespace pagoda::ui
