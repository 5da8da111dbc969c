// Splits a chat answer's Markdown into prose and fenced code blocks, so prose can go to Qt's
// Markdown renderer while each code block gets its own widget (highlighting, Copy button).
// Pure and cheap: the message widget calls it on every streamed update.
#pragma once

#include <QString>

#include <vector>

namespace pagoda::ui {

struct MarkdownSegment {
    enum class Kind { Text, Code };
    Kind kind = Kind::Text;
    QString text;      // Text: Markdown; Code: the code exactly, without fences or final newline
    QString language;  // Code: the info string's first word as written ("python", "c++"), or empty
    bool closed = true;  // Code: false while the closing fence has not arrived yet (streaming)

    bool operator==(const MarkdownSegment&) const = default;
};

// CommonMark's fence rules: a line of at least three ` or ~ indented at most three spaces
// opens a block, which only a line of the same character, at least as long, closes; so a
// ```` fence can hold ``` lines and a ~~~ fence can hold both. A backtick info string may
// not contain backticks (```a``` is inline code). An unterminated fence runs to the end.
// Text segments are never empty or blank.
std::vector<MarkdownSegment> splitMarkdown(const QString& markdown);

// Prose with every line break kept, as chat answers mean them (a poem, an address): CommonMark
// joins a paragraph's lines with spaces, so each line that another non-blank line follows
// gets a hard break ("  "). At the end of a list item, heading or table row CommonMark
// ignores it, so nothing else changes.
QString withHardLineBreaks(const QString& prose);

}  // namespace pagoda::ui
