#include "ui/chat/markdown_view.h"

#include <QLabel>
#include <QVBoxLayout>

#include "ui/chat/code_block_widget.h"
#include "ui/chat/markdown_label.h"

namespace pagoda::ui {

MarkdownView::MarkdownView(QWidget* parent) : QWidget(parent) {
    m_layout = new QVBoxLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
}

QLabel* MarkdownView::makeLabel(Qt::TextFormat format) {
    auto* label = new MarkdownLabel(this);  // tables and quotes styled; a QLabel otherwise
    label->setObjectName("messageText");
    label->setTextFormat(format);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    label->setOpenExternalLinks(true);
    // A long URL or word must wrap or be cut, never widen the whole chat.
    label->setMinimumWidth(1);
    label->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
    return label;
}

void MarkdownView::clearFrom(size_t index) {
    for (size_t i = index; i < m_parts.size(); ++i) delete m_parts[i];
    m_parts.resize(std::min(index, m_parts.size()));
    m_segments.resize(std::min(index, m_segments.size()));
}

void MarkdownView::setPlainText(const QString& text) {
    if (!m_markdown && text == m_text && !m_parts.empty()) return;
    if (m_markdown) clearFrom(0);
    m_markdown = false;
    m_text = text;
    if (m_parts.empty()) {
        m_parts.push_back(makeLabel(Qt::PlainText));
        m_layout->addWidget(m_parts.back());
    }
    static_cast<QLabel*>(m_parts.front())->setText(text);
}

void MarkdownView::setMarkdown(const QString& markdown) {
    if (m_markdown && markdown == m_text && (!m_parts.empty() || markdown.trimmed().isEmpty())) return;
    if (!m_markdown) clearFrom(0);
    m_markdown = true;
    m_text = markdown;
    const std::vector<MarkdownSegment> segments = splitMarkdown(markdown);
    // Keep the unchanged prefix; a part of the same kind is updated in place.
    size_t i = 0;
    for (; i < segments.size() && i < m_segments.size(); ++i) {
        if (segments[i].kind != m_segments[i].kind) break;
        if (segments[i] == m_segments[i]) continue;
        if (segments[i].kind == MarkdownSegment::Kind::Code)
            static_cast<CodeBlockWidget*>(m_parts[i])->setCode(segments[i].text, segments[i].language);
        else
            static_cast<MarkdownLabel*>(m_parts[i])->setMarkdown(withHardLineBreaks(segments[i].text));
        m_segments[i] = segments[i];
    }
    clearFrom(i);
    for (; i < segments.size(); ++i) {
        QWidget* part = nullptr;
        if (segments[i].kind == MarkdownSegment::Kind::Code) {
            auto* block = new CodeBlockWidget(this);
            block->setCode(segments[i].text, segments[i].language);
            part = block;
        } else {
            auto* label = static_cast<MarkdownLabel*>(makeLabel(Qt::MarkdownText));
            label->setMarkdown(withHardLineBreaks(segments[i].text));
            part = label;
        }
        m_layout->addWidget(part);
        m_parts.push_back(part);
        m_segments.push_back(segments[i]);
    }
}

}  // namespace pagoda::ui
