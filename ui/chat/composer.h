// Where the user types: Enter sends, Shift+Enter starts a new line. While an input method
// is composing (pinyin, kana, hangul) Enter belongs to the input method, which uses it to
// commit what was typed, so it never sends then. Grows with its text up to a few lines.
#pragma once

#include <QPlainTextEdit>

namespace pagoda::ui {

class Composer : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit Composer(QWidget* parent = nullptr);

    // Off while an answer is generating or nothing can answer: Enter then keeps the text.
    void setSendEnabled(bool enabled);
    bool isSendEnabled() const { return m_sendEnabled; }
    bool isComposing() const { return m_composing; }
    // Emits sendRequested and clears, unless the text is blank or sending is off.
    bool send();

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void sendRequested(const QString& text);

protected:
    bool event(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void inputMethodEvent(QInputMethodEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    int heightForLines(int lines) const;

    bool m_sendEnabled = true;
    bool m_composing = false;  // an input method's preedit text is showing
};

}  // namespace pagoda::ui
