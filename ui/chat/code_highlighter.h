// Simple syntax colouring for the code blocks of chat answers: keywords of the languages
// models write most (Python, C/C++, JavaScript/TypeScript, Rust, Go, Java, shell, JSON),
// strings, numbers and comments, as GPT4All's home-grown highlighter does. Anything else is
// shown plain rather than guessed at.
#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace pagoda::ui {

class CodeHighlighter : public QSyntaxHighlighter {
public:
    // dark: the code is drawn on a dark background, so the light variants of the colours.
    CodeHighlighter(QTextDocument* document, const QString& language, bool dark);

    // The colours of each kind of token, for code drawn on a light or a dark background; every
    // one keeps a contrast of at least 4.5:1 against that theme's code background.
    struct Colours {
        QColor keyword, string, number, comment, key;
    };
    static Colours colours(bool dark);

    // The language a fence tag names ("py" -> "python", "c++" -> "cpp", "tsx" -> "js"),
    // or empty when it is not one we colour.
    static QString canonicalLanguage(const QString& tag);

protected:
    void highlightBlock(const QString& text) override;

public:
    struct Syntax;  // one language's rules, defined in the .cpp

private:
    enum State { Normal = 0, InBlockComment, InTripleDouble, InTripleSingle, InBacktick };

    // Continues a construct left open by the line above; returns where normal scanning resumes.
    int continueState(const QString& text, State state);
    int scanString(const QString& text, int start, QChar quote);
    // Formats from start to the end marker (searched from searchFrom), or to the line's end
    // leaving openState for the next line.
    int scanUntil(const QString& text, int start, int searchFrom, const QString& end, State openState,
                  const QTextCharFormat& format);

    const Syntax* m_syntax = nullptr;  // null: no colouring
    QTextCharFormat m_keyword, m_string, m_number, m_comment, m_key;
};

}  // namespace pagoda::ui
