// Every control a keyboard or screen-reader user can reach has a name a screen reader can
// say (issue 21, item 11): the whole main window with all its pages, a chat with branches
// and a code block, the chat's settings panel, and the shortcuts panel. The name is what
// QAccessible reports, so a button's own text or a form label counts; a symbol alone ("‹",
// "?", "×"), a combo box's current value or a group box's title does not.
#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QGroupBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>
#include <QToolButton>

#include "app/chat/conversation_session.h"
#include "app/desktop/desktop_services.h"
#include "tests/desktop/widget_lookup.h"
#include "tests/support/patience.h"
#include "ui/chat/message_widget.h"
#include "ui/main_window.h"
#include "ui/models/welcome_dialog.h"

using namespace pagoda;
using test::child;

namespace {

bool interactive(QWidget* w) {
    return qobject_cast<QAbstractButton*>(w) || qobject_cast<QLineEdit*>(w) || qobject_cast<QTextEdit*>(w) ||
           qobject_cast<QPlainTextEdit*>(w) || qobject_cast<QComboBox*>(w) || qobject_cast<QAbstractSlider*>(w) ||
           qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QAbstractItemView*>(w) || qobject_cast<QTabBar*>(w);
}

// Parts of a control that the control itself names: a spin box's or combo box's editor, a
// scroll area's bars, an item view's headers, a dialog's own file widgets.
bool partOfAnother(QWidget* w) {
    if (qobject_cast<QScrollBar*>(w) || qobject_cast<QHeaderView*>(w)) return true;
    // A line edit's clear button, a table's corner button (not the view's index widgets,
    // which sit in its viewport).
    if (qobject_cast<QLineEdit*>(w->parentWidget()) || qobject_cast<QAbstractItemView*>(w->parentWidget())) return true;
    for (QWidget* p = w->parentWidget(); p; p = p->parentWidget())
        if (qobject_cast<QAbstractSpinBox*>(p) || qobject_cast<QComboBox*>(p)) return true;
    return w->objectName().startsWith("qt_");
}

QString nameOf(QWidget* w) {
    QAccessibleInterface* accessible = QAccessible::queryAccessibleInterface(w);
    return accessible ? accessible->text(QAccessible::Name).trimmed() : QString();
}

QString describe(QWidget* w) {
    QStringList path;
    for (QWidget* p = w; p; p = p->parentWidget())
        path.prepend(QString("%1(%2)").arg(p->metaObject()->className(), p->objectName()));
    return path.join(" > ");
}

// The controls under root without a name that says something.
QStringList unnamed(QWidget& root) {
    static const QRegularExpression letter("\\p{L}");
    QStringList missing;
    QList<QWidget*> all = root.findChildren<QWidget*>();
    all.prepend(&root);
    for (QWidget* w : all) {
        if (!interactive(w) || partOfAnother(w)) continue;
        const QString name = nameOf(w);
        if (!name.contains(letter)) missing << describe(w) + " named \"" + name + '"';
        // Qt falls back to a combo box's value ("Balanced") and to the title of the group box
        // around a control ("Engine"): neither says what the control is.
        if (!w->accessibleName().isEmpty()) continue;
        auto* combo = qobject_cast<QComboBox*>(w);
        auto* group = qobject_cast<QGroupBox*>(w->parentWidget());
        if ((combo && name == combo->currentText()) || (group && name == group->title().remove('&')))
            missing << describe(w) + " named only by its value or group: \"" + name + '"';
    }
    return missing;
}

// A chat with two versions of an answer holding a code block, so branch arrows, code Copy
// buttons and message actions are all on screen.
store::Conversation chatWithBranches() {
    store::Conversation chat;
    chat.id = store::newId();
    chat.title = "Branches";
    chat.created = chat.updated = QDateTime::currentDateTimeUtc();
    store::Message question;
    question.id = store::newId();
    question.role = store::Role::User;
    question.content = "Print hello";
    chat.messages.push_back(question);
    for (const char* text : {"```python\nprint('hello')\n```", "Use `print`:\n\n```python\nprint(\"hello\")\n```"}) {
        store::Message answer;
        answer.id = store::newId();
        answer.parentId = question.id;
        answer.role = store::Role::Assistant;
        answer.content = text;
        answer.reasoning = "Simple.";
        chat.messages.push_back(answer);
    }
    chat.currentLeafId = chat.messages.back().id;
    return chat;
}

}  // namespace

class AccessibilityTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void everyControlHasANameAScreenReaderCanSay();
    void welcomeControlsHaveNames();
};

void AccessibilityTest::everyControlHasANameAScreenReaderCanSay() {
    QVERIFY(m_dir.isValid());
    DesktopServices::Options options;
    options.databasePath = m_dir.filePath("chats.sqlite");
    DesktopServices services(std::move(options));
    services.settings().setFirstRunDone(true);
    ui::MainWindow window(services);
    window.session().show(chatWithBranches());
    window.resize(1280, 720);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.findChildren<ui::MessageWidget*>().size() >= 2, test::kPatienceMs);
    child<QToolButton>(window, "settingsButton")->click();  // the chat's settings panel
    child<QToolButton>(window, "shortcutsButton")->click();  // the shortcuts panel
    QApplication::processEvents();

    // Messages are named too: a screen reader says whose it is before reading it.
    for (ui::MessageWidget* message : window.findChildren<ui::MessageWidget*>())
        QVERIFY2(nameOf(message).contains(QRegularExpression("\\p{L}")), qPrintable(describe(message)));

    QStringList missing = unnamed(window);  // every page, shown or not, and the dialogs it owns
    for (QWidget* top : QApplication::topLevelWidgets())
        if (top != &window && top->isVisible() && !window.isAncestorOf(top)) missing << unnamed(*top);
    for (const QString& control : missing) qWarning("no accessible name: %s", qPrintable(control));  // all of them
    QVERIFY2(missing.isEmpty(), qPrintable(QString("%1 controls have no accessible name").arg(missing.size())));
}

// The first-run welcome, as opened (nothing downloaded or asked of a hub yet).
void AccessibilityTest::welcomeControlsHaveNames() {
    DesktopServices::Options options;
    options.databasePath = m_dir.filePath("welcome.sqlite");
    DesktopServices services(std::move(options));
    ui::WelcomeDialog welcome(services);
    welcome.show();
    QVERIFY(QTest::qWaitForWindowExposed(&welcome));
    const QStringList missing = unnamed(welcome);
    for (const QString& control : missing) qWarning("no accessible name: %s", qPrintable(control));
    QVERIFY2(missing.isEmpty(), qPrintable(QString("%1 controls have no accessible name").arg(missing.size())));
}

QTEST_MAIN(AccessibilityTest)
#include "accessibility_test.moc"
