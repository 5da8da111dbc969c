// One fenced code block of an answer: a header with the language and a Copy button over a
// read-only, unwrapped, monospace view as tall as its code (the message list scrolls, not
// the block), coloured by CodeHighlighter.
#pragma once

#include <QFrame>

class QLabel;
class QPlainTextEdit;
class QToolButton;

namespace pagoda::ui {

class CodeHighlighter;

class CodeBlockWidget : public QFrame {
    Q_OBJECT
public:
    explicit CodeBlockWidget(QWidget* parent = nullptr);

    // While an answer streams the code only grows, so the new tail is appended instead of
    // resetting (and re-highlighting) the whole block.
    void setCode(const QString& code, const QString& language);
    QString code() const { return m_code; }
    QString language() const { return m_language; }

    // Puts exactly the code (no fences, no language) on the clipboard.
    void copyToClipboard();

protected:
    void changeEvent(QEvent* event) override;

private:
    void fitHeight();
    void resetHighlighter();

    QString m_code;
    QString m_language;
    QLabel* m_languageLabel;
    QToolButton* m_copyButton;
    QPlainTextEdit* m_view;
    CodeHighlighter* m_highlighter = nullptr;  // owned by m_view's document
};

}  // namespace pagoda::ui
