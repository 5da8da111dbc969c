#include "ui/chat/markdown_segments.h"

#include <QStringList>

#include <optional>

namespace pagoda::ui {

namespace {

struct Fence {
    QChar character;
    int length = 0;
    int indent = 0;
    QString language;
};

int leadingSpaces(const QString& line) {
    int n = 0;
    while (n < line.size() && line[n] == u' ') ++n;
    return n;
}

// The fence a line opens, if it opens one.
std::optional<Fence> openingFence(const QString& line) {
    const int indent = leadingSpaces(line);
    if (indent > 3 || indent >= line.size()) return std::nullopt;
    const QChar c = line[indent];
    if (c != u'`' && c != u'~') return std::nullopt;
    int end = indent;
    while (end < line.size() && line[end] == c) ++end;
    if (end - indent < 3) return std::nullopt;
    const QString info = line.mid(end).trimmed();
    if (c == u'`' && info.contains(u'`')) return std::nullopt;
    Fence fence{c, end - indent, indent, {}};
    fence.language = info.section(u' ', 0, 0, QString::SectionSkipEmpty);
    return fence;
}

bool closesFence(const QString& line, const Fence& fence) {
    const int indent = leadingSpaces(line);
    if (indent > 3) return false;
    int end = indent;
    while (end < line.size() && line[end] == fence.character) ++end;
    return end - indent >= fence.length && line.mid(end).trimmed().isEmpty();
}

// Content lines lose up to the opening fence's indentation, as CommonMark says.
QString unindent(const QString& line, int indent) { return line.mid(std::min(indent, leadingSpaces(line))); }

// While an answer streams, its closing fence can arrive a character at a time; a last line
// of one or two fence characters is that fence coming, not code, so it is not shown.
bool isFenceArriving(const QString& line, const Fence& fence) {
    const QString trimmed = line.trimmed();
    if (trimmed.isEmpty() || trimmed.size() >= fence.length) return false;
    for (QChar c : trimmed)
        if (c != fence.character) return false;
    return true;
}

void addText(std::vector<MarkdownSegment>& out, QStringList& lines) {
    // Blank lines at either end only add space around the code blocks next to them.
    while (!lines.isEmpty() && lines.first().trimmed().isEmpty()) lines.removeFirst();
    while (!lines.isEmpty() && lines.last().trimmed().isEmpty()) lines.removeLast();
    if (!lines.isEmpty()) out.push_back({MarkdownSegment::Kind::Text, lines.join(u'\n'), {}, true});
    lines.clear();
}

}  // namespace

std::vector<MarkdownSegment> splitMarkdown(const QString& markdown) {
    std::vector<MarkdownSegment> out;
    QStringList lines = markdown.split(u'\n');
    for (QString& line : lines)
        if (line.endsWith(u'\r')) line.chop(1);
    // A final newline ends the last line; it does not start an empty one.
    if (lines.size() > 1 && lines.last().isEmpty()) lines.removeLast();

    QStringList pending;  // prose, or the open code block's lines
    std::optional<Fence> open;
    for (const QString& line : lines) {
        if (!open) {
            if ((open = openingFence(line))) addText(out, pending);
            else pending.append(line);
            continue;
        }
        if (closesFence(line, *open)) {
            out.push_back({MarkdownSegment::Kind::Code, pending.join(u'\n'), open->language, true});
            pending.clear();
            open.reset();
            continue;
        }
        pending.append(unindent(line, open->indent));
    }
    if (open) {
        if (!pending.isEmpty() && isFenceArriving(pending.last(), *open)) pending.removeLast();
        out.push_back({MarkdownSegment::Kind::Code, pending.join(u'\n'), open->language, false});
    } else {
        addText(out, pending);
    }
    return out;
}

QString withHardLineBreaks(const QString& prose) {
    const QStringList lines = prose.split('\n');
    QString out;
    out.reserve(prose.size() + 2 * lines.size());
    for (qsizetype i = 0; i < lines.size(); ++i) {
        out += lines[i];
        if (i + 1 == lines.size()) break;
        const bool joined = !lines[i].trimmed().isEmpty() && !lines[i + 1].trimmed().isEmpty();
        if (joined && !lines[i].endsWith("  ")) out += "  ";
        out += '\n';
    }
    return out;
}

}  // namespace pagoda::ui
