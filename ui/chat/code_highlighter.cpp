#include "ui/chat/code_highlighter.h"

#include <QColor>
#include <QHash>
#include <QSet>

namespace pagoda::ui {

struct CodeHighlighter::Syntax {
    QSet<QString> keywords;
    QString lineComment;          // "//", "#" or empty
    bool hashNeedsSpace = false;  // shell: `#` starts a comment only at a word's start
    bool blockComments = false;   // /* ... */
    bool tripleQuotes = false;    // Python's """ and '''
    bool singleQuotes = true;     // Rust's 'a lifetimes would read as unterminated strings
    bool backticks = false;       // JS template strings, Go raw strings: may span lines
    bool preprocessor = false;    // C's #include, #define
    bool keys = false;            // JSON: a string before ':' is a key
};

namespace {

QSet<QString> words(const char* list) {
    QSet<QString> set;
    for (const QString& word : QString::fromLatin1(list).split(u' ', Qt::SkipEmptyParts)) set.insert(word);
    return set;
}

using Syntax = CodeHighlighter::Syntax;

const QHash<QString, Syntax>& syntaxes() {
    static const QHash<QString, Syntax> table = [] {
        QHash<QString, Syntax> t;
        Syntax python;
        python.keywords = words(
            "False None True and as assert async await break class continue def del elif else except "
            "finally for from global if import in is lambda nonlocal not or pass raise return try while "
            "with yield match case self print len range");
        python.lineComment = "#";
        python.tripleQuotes = true;
        t.insert("python", python);

        Syntax cpp;
        cpp.keywords = words(
            "alignas alignof auto bool break case catch char char8_t char16_t char32_t class const "
            "consteval constexpr constinit const_cast continue co_await co_return co_yield decltype "
            "default delete do double dynamic_cast else enum explicit export extern false final float "
            "for friend goto if inline int long mutable namespace new noexcept nullptr operator override "
            "private protected public register reinterpret_cast return short signed sizeof static "
            "static_assert static_cast struct switch template this thread_local throw true try typedef "
            "typeid typename union unsigned using virtual void volatile wchar_t while NULL size_t std");
        cpp.lineComment = "//";
        cpp.blockComments = true;
        cpp.preprocessor = true;
        t.insert("cpp", cpp);

        Syntax js;
        js.keywords = words(
            "abstract any as async await boolean break case catch class const continue debugger declare "
            "default delete do else enum export extends false finally for from function get if implements "
            "import in instanceof interface keyof let namespace never new null number of private protected "
            "public readonly return set static string super switch this throw true try type typeof "
            "undefined unknown var void while yield");
        js.lineComment = "//";
        js.blockComments = true;
        js.backticks = true;
        t.insert("js", js);

        Syntax rust;
        rust.keywords = words(
            "as async await break const continue crate dyn else enum extern false fn for if impl in let "
            "loop match mod move mut pub ref return self Self static struct super trait true type unsafe "
            "use where while Some None Ok Err String Vec Option Result Box i8 i16 i32 i64 i128 isize u8 "
            "u16 u32 u64 u128 usize f32 f64 bool char str");
        rust.lineComment = "//";
        rust.blockComments = true;
        rust.singleQuotes = false;
        t.insert("rust", rust);

        Syntax go;
        go.keywords = words(
            "break case chan const continue default defer else fallthrough for func go goto if import "
            "interface map package range return select struct switch type var true false nil iota append "
            "bool byte cap error float32 float64 int int8 int16 int32 int64 len make new panic rune string "
            "uint uint8 uint16 uint32 uint64");
        go.lineComment = "//";
        go.blockComments = true;
        go.backticks = true;
        t.insert("go", go);

        Syntax java;
        java.keywords = words(
            "abstract assert boolean break byte case catch char class const continue default do double "
            "else enum extends final finally float for goto if implements import instanceof int interface "
            "long native new package private protected public record return short static strictfp super "
            "switch synchronized this throw throws transient try var void volatile while true false null "
            "String");
        java.lineComment = "//";
        java.blockComments = true;
        t.insert("java", java);

        Syntax bash;
        bash.keywords = words(
            "if then else elif fi for while until do done case esac in function return local export "
            "readonly declare echo exit set unset shift source alias cd sudo");
        bash.lineComment = "#";
        bash.hashNeedsSpace = true;
        t.insert("bash", bash);

        Syntax json;
        json.keywords = words("true false null");
        json.keys = true;
        t.insert("json", json);
        return t;
    }();
    return table;
}

QTextCharFormat colourFormat(const QColor& color, bool bold = false, bool italic = false) {
    QTextCharFormat f;
    f.setForeground(color);
    if (bold) f.setFontWeight(QFont::DemiBold);
    f.setFontItalic(italic);
    return f;
}

bool isWordChar(QChar c) { return c.isLetterOrNumber() || c == u'_'; }

}  // namespace

QString CodeHighlighter::canonicalLanguage(const QString& tag) {
    static const QHash<QString, QString> aliases = {
        {"python", "python"}, {"py", "python"}, {"python3", "python"}, {"py3", "python"},
        {"cpp", "cpp"}, {"c++", "cpp"}, {"cc", "cpp"}, {"cxx", "cpp"}, {"hpp", "cpp"}, {"h", "cpp"},
        {"c", "cpp"}, {"cuda", "cpp"}, {"objc", "cpp"},
        {"js", "js"}, {"javascript", "js"}, {"jsx", "js"}, {"mjs", "js"}, {"ts", "js"},
        {"typescript", "js"}, {"tsx", "js"}, {"node", "js"},
        {"rust", "rust"}, {"rs", "rust"},
        {"go", "go"}, {"golang", "go"},
        {"java", "java"}, {"kotlin", "java"},
        {"bash", "bash"}, {"sh", "bash"}, {"shell", "bash"}, {"zsh", "bash"}, {"console", "bash"},
        {"shellscript", "bash"},
        {"json", "json"}, {"jsonc", "json"}, {"json5", "json"},
    };
    return aliases.value(tag.trimmed().toLower());
}

CodeHighlighter::CodeHighlighter(QTextDocument* document, const QString& language, bool dark)
    : QSyntaxHighlighter(document) {
    const auto& table = syntaxes();
    const auto it = table.constFind(canonicalLanguage(language));
    if (it != table.cend()) m_syntax = &it.value();
    const Colours c = colours(dark);
    m_keyword = colourFormat(c.keyword, true);
    m_string = colourFormat(c.string);
    m_number = colourFormat(c.number);
    m_comment = colourFormat(c.comment, false, true);
    m_key = colourFormat(c.key);
}

// GitHub's light and dark code colours: familiar, and readable on either background. The
// light comment grey is GitHub's darker fgMuted (#57606a), as #6e7781 falls under 4.5:1 on
// anything but pure white.
CodeHighlighter::Colours CodeHighlighter::colours(bool dark) {
    if (dark) return {QColor(0xff7b72), QColor(0xa5d6ff), QColor(0x79c0ff), QColor(0x8b949e), QColor(0x7ee787)};
    return {QColor(0xcf222e), QColor(0x0a3069), QColor(0x0550ae), QColor(0x57606a), QColor(0x116329)};
}

int CodeHighlighter::scanUntil(const QString& text, int start, int searchFrom, const QString& end,
                               State openState, const QTextCharFormat& fmt) {
    const int close = text.indexOf(end, searchFrom);
    const int stop = close < 0 ? text.size() : close + end.size();
    if (close < 0) setCurrentBlockState(openState);
    setFormat(start, stop - start, fmt);
    return stop;
}

int CodeHighlighter::continueState(const QString& text, State state) {
    switch (state) {
    case InBlockComment: return scanUntil(text, 0, 0, QStringLiteral("*/"), state, m_comment);
    case InTripleDouble: return scanUntil(text, 0, 0, QStringLiteral("\"\"\""), state, m_string);
    case InTripleSingle: return scanUntil(text, 0, 0, QStringLiteral("'''"), state, m_string);
    case InBacktick: return scanUntil(text, 0, 0, QStringLiteral("`"), state, m_string);
    case Normal: break;
    }
    return 0;
}

// A one-line string from the opening quote at start; returns the index after its end.
int CodeHighlighter::scanString(const QString& text, int start, QChar quote) {
    int i = start + 1;
    while (i < text.size() && text[i] != quote) i += text[i] == u'\\' ? 2 : 1;
    const int end = std::min<int>(i + 1, text.size());
    int after = end;
    while (after < text.size() && text[after].isSpace()) ++after;
    const bool key = m_syntax->keys && after < text.size() && text[after] == u':';
    setFormat(start, end - start, key ? m_key : m_string);
    return end;
}

void CodeHighlighter::highlightBlock(const QString& text) {
    setCurrentBlockState(Normal);
    if (!m_syntax) return;
    const Syntax& syntax = *m_syntax;
    const int previous = previousBlockState();
    int i = previous > Normal ? continueState(text, State(previous)) : 0;
    if (currentBlockState() != Normal) return;  // the construct goes on past this line
    if (syntax.preprocessor && text.trimmed().startsWith(u'#')) {
        const int hash = text.indexOf(u'#');
        int end = hash + 1;
        while (end < text.size() && isWordChar(text[end])) ++end;
        setFormat(hash, end - hash, m_keyword);
        i = std::max(i, end);
    }
    while (i < text.size()) {
        const QChar c = text[i];
        const QStringView rest = QStringView(text).mid(i);
        if (!syntax.lineComment.isEmpty() && rest.startsWith(syntax.lineComment) &&
            (!syntax.hashNeedsSpace || i == 0 || text[i - 1].isSpace())) {
            setFormat(i, text.size() - i, m_comment);
            return;
        }
        if (syntax.blockComments && rest.startsWith(u"/*")) {
            i = scanUntil(text, i, i + 2, QStringLiteral("*/"), InBlockComment, m_comment);
        } else if (syntax.tripleQuotes && (rest.startsWith(u"\"\"\"") || rest.startsWith(u"'''"))) {
            const State open = c == u'"' ? InTripleDouble : InTripleSingle;
            i = scanUntil(text, i, i + 3, text.mid(i, 3), open, m_string);
        } else if (syntax.backticks && c == u'`') {
            i = scanUntil(text, i, i + 1, QStringLiteral("`"), InBacktick, m_string);
        } else if (c == u'"' || (c == u'\'' && syntax.singleQuotes)) {
            i = scanString(text, i, c);
        } else if (c.isDigit() && (i == 0 || !isWordChar(text[i - 1]))) {
            int end = i;
            while (end < text.size() && (isWordChar(text[end]) || text[end] == u'.')) ++end;
            setFormat(i, end - i, m_number);
            i = end;
        } else if (isWordChar(c)) {
            int end = i;
            while (end < text.size() && isWordChar(text[end])) ++end;
            if (syntax.keywords.contains(text.mid(i, end - i))) setFormat(i, end - i, m_keyword);
            i = end;
        } else {
            ++i;
        }
    }
}

}  // namespace pagoda::ui
