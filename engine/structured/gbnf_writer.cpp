// toGbnf: a Grammar as llama.cpp GBNF text that parseGbnf reads back to an equivalent grammar.
// The root rule is written as `root` and other names are made valid GBNF names, renamed where
// needed so no two collide.
#include <fmt/format.h>

#include <map>
#include <set>
#include <string>

#include <utf8proc.h>

#include "engine/common/utf8.h"
#include "engine/structured/char_sets.h"
#include "engine/structured/grammar.h"

namespace pagoda::structured {

namespace {

enum class Precedence { Choice, Sequence, Atom };

// Code points written as escapes: ASCII controls, and beyond ASCII whatever would not show as
// itself in a log (controls, format characters, spaces other than ' ', combining marks that
// attach to their neighbour, private use, unassigned code points).
bool needsEscape(char32_t c) {
    if (c < 0x80) return c < 0x20 || c == 0x7F;
    switch (utf8proc_category(utf8proc_int32_t(c))) {
        case UTF8PROC_CATEGORY_CN:
        case UTF8PROC_CATEGORY_CO:
        case UTF8PROC_CATEGORY_CS:
        case UTF8PROC_CATEGORY_CC:
        case UTF8PROC_CATEGORY_CF:
        case UTF8PROC_CATEGORY_ZS:
        case UTF8PROC_CATEGORY_ZL:
        case UTF8PROC_CATEGORY_ZP:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
            return true;
        default:
            return false;
    }
}

void appendEscaped(std::string& out, char32_t c) {
    if (c == '\n') {
        out += "\\n";
    } else if (c == '\t') {
        out += "\\t";
    } else if (c == '\r') {
        out += "\\r";
    } else if (c < 0x100) {
        out += fmt::format("\\x{:02X}", uint32_t(c));
    } else if (c < 0x10000) {
        out += fmt::format("\\u{:04X}", uint32_t(c));
    } else {
        out += fmt::format("\\U{:08X}", uint32_t(c));
    }
}

void appendLiteral(std::string& out, const std::string& bytes) {
    out += '"';
    size_t pos = 0;
    while (pos < bytes.size()) {
        const size_t length = utf8SequenceLength(static_cast<unsigned char>(bytes[pos]));
        if (pos + length > bytes.size() || firstInvalidUtf8Byte(std::string_view(bytes).substr(pos, length))) {
            // No GBNF escape names a byte (\xHH is a code point), so a stray byte goes as it is;
            // parseGbnf keeps literal bytes unchanged.
            out += bytes[pos++];
            continue;
        }
        const char32_t c = decodeCodepointAt(bytes, pos);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (needsEscape(c)) {
            appendEscaped(out, c);
        } else {
            appendUtf8(out, c);
        }
    }
    out += '"';
}

void appendClassChar(std::string& out, char32_t c) {
    if (c == ']' || c == '[' || c == '\\') {
        out += '\\';
        out += char(c);
    } else if (c == '-' || c == '^' || needsEscape(c)) {
        appendEscaped(out, c);  // \x2D and \x5E mean '-' and '^' wherever they stand
    } else {
        appendUtf8(out, c);
    }
}

void appendClass(std::string& out, const Expr& e) {
    const CodepointRanges ranges = normalizedRanges(e.ranges);
    if (e.negated && ranges.empty()) {
        out += '.';
        return;
    }
    out += e.negated ? "[^" : "[";
    for (const CodepointRange& r : ranges) {
        appendClassChar(out, r.first);
        if (r.last == r.first) continue;
        if (r.last > r.first + 1) out += '-';
        appendClassChar(out, r.last);
    }
    out += ']';
}

class GbnfWriter {
public:
    explicit GbnfWriter(const Grammar& grammar) {
        // The root is `root`; every other rule keeps its name where it is valid and free.
        m_names[grammar.root] = "root";
        for (const Rule& rule : grammar.rules) nameFor(rule.name);
    }

    std::string write(const Grammar& grammar) {
        std::string out;
        for (const Rule& rule : grammar.rules) {
            out += m_names[rule.name];
            out += " ::= ";
            appendExpr(out, rule.body, Precedence::Choice);
            out += '\n';
        }
        return out;
    }

private:
    const std::string& nameFor(const std::string& name) {
        if (auto it = m_names.find(name); it != m_names.end()) return it->second;
        std::string base;
        for (char c : name) {
            const bool valid =
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            base += valid ? c : '-';
        }
        if (base.empty()) base = "rule";
        std::string candidate = base;
        for (int k = 2; m_used.count(candidate); ++k) candidate = fmt::format("{}-{}", base, k);
        m_used.insert(candidate);
        return m_names[name] = candidate;
    }

    void appendExpr(std::string& out, const Expr& e, Precedence context) {
        switch (e.kind) {
            case Expr::Kind::Literal:
                appendLiteral(out, e.text);
                return;
            case Expr::Kind::CharClass:
                appendClass(out, e);
                return;
            case Expr::Kind::RuleRef:
                out += nameFor(e.text);  // a rule not in the grammar still gets a valid name
                return;
            case Expr::Kind::Sequence:
                if (e.items.empty()) {
                    out += "\"\"";
                } else if (e.items.size() == 1) {
                    appendExpr(out, e.items[0], context);
                } else {
                    appendJoined(out, e.items, " ", Precedence::Sequence, context > Precedence::Sequence);
                }
                return;
            case Expr::Kind::Choice:
                if (e.items.empty()) {
                    out += "[]";  // the empty class: matches nothing
                } else if (e.items.size() == 1) {
                    appendExpr(out, e.items[0], context);
                } else {
                    appendJoined(out, e.items, " | ", Precedence::Sequence, context > Precedence::Choice);
                }
                return;
            case Expr::Kind::Repeat:
                appendRepeat(out, e);
                return;
        }
    }

    void appendJoined(std::string& out, const std::vector<Expr>& items, std::string_view separator,
                      Precedence itemContext, bool parenthesize) {
        if (parenthesize) out += '(';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) out += separator;
            appendExpr(out, items[i], itemContext);
        }
        if (parenthesize) out += ')';
    }

    void appendRepeat(std::string& out, const Expr& e) {
        // A quantifier binds to one item; a repeat of a repeat needs its own group.
        const Expr& item = e.items[0];
        if (item.kind == Expr::Kind::Repeat) {
            out += '(';
            appendExpr(out, item, Precedence::Choice);
            out += ')';
        } else {
            appendExpr(out, item, Precedence::Atom);
        }
        const int min = e.minRepeat, max = e.maxRepeat;
        if (min == 0 && max < 0) {
            out += '*';
        } else if (min == 1 && max < 0) {
            out += '+';
        } else if (min == 0 && max == 1) {
            out += '?';
        } else if (max < 0) {
            out += fmt::format("{{{},}}", min);
        } else if (min == max) {
            out += fmt::format("{{{}}}", min);
        } else {
            out += fmt::format("{{{},{}}}", min, max);
        }
    }

    std::map<std::string, std::string> m_names;
    std::set<std::string> m_used{"root"};
};

}  // namespace

std::string toGbnf(const Grammar& grammar) {
    return GbnfWriter(grammar).write(grammar);
}

}  // namespace pagoda::structured
