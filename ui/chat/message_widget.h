// One message of the branch on screen: who said it, the thought (if any), the text, the
// answer's measurements, and what can be done with it (copy, regenerate, edit and resend,
// move between branches). It only draws a store::Message and emits what the user asked
// for; the message list forwards that to the session.
#pragma once

#include <QFrame>

#include "app/store/conversation.h"

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace pagoda::ui {

class Composer;
class ElidedLabel;
class MarkdownView;
class ThoughtSection;

class MessageWidget : public QFrame {
    Q_OBJECT
public:
    explicit MessageWidget(QWidget* parent = nullptr);

    // branchIndex is 1-based, as shown ("2/3"); streaming: this answer is being generated.
    void setMessage(const store::Message& message, int branchIndex, int branchCount, bool streaming);
    const store::Message& message() const { return m_message; }
    QString messageId() const { return m_message.id; }
    // Regenerate, edit and branch switching start or change an answer, which the session
    // refuses while one is being generated.
    void setActionsEnabled(bool enabled);

    // "18.3 tok/s · TTFT 0.42 s · context 812 / 4096 tokens", leaving out what is unknown.
    static QString statsText(const store::MessageStats& stats);

signals:
    void regenerateRequested(const QString& messageId);
    void editResendRequested(const QString& messageId, const QString& text);
    void branchRequested(const QString& messageId, int direction);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* makeActions();
    QWidget* makeEditor();
    void startEditing();
    void stopEditing();
    void saveEdit(const QString& text);
    void copyText();
    void updateVisibility();

    store::Message m_message;
    bool m_streaming = false;
    bool m_editing = false;
    bool m_actionsEnabled = true;
    int m_branchIndex = 1;
    int m_branchCount = 1;

    QLabel* m_roleLabel;
    ElidedLabel* m_modelLabel;
    ThoughtSection* m_thought;
    MarkdownView* m_content;
    QWidget* m_editor;
    Composer* m_editEdit = nullptr;
    QLabel* m_statsLabel;
    QWidget* m_actions;
    QWidget* m_branchNav = nullptr;
    QToolButton* m_previousBranch = nullptr;
    QLabel* m_branchLabel = nullptr;
    QToolButton* m_nextBranch = nullptr;
    QToolButton* m_copyButton = nullptr;
    QToolButton* m_regenerateButton = nullptr;
    QToolButton* m_editButton = nullptr;
};

}  // namespace pagoda::ui
