// The whole window driven by the keyboard, with real key events on a shown, active window
// (shortcuts only fire there): every shortcut in ui/shortcuts.h does what the shortcuts panel
// says, the panel lists the table, and Tab walks every page without opening, sending or
// changing anything (issue 21, items 3 and 11).
#include <QApplication>
#include <QClipboard>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

#include "app/chat/conversation_session.h"
#include "app/desktop/desktop_services.h"
#include "app/store/conversation_store.h"
#include "tests/desktop/widget_lookup.h"
#include "tests/support/patience.h"
#include "ui/main_window.h"
#include "ui/shortcuts.h"
#include "ui/shortcuts_dialog.h"

using namespace pagoda;
using test::child;
using Page = ui::MainWindow::Page;

namespace {

// A saved chat with one question and its answer; its endpoint refuses, so a regenerated
// answer starts (and fails) without a model.
store::Conversation savedChat(const QString& title, const QString& answer) {
    store::Conversation chat;
    chat.id = store::newId();
    chat.title = title;
    chat.settings.endpointUrl = "http://127.0.0.1:9/v1";
    chat.created = chat.updated = QDateTime::currentDateTimeUtc();
    store::Message question;
    question.id = store::newId();
    question.role = store::Role::User;
    question.content = title;
    question.created = chat.created;
    store::Message reply;
    reply.id = store::newId();
    reply.parentId = question.id;
    reply.role = store::Role::Assistant;
    reply.content = answer;
    reply.created = chat.created;
    chat.messages = {question, reply};
    chat.currentLeafId = reply.id;
    return chat;
}

// Every preference the app has written (the file AppSettings keeps), as key=value lines.
QStringList settingsSnapshot(store::AppSettings&) {
    QSettings file(QSettings::IniFormat, QSettings::UserScope, "pagoda", "pagoda");
    file.sync();
    QStringList lines;
    for (const QString& key : file.allKeys()) lines << key + '=' + file.value(key).toString();
    return lines;
}

}  // namespace

class KeyboardTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<DesktopServices> m_services;
    std::unique_ptr<ui::MainWindow> m_window;
    store::Conversation m_older, m_chat;

    chat::ConversationSession& session() { return m_window->session(); }
    QPlainTextEdit* composer() { return child<QPlainTextEdit>(*m_window, "composer"); }
    QLineEdit* search() { return child<QLineEdit>(*m_window, "conversationSearch"); }
    void press(const QKeySequence& keys) { QTest::keySequence(QApplication::focusWidget(), keys); }
    void drainStore() {
        bool done = false;
        m_services->store().fetch<int>([](store::ConversationStore&) { return 0; }, m_window.get(),
                                       [&done](int) { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, test::kPatienceMs);
        QCoreApplication::processEvents();
    }

private slots:
    void init();
    void cleanup();
    void tabNeverChangesState();
    void searchShortcutsFocusTheSearchFromTheComposer();
    void pageAndSettingsShortcutsSwitchPages();
    void newChatShortcutStartsAnEmptyChat();
    void regenerateAndCopyShortcutsUseTheLastAnswer();
    void shortcutsPanelListsTheTableTheWindowRegisters();
};

void KeyboardTest::init() {
    QVERIFY(m_dir.isValid());
    DesktopServices::Options options;
    options.databasePath = m_dir.filePath(QString("%1.sqlite").arg(QTest::currentTestFunction()));
    m_services = std::make_unique<DesktopServices>(std::move(options));
    m_services->settings().setFirstRunDone(true);
    m_older = savedChat("Older chat", "An older answer.");
    m_older.updated = m_older.created = QDateTime::currentDateTimeUtc().addDays(-1);
    m_chat = savedChat("Colours", "Red and blue.");
    m_services->store().post([chats = std::vector{m_older, m_chat}](store::ConversationStore& store) {
        for (const store::Conversation& chat : chats) {
            store::Conversation header = chat;
            header.messages.clear();
            QVERIFY(store.saveConversation(header));
            for (const store::Message& message : chat.messages) QVERIFY(store.saveMessage(chat.id, message));
            QVERIFY(store.saveConversation(header));  // saveMessage stamps `updated`: put it back
        }
    });
    m_services->store().flush();
    m_window = std::make_unique<ui::MainWindow>(*m_services);
    m_window->session().show(m_chat);
    m_window->resize(1280, 720);
    m_window->show();
    QApplication::setActiveWindow(m_window.get());
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    auto* list = child<QListWidget>(*m_window, "conversationList");
    QTRY_COMPARE_WITH_TIMEOUT(list->count(), 2, test::kPatienceMs);
}

void KeyboardTest::cleanup() {
    m_window.reset();
    m_services.reset();
}

// Tab and Shift+Tab through every page, the chat's settings panel open: focus moves, and
// nothing else does (the chat on screen, its draft, the page, the settings).
void KeyboardTest::tabNeverChangesState() {
    // A new chat, not yet in the list, with a draft: the list has no row for it to keep.
    session().startNew(m_chat.settings);
    const QString fresh = session().conversation().id;
    child<QToolButton>(*m_window, "settingsButton")->click();
    composer()->setPlainText("an unsent draft");
    const QStringList settings = settingsSnapshot(m_services->settings());
    const store::GenerationSettings chatSettings = session().conversation().settings;
    for (Page page : {Page::Chat, Page::Models, Page::Server, Page::Settings}) {
        m_window->showPage(page);
        search()->setFocus(Qt::TabFocusReason);
        QSet<QWidget*> visited;
        for (int i = 0; i < 80; ++i) {
            QWidget* focus = QApplication::focusWidget();
            QVERIFY2(focus, qPrintable(QString("focus lost after %1 Tabs").arg(i)));
            visited.insert(focus);
            QTest::keyClick(focus, Qt::Key_Tab, i < 60 ? Qt::NoModifier : Qt::ShiftModifier);
        }
        QVERIFY2(visited.size() > 4, qPrintable(QString::number(visited.size())));
        drainStore();
        QCOMPARE(m_window->currentPage(), page);
        QCOMPARE(session().conversation().id, fresh);
        QVERIFY(!session().isGenerating());
        QCOMPARE(composer()->toPlainText(), QString("an unsent draft"));
        QCOMPARE(settingsSnapshot(m_services->settings()), settings);
        QVERIFY(session().conversation().settings == chatSettings);
    }
}

// Ctrl+F typed an "f" into the composer; Ctrl+K would delete to the end of its line.
void KeyboardTest::searchShortcutsFocusTheSearchFromTheComposer() {
    for (const QKeySequence& keys : {QKeySequence(QKeySequence::Find), QKeySequence(Qt::CTRL | Qt::Key_K)}) {
        composer()->setPlainText("keep all of this");
        composer()->setFocus();
        composer()->moveCursor(QTextCursor::Start);
        press(keys);
        QCOMPARE(QApplication::focusWidget(), search());
        QCOMPARE(composer()->toPlainText(), QString("keep all of this"));
    }
    // From another page too.
    m_window->showPage(Page::Server);
    press(QKeySequence(Qt::CTRL | Qt::Key_K));
    QCOMPARE(QApplication::focusWidget(), search());
}

void KeyboardTest::pageAndSettingsShortcutsSwitchPages() {
    composer()->setFocus();
    press(QKeySequence(Qt::CTRL | Qt::Key_2));
    QCOMPARE(m_window->currentPage(), Page::Models);
    press(QKeySequence(Qt::CTRL | Qt::Key_3));
    QCOMPARE(m_window->currentPage(), Page::Server);
    press(QKeySequence(Qt::CTRL | Qt::Key_4));
    QCOMPARE(m_window->currentPage(), Page::Settings);
    press(QKeySequence(Qt::CTRL | Qt::Key_1));
    QCOMPARE(m_window->currentPage(), Page::Chat);
    press(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    QCOMPARE(m_window->currentPage(), Page::Settings);
    // The navigation buttons say their keys.
    QCOMPARE(child<QToolButton>(*m_window, "modelsNav")->toolTip(),
             "Models (" + QKeySequence(Qt::CTRL | Qt::Key_2).toString(QKeySequence::NativeText) + ")");
    QCOMPARE(session().conversation().id, m_chat.id);
}

void KeyboardTest::newChatShortcutStartsAnEmptyChat() {
    m_window->showPage(Page::Server);
    search()->setFocus();
    press(QKeySequence::New);
    QVERIFY(session().conversation().id != m_chat.id);
    QVERIFY(session().conversation().messages.empty());
    QCOMPARE(m_window->currentPage(), Page::Chat);
}

void KeyboardTest::regenerateAndCopyShortcutsUseTheLastAnswer() {
    QApplication::clipboard()->clear();
    composer()->setFocus();
    press(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    QCOMPARE(QApplication::clipboard()->text(), QString("Red and blue."));

    QSignalSpy generating(&session(), &chat::ConversationSession::generatingChanged);
    press(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    QVERIFY(!generating.isEmpty());
    QCOMPARE(generating.first().at(0).toBool(), true);
    const QString question = m_chat.messages[0].id;
    QCOMPARE(session().conversation().siblings(m_chat.messages[1].id).size(), size_t(2));  // a second version
    QCOMPARE(session().conversation().find(session().streamingMessageId())->parentId, question);
    QTRY_VERIFY_WITH_TIMEOUT(!session().isGenerating(), test::kPatienceMs);  // the endpoint refuses
}

void KeyboardTest::shortcutsPanelListsTheTableTheWindowRegisters() {
    // Every command but Stop is a window action with the table's keys.
    for (const ui::Shortcut& shortcut : ui::shortcuts()) {
        if (shortcut.command == ui::Command::Stop) continue;
        auto* action = m_window->findChild<QAction*>(shortcut.actionName);
        QVERIFY2(action, shortcut.actionName);
        QCOMPARE(action->shortcuts(), shortcut.keys);
    }
    const struct {
        QKeySequence keys;
        const char* what;
    } ways[] = {{QKeySequence(Qt::Key_F1), "F1"}, {QKeySequence(Qt::CTRL | Qt::Key_Slash), "Ctrl+/"}, {{}, "?"}};
    for (const auto& way : ways) {
        composer()->setFocus();
        if (way.keys.isEmpty()) child<QToolButton>(*m_window, "shortcutsButton")->click();
        else press(way.keys);
        auto* dialog = m_window->findChild<ui::ShortcutsDialog*>("shortcutsDialog");
        QVERIFY2(dialog && dialog->isVisible(), way.what);
        auto* table = child<QTreeWidget>(*dialog, "shortcutsTable");
        QStringList rows;
        for (QTreeWidgetItemIterator it(table); *it; ++it) rows << (*it)->text(0) + " | " + (*it)->text(1);
        for (const ui::Shortcut& shortcut : ui::shortcuts())
            QVERIFY2(rows.contains(ui::keysText(shortcut.keys) + " | " + shortcut.description),
                     qPrintable(shortcut.description + " missing from\n" + rows.join('\n')));
        for (const char* keys : {"Ctrl+K", "Ctrl+F", "Ctrl+1", "Ctrl+4", "Ctrl+,", "Ctrl+N", "Ctrl+Shift+R",
                                 "Ctrl+Shift+C", "Esc", "F1", "Ctrl+/", "Shift+Enter", "F2"})
            QVERIFY2(rows.join('\n').contains(keys), keys);
        dialog->close();
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->findChild<ui::ShortcutsDialog*>("shortcutsDialog"), test::kPatienceMs);
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    }
}

QTEST_MAIN(KeyboardTest)
#include "keyboard_test.moc"
