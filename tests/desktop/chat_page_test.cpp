// The chat page and the chat list driven like a user would, against the real session and
// SQLite store but a scripted generator, so every token's arrival is under the test's
// control: streaming redraws one message at a time, Send/Stop/Esc, branches from Regenerate
// and Edit, the settings panel reaching the session, the view following the answer, the
// no-model placeholder, and the list's search, rename, export and delete.
#include <QApplication>
#include <QCheckBox>
#include <QAbstractItemView>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QInputDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QWheelEvent>

#include "app/chat/conversation_session.h"
#include "app/desktop/desktop_services.h"
#include "app/hub/model_paths.h"
#include "tests/desktop/widget_lookup.h"
#include "tests/support/chat_model_dir.h"
#include "tests/support/patience.h"
#include "ui/chat/chat_page.h"
#include "ui/chat/chat_settings_panel.h"
#include "ui/chat/composer.h"
#include "ui/chat/conversation_sidebar.h"
#include "ui/chat/message_list_view.h"
#include "ui/chat/message_widget.h"

using namespace pagoda;
using test::child;
using namespace pagoda::ui;

namespace {

// Answers only when the test says so.
class ScriptedGenerator : public chat::ChatGenerator {
public:
    void start(const QString& requestId, const std::vector<chat::ChatTurn>& turns,
               const store::GenerationSettings& settings) override {
        m_request = requestId;
        m_turns = turns;
        m_settings = settings;
        ++m_starts;
    }
    void stop(const QString& requestId) override {
        ++m_stops;
        store::MessageStats stats;
        stats.finishReason = "abort";
        QMetaObject::invokeMethod(this, [this, requestId, stats] { emit finished(requestId, stats, {}); },
                                  Qt::QueuedConnection);
    }
    void say(const QString& content, const QString& reasoning = {}) { emit delta(m_request, content, reasoning); }
    void finish(const store::MessageStats& stats) { emit finished(m_request, stats, {}); }
    void fail(const QString& error) {
        store::MessageStats stats;
        stats.finishReason = "error";
        emit finished(m_request, stats, error);
    }

    QString m_request;
    std::vector<chat::ChatTurn> m_turns;
    store::GenerationSettings m_settings;
    int m_starts = 0;
    int m_stops = 0;
};

store::MessageStats doneStats() {
    store::MessageStats stats;
    stats.timeToFirstToken = 0.25;
    stats.tokensPerSecond = 20;
    stats.promptTokens = 30;
    stats.completionTokens = 10;
    stats.contextLimit = 2048;
    stats.finishReason = "stop";
    return stats;
}


}  // namespace

class ChatPageTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dataDir;
    std::unique_ptr<DesktopServices> m_services;
    ScriptedGenerator m_generator;
    std::unique_ptr<chat::ConversationSession> m_session;
    std::unique_ptr<QWidget> m_window;
    ChatPage* m_page = nullptr;
    ConversationSidebar* m_sidebar = nullptr;

    // Nothing is loaded in these tests, so a remote endpoint is what lets the page send.
    static store::GenerationSettings remote() {
        store::GenerationSettings settings;
        settings.endpointUrl = "http://127.0.0.1:9/v1";
        return settings;
    }
    MessageListView& view() { return *child<MessageListView>(*m_page, "messageView"); }
    std::vector<MessageWidget*> messages() { return view().messageWidgets(); }
    void send(const QString& text) {
        auto* composer = child<Composer>(*m_page, "composer");
        composer->setPlainText(text);
        QTest::keyClick(composer, Qt::Key_Return);
    }
    // Picks the item whose key is `key` in the header's model picker: the list opened, the
    // item highlighted, Enter.
    void choose(const QString& key) {
        auto* combo = child<QComboBox>(*m_page, "modelCombo");
        const int index = combo->findData(key);
        QVERIFY2(index >= 0, qPrintable(key));
        combo->showPopup();
        QAbstractItemView* list = combo->view();
        QTRY_VERIFY_WITH_TIMEOUT(list->isVisible(), test::kPatienceMs);
        list->setCurrentIndex(list->model()->index(index, 0));
        QTest::keyClick(list, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!list->isVisible(), test::kPatienceMs);
        if (key != "add") QCOMPARE(combo->currentData().toString(), key);  // "add" opens the fields instead
    }
    void answerAndFinish(const QString& text) {
        m_generator.say(text);
        m_generator.finish(doneStats());
    }

private slots:
    void init();
    void cleanup();
    void placeholderUntilSomethingCanAnswer();
    void streamedTokensRedrawOnlyTheAnswerAtMostEvery50Ms();
    void thoughtOpenWhileThinkingThenFolded();
    void sendBecomesStopAndEscStops();
    void regenerateAndEditMakeBranches();
    void settingsPanelReachesTheSession();
    void viewFollowsTheAnswerUnlessScrolledUp();
    void sidebarListsSearchesRenamesExportsAndDeletes();
    void tabIntoTheChatListKeepsTheChatAndTheDraft();
    void escClearsTheChatSearch();
    void renamingKeepsTheChatsPlaceAndShowsTheWholeTitle();
    void exportAsksInDocumentsRemembersTheFolderAndConfirms();
    void defaultSettingsShowTheirPreset();
    void newChatDoesNotInheritTheEndpoint();
    void failedAnswerOffersRetry();
    void pickerChoosesWhoAnswersPerChat();
    void aChatsOwnModelIsLoadedBeforeItsFirstMessageIsSent();
    void pickerListsModelsImportedMeanwhile();
    void emptyChatSuggestsPromptsThatFillTheComposer();
};

void ChatPageTest::init() {
    QVERIFY(m_dataDir.isValid());
    DesktopServices::Options options;
    options.databasePath = m_dataDir.filePath(QString("chat-%1.sqlite").arg(QTest::currentTestFunction()));
    options.library.importsFile = m_dataDir.filePath(QString("imports-%1.json").arg(QTest::currentTestFunction()));
    m_services = std::make_unique<DesktopServices>(std::move(options));
    m_generator.m_starts = m_generator.m_stops = 0;
    m_session = std::make_unique<chat::ConversationSession>(
        m_services->store(), [this](const store::GenerationSettings&) { return &m_generator; });
    m_window = std::make_unique<QWidget>();
    auto* layout = new QHBoxLayout(m_window.get());
    m_sidebar = new ConversationSidebar(*m_services, *m_session, m_window.get());
    m_page = new ChatPage(*m_services, *m_session, m_window.get());
    layout->addWidget(m_sidebar);
    layout->addWidget(m_page, 1);
    m_session->startNew(remote());
    m_window->resize(1000, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void ChatPageTest::cleanup() {
    m_window.reset();
    m_session.reset();
    m_services.reset();
}

void ChatPageTest::placeholderUntilSomethingCanAnswer() {
    m_session->startNew(store::GenerationSettings{});  // no model, no endpoint
    auto* stack = child<QStackedWidget>(*m_page, "chatStack");
    QCOMPARE(stack->currentWidget(), child<QWidget>(*m_page, "noModelPlaceholder"));
    QVERIFY(!child<Composer>(*m_page, "composer")->isSendEnabled());
    QSignalSpy openModels(m_page, &ChatPage::openModelsRequested);
    child<QPushButton>(*m_page, "openModelsButton")->click();
    QCOMPARE(openModels.count(), 1);

    // A remote endpoint typed into the chat's settings is enough.
    child<QPushButton>(*m_page, "useRemoteButton")->click();
    QVERIFY(child<QWidget>(*m_page, "settingsPanel")->isVisible());
    child<QLineEdit>(*m_page, "endpointUrlEdit")->setText("http://gpu-box:8000/v1");
    QTRY_COMPARE_WITH_TIMEOUT(m_session->conversation().settings.endpointUrl, QString("http://gpu-box:8000/v1"),
                              test::kPatienceMs);
    QCOMPARE(stack->currentWidget(), child<QWidget>(*m_page, "messageView"));
    QVERIFY(child<Composer>(*m_page, "composer")->isSendEnabled());
}

void ChatPageTest::streamedTokensRedrawOnlyTheAnswerAtMostEvery50Ms() {
    send("Count to three");
    QCOMPARE(m_generator.m_starts, 1);
    QCOMPARE(m_generator.m_turns.back().content, QString("Count to three"));
    QCOMPARE(messages().size(), size_t(2));
    MessageWidget* question = messages()[0];
    MessageWidget* answer = messages()[1];
    QCOMPARE(question->objectName(), QString("userMessage"));
    QCOMPARE(answer->objectName(), QString("assistantMessage"));

    for (int i = 1; i <= 300; ++i) m_generator.say(QString::number(i) + ' ');
    // Three hundred tokens arrived in one go: nothing is drawn until the render timer fires.
    QVERIFY(answer->findChildren<QLabel*>("messageText").isEmpty() ||
            answer->findChild<QLabel*>("messageText")->text().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(answer->findChild<QLabel*>("messageText") &&
                                 answer->findChild<QLabel*>("messageText")->text().trimmed().endsWith("300"),
                             test::kPatienceMs);
    QCOMPARE(messages()[0], question);  // the same widgets: no rebuild per token
    QCOMPARE(messages()[1], answer);
    QCOMPARE(child<QLabel>(*answer, "statsLabel")->text(), QString("Generating…"));

    m_generator.finish(doneStats());
    QCOMPARE(child<QLabel>(*answer, "statsLabel")->text(),
             QString("20.0 tok/s · TTFT 0.25 s · context 40 / 2048 tokens"));
    QVERIFY(child<QWidget>(*answer, "messageActions")->isVisible());
}

void ChatPageTest::thoughtOpenWhileThinkingThenFolded() {
    send("Why is the sky blue?");
    m_generator.say({}, "Rayleigh scattering...");
    MessageWidget* answer = messages()[1];
    QTRY_VERIFY_WITH_TIMEOUT(child<QToolButton>(*answer, "thoughtToggle")->isVisible(), test::kPatienceMs);
    QVERIFY(child<QToolButton>(*answer, "thoughtToggle")->isChecked());
    QVERIFY(child<QLabel>(*answer, "thoughtBody")->isVisible());
    m_generator.say("Because of Rayleigh scattering.");
    QTRY_VERIFY_WITH_TIMEOUT(!child<QToolButton>(*answer, "thoughtToggle")->isChecked(), test::kPatienceMs);
    QVERIFY(!child<QLabel>(*answer, "thoughtBody")->isVisible());
    m_generator.finish(doneStats());
}

void ChatPageTest::sendBecomesStopAndEscStops() {
    auto* sendButton = child<QPushButton>(*m_page, "sendButton");
    auto* stopButton = child<QPushButton>(*m_page, "stopButton");
    QVERIFY(sendButton->isVisible());
    QVERIFY(!stopButton->isVisible());
    send("Tell me a long story");
    QVERIFY(!sendButton->isVisible());
    QVERIFY(stopButton->isVisible());
    m_generator.say("Once upon a time");

    auto* composer = child<Composer>(*m_page, "composer");
    composer->setPlainText("next question");
    QTest::keyClick(composer, Qt::Key_Return);  // refused while answering, and the text stays
    QCOMPARE(composer->toPlainText(), QString("next question"));
    QCOMPARE(m_generator.m_starts, 1);

    QTest::keyClick(composer, Qt::Key_Escape);
    QCOMPARE(m_generator.m_stops, 1);
    QTRY_VERIFY_WITH_TIMEOUT(!m_session->isGenerating(), test::kPatienceMs);
    QVERIFY(sendButton->isVisible());
    QVERIFY(!stopButton->isVisible());
    QCOMPARE(child<QLabel>(*messages()[1], "statsLabel")->text(), QString("stopped"));
    QCOMPARE(child<QLabel>(*messages()[1], "messageText")->text(), QString("Once upon a time"));
}

void ChatPageTest::regenerateAndEditMakeBranches() {
    send("Name a colour");
    answerAndFinish("Red");
    child<QToolButton>(*messages()[1], "regenerateButton")->click();
    QCOMPARE(m_generator.m_starts, 2);
    answerAndFinish("Blue");
    QCOMPARE(messages().size(), size_t(2));
    MessageWidget* answer = messages()[1];
    QVERIFY(child<QWidget>(*answer, "branchNavigation")->isVisible());
    QCOMPARE(child<QLabel>(*answer, "branchLabel")->text(), QString("2/2"));
    QCOMPARE(child<QLabel>(*answer, "messageText")->text(), QString("Blue"));
    child<QToolButton>(*answer, "previousBranchButton")->click();
    QCOMPARE(child<QLabel>(*messages()[1], "branchLabel")->text(), QString("1/2"));
    QCOMPARE(child<QLabel>(*messages()[1], "messageText")->text(), QString("Red"));

    MessageWidget* question = messages()[0];
    child<QToolButton>(*question, "editButton")->click();
    child<QPlainTextEdit>(*question, "messageEditor")->setPlainText("Name a fruit");
    child<QPushButton>(*question, "saveResendButton")->click();
    QCOMPARE(m_generator.m_turns.back().content, QString("Name a fruit"));
    answerAndFinish("Apple");
    QCOMPARE(child<QLabel>(*messages()[0], "branchLabel")->text(), QString("2/2"));
    QVERIFY(!child<QWidget>(*messages()[1], "branchNavigation")->isVisible());
    QCOMPARE(child<QLabel>(*messages()[1], "messageText")->text(), QString("Apple"));
}

void ChatPageTest::settingsPanelReachesTheSession() {
    child<QToolButton>(*m_page, "settingsButton")->click();
    auto* panel = child<ChatSettingsPanel>(*m_page, "settingsPanel");
    QVERIFY(panel->isVisible());
    child<QPlainTextEdit>(*m_page, "systemPromptEdit")->setPlainText("Answer in French.");
    child<QCheckBox>(*m_page, "thinkingCheck")->setChecked(false);
    auto* preset = child<QComboBox>(*m_page, "presetCombo");
    preset->setCurrentIndex(preset->findData("precise"));
    QCOMPARE(m_session->conversation().settings.preset, QString("precise"));
    QCOMPARE(m_session->conversation().settings.temperature,
             store::withPreset({}, "precise").temperature);
    // Sent right after typing, before the typing pause: the prompt still applies.
    send("Hello");
    QCOMPARE(m_generator.m_settings.systemPrompt, QString("Answer in French."));
    QVERIFY(m_generator.m_settings.thinking == false);  // chosen, so sent
    QCOMPARE(m_generator.m_settings.preset, QString("precise"));
    answerAndFinish("Bonjour");

    child<QDoubleSpinBox>(*m_page, "temperatureSpin")->setValue(1.3);
    QCOMPARE(m_session->conversation().settings.temperature, 1.3);
    QCOMPARE(m_session->conversation().settings.preset, QString());  // hand-tuned: no preset
    QCOMPARE(preset->currentIndex(), 0);
}

void ChatPageTest::viewFollowsTheAnswerUnlessScrolledUp() {
    QScrollBar* bar = view().verticalScrollBar();
    send("Write many lines");
    for (int i = 0; i < 80; ++i) m_generator.say(QString("Line %1\n\n").arg(i));
    QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > 0, test::kPatienceMs);
    QTRY_COMPARE_WITH_TIMEOUT(bar->value(), bar->maximum(), test::kPatienceMs);
    QVERIFY(view().isFollowing());

    bar->setValue(0);  // the user scrolls up to reread
    QVERIFY(!view().isFollowing());
    for (int i = 0; i < 40; ++i) m_generator.say(QString("More %1\n\n").arg(i));
    const int grownFrom = bar->maximum();
    QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > grownFrom, test::kPatienceMs);
    QCOMPARE(bar->value(), 0);

    bar->setValue(bar->maximum());  // back at the end: following again
    QVERIFY(view().isFollowing());
    for (int i = 0; i < 20; ++i) m_generator.say(QString("Last %1\n\n").arg(i));
    const int before = bar->maximum();
    QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > before, test::kPatienceMs);
    QTRY_COMPARE_WITH_TIMEOUT(bar->value(), bar->maximum(), test::kPatienceMs);
    m_generator.finish(doneStats());
}

void ChatPageTest::sidebarListsSearchesRenamesExportsAndDeletes() {
    auto* list = child<QListWidget>(*m_sidebar, "conversationList");
    send("Tell me about pandas");
    answerAndFinish("Pandas eat bamboo.");
    const QString first = m_session->conversation().id;
    child<QPushButton>(*m_sidebar, "newChatButton")->click();
    QVERIFY(m_session->conversation().id != first);
    QVERIFY(m_session->conversation().settings.endpointUrl.isEmpty());  // not inherited: chosen again
    choose("remote:0");  // the server the first chat used
    QCOMPARE(m_session->conversation().settings.endpointUrl, remote().endpointUrl);
    send("Tell me about rust");
    answerAndFinish("Rust is a language.");
    QTRY_COMPARE_WITH_TIMEOUT(list->count(), 2, test::kPatienceMs);
    QCOMPARE(list->item(0)->text(), QString("Tell me about rust"));  // newest first
    QCOMPARE(list->currentItem(), list->item(0));

    QSignalSpy refreshed(m_sidebar, &ConversationSidebar::refreshed);
    child<QLineEdit>(*m_sidebar, "conversationSearch")->setText("bamboo");  // message text matches too
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() > 0 && list->count() == 1, test::kPatienceMs);
    QCOMPARE(list->item(0)->text(), QString("Tell me about pandas"));

    QSignalSpy opened(m_sidebar, &ConversationSidebar::chatOpened);
    list->setCurrentRow(0);
    list->setFocus();
    QTest::keyClick(list, Qt::Key_Return);  // opens it
    QTRY_COMPARE_WITH_TIMEOUT(m_session->conversation().id, first, test::kPatienceMs);
    QCOMPARE(opened.count(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(messages().size(), size_t(2), test::kPatienceMs);
    QCOMPARE(child<QLabel>(*messages()[1], "messageText")->text(), QString("Pandas eat bamboo."));

    m_sidebar->rename(first, "Bears");
    QCOMPARE(child<QLabel>(*m_page, "titleLabel")->text(), QString("Bears"));
    child<QLineEdit>(*m_sidebar, "conversationSearch")->clear();
    QTRY_VERIFY_WITH_TIMEOUT(list->count() == 2 && list->item(1)->text() == "Bears", test::kPatienceMs);

    QSignalSpy exported(m_sidebar, &ConversationSidebar::exported);
    const QString path = m_dataDir.filePath("bears.md");
    m_sidebar->exportTo(first, ConversationSidebar::ExportFormat::Markdown, path);
    QVERIFY(exported.wait(test::kPatienceMs));
    QCOMPARE(exported.first().at(1).toString(), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString markdown = QString::fromUtf8(file.readAll());
    QVERIFY2(markdown.contains("Bears") && markdown.contains("Pandas eat bamboo."), qPrintable(markdown));

    m_sidebar->exportTo(first, ConversationSidebar::ExportFormat::Json, m_dataDir.filePath("no/such/dir/x.json"));
    QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 2, test::kPatienceMs);
    QVERIFY(!exported.last().at(1).toString().isEmpty());  // a failed write is reported

    m_sidebar->remove(first);  // the chat on screen: a new one replaces it
    QVERIFY(m_session->conversation().id != first);
    QTRY_COMPARE_WITH_TIMEOUT(list->count(), 1, test::kPatienceMs);
    QCOMPARE(list->item(0)->text(), QString("Tell me about rust"));
}

namespace {

// Runs the store's queue dry: its jobs run in order, so once this one answers, every load,
// rename or list asked for before it has answered too.
void drainStore(DesktopServices& services) {
    bool done = false;
    services.store().fetch<int>([](store::ConversationStore&) { return 0; }, QCoreApplication::instance(),
                                [&done](int) { done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, test::kPatienceMs);
    QCoreApplication::processEvents();
}

}  // namespace

// Issue 21 item 3: focus entering the list never opens a chat (the draft would then belong
// to another conversation); a click or Enter does.
void ChatPageTest::tabIntoTheChatListKeepsTheChatAndTheDraft() {
    auto* list = child<QListWidget>(*m_sidebar, "conversationList");
    send("Tell me about pandas");
    answerAndFinish("Pandas eat bamboo.");
    const QString first = m_session->conversation().id;
    child<QPushButton>(*m_sidebar, "newChatButton")->click();
    const QString fresh = m_session->conversation().id;
    QTRY_COMPARE_WITH_TIMEOUT(list->count(), 1, test::kPatienceMs);
    auto* composer = child<Composer>(*m_page, "composer");
    composer->setPlainText("an unsent draft");

    QApplication::setActiveWindow(m_window.get());
    auto* search = child<QLineEdit>(*m_sidebar, "conversationSearch");
    search->setFocus();
    QTest::keyClick(search, Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), list);
    QTest::keyClick(list, Qt::Key_Down);  // moving through the list opens nothing either
    drainStore(*m_services);
    QCOMPARE(m_session->conversation().id, fresh);
    QCOMPARE(composer->toPlainText(), QString("an unsent draft"));

    QTest::keyClick(list, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->conversation().id, first, test::kPatienceMs);

    child<QPushButton>(*m_sidebar, "newChatButton")->click();
    QVERIFY(m_session->conversation().id != first);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(0)).center());
    QTRY_COMPARE_WITH_TIMEOUT(m_session->conversation().id, first, test::kPatienceMs);
}

void ChatPageTest::escClearsTheChatSearch() {
    auto* search = child<QLineEdit>(*m_sidebar, "conversationSearch");
    QApplication::setActiveWindow(m_window.get());
    search->setFocus();
    QTest::keyClicks(search, "pandas");
    QTest::keyClick(search, Qt::Key_Escape);
    QCOMPARE(search->text(), QString());
}

// Renaming is not activity: the chat keeps its place in the list, whether it is the one on
// screen or another. The dialog is wide enough for its title.
void ChatPageTest::renamingKeepsTheChatsPlaceAndShowsTheWholeTitle() {
    auto* list = child<QListWidget>(*m_sidebar, "conversationList");
    send("Older chat");
    answerAndFinish("One.");
    const QString older = m_session->conversation().id;
    m_session->startNew(remote());
    send("Newer chat");
    answerAndFinish("Two.");
    const QString newer = m_session->conversation().id;
    QTRY_COMPARE_WITH_TIMEOUT(list->count(), 2, test::kPatienceMs);
    QCOMPARE(list->item(1)->text(), QString("Older chat"));

    m_sidebar->rename(older, "Renamed older");
    drainStore(*m_services);
    QTRY_COMPARE_WITH_TIMEOUT(list->item(1)->text(), QString("Renamed older"), test::kPatienceMs);

    // The chat on screen: open the older one (by Enter) and rename it through the dialog.
    list->setCurrentRow(1);
    list->setFocus();
    QTest::keyClick(list, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(m_session->conversation().id, older, test::kPatienceMs);
    m_sidebar->askRename(older);
    auto* dialog = child<QInputDialog>(*m_sidebar, "renameDialog");
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), test::kPatienceMs);
    const int width = dialog->width();
    const int titleWidth = dialog->fontMetrics().horizontalAdvance(dialog->windowTitle());
    dialog->setTextValue("Pandas");
    dialog->accept();
    QCOMPARE(child<QLabel>(*m_page, "titleLabel")->text(), QString("Pandas"));
    drainStore(*m_services);
    QTRY_VERIFY_WITH_TIMEOUT(list->findItems("Pandas", Qt::MatchExactly).size() == 1, test::kPatienceMs);
    QCOMPARE(list->item(1)->text(), QString("Pandas"));
    QCOMPARE(list->item(0)->data(Qt::UserRole).toString(), newer);
    // Window managers put the title beside two or three buttons: leave room for them.
    QVERIFY2(width >= titleWidth + 160, qPrintable(QString::number(width)));
}

// Export asks in the Documents folder, then where the last export went, and says where the
// file is (or why it is not) once it is written off the GUI thread.
void ChatPageTest::exportAsksInDocumentsRemembersTheFolderAndConfirms() {
    send("Export me");
    answerAndFinish("Exported.");
    const QString id = m_session->conversation().id;
    QSignalSpy notices(m_sidebar, &ConversationSidebar::notice);
    QSignalSpy exported(m_sidebar, &ConversationSidebar::exported);
    m_services->settings().setExportFolder({});  // as on a first run, whatever ran before

    m_sidebar->askExport(id, ConversationSidebar::ExportFormat::Markdown);
    auto* dialog = child<QFileDialog>(*m_sidebar, "exportDialog");
    // Documents, or home where there is none (as on this test machine): never the working folder.
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString expected = QDir(documents).exists() ? documents : QDir::homePath();
    QCOMPARE(QDir(dialog->directory()).absolutePath(), QDir(expected).absolutePath());
    QVERIFY(QDir(dialog->directory()).absolutePath() != QDir::currentPath());
    const QString folder = m_dataDir.filePath("exports");
    QVERIFY(QDir().mkpath(folder));
    const QString path = folder + "/export-me.md";
    dialog->selectFile(path);
    static_cast<QDialog*>(dialog)->accept();  // QFileDialog's own accept is protected
    QVERIFY(exported.wait(test::kPatienceMs));
    QVERIFY(QFile::exists(path));
    QVERIFY(!notices.isEmpty());
    QVERIFY2(notices.last().at(0).toString().contains("export-me.md"), qPrintable(notices.last().at(0).toString()));

    m_sidebar->askExport(id, ConversationSidebar::ExportFormat::Json);
    QTRY_VERIFY_WITH_TIMEOUT(m_sidebar->findChildren<QFileDialog*>("exportDialog").size() == 1, test::kPatienceMs);
    dialog = child<QFileDialog>(*m_sidebar, "exportDialog");
    QCOMPARE(QDir(dialog->directory()).absolutePath(), QDir(folder).absolutePath());
    dialog->reject();
}

void ChatPageTest::defaultSettingsShowTheirPreset() {
    m_session->startNew(store::GenerationSettings{});
    QCOMPARE(child<QComboBox>(*m_page, "presetCombo")->currentData().toString(), QString("balanced"));
    // A chat stored before presets were remembered, with the balanced values, shows it too.
    store::GenerationSettings old;
    old.preset.clear();
    m_session->startNew(old);
    QCOMPARE(child<QComboBox>(*m_page, "presetCombo")->currentData().toString(), QString("balanced"));
}

void ChatPageTest::newChatDoesNotInheritTheEndpoint() {
    store::GenerationSettings settings = remote();
    settings.systemPrompt = "Be brief.";
    m_session->setSettings(settings);
    QTest::mouseClick(child<QPushButton>(*m_sidebar, "newChatButton"), Qt::LeftButton);
    QVERIFY(m_session->conversation().messages.empty());
    QCOMPARE(m_session->conversation().settings.endpointUrl, QString());  // an endpoint only when chosen
    QCOMPARE(m_session->conversation().settings.systemPrompt, QString("Be brief."));
}

void ChatPageTest::failedAnswerOffersRetry() {
    send("Hi");
    m_generator.fail("127.0.0.1: connection refused");
    auto* banner = child<QWidget>(*m_page, "errorBanner");
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), test::kPatienceMs);
    QCOMPARE(messages().size(), size_t(1));  // the question, no answer
    auto* retry = child<QPushButton>(*m_page, "retryButton");
    QVERIFY(retry->isVisible());
    QTest::mouseClick(retry, Qt::LeftButton);
    QCOMPARE(m_generator.m_starts, 2);
    QCOMPARE(m_generator.m_turns.back().content, QString("Hi"));
    QVERIFY(!banner->isVisible());
    answerAndFinish("Hello");
    QCOMPARE(messages().size(), size_t(2));
    QCOMPARE(m_session->conversation().messages.size(), size_t(2));  // one question, answered once
}

void ChatPageTest::emptyChatSuggestsPromptsThatFillTheComposer() {
    // A new chat that a remote endpoint can answer offers prompts to start from.
    auto* suggestions = child<QWidget>(*m_page, "emptyChatSuggestions");
    QVERIFY(suggestions->isVisible());
    const auto buttons = suggestions->findChildren<QPushButton*>("suggestionButton");
    QVERIFY(buttons.size() >= 3);
    for (QPushButton* button : buttons)  // each shows its whole prompt at this width
        QVERIFY2(button->width() >= button->sizeHint().width(), qPrintable(button->text()));
    QPushButton* suggestion = buttons[1];
    QVERIFY(!suggestion->text().isEmpty());

    QApplication::setActiveWindow(m_window.get());
    auto* composer = child<Composer>(*m_page, "composer");
    QTest::mouseClick(suggestion, Qt::LeftButton);
    // In the composer, focused with the cursor at its end, to edit or send: not sent yet.
    QCOMPARE(composer->toPlainText(), suggestion->text());
    QCOMPARE(QApplication::focusWidget(), composer);
    QCOMPARE(composer->textCursor().position(), int(suggestion->text().size()));
    QCOMPARE(m_generator.m_starts, 0);
    QTest::keyClick(composer, Qt::Key_Return);
    QCOMPARE(m_generator.m_starts, 1);
    QCOMPARE(m_generator.m_turns.back().content, suggestion->text());
    QVERIFY(!suggestions->isVisible());  // the chat has messages now

    // Nothing can answer a new chat: the placeholder shows, not the suggestions.
    m_session->startNew(store::GenerationSettings{});
    QVERIFY(!suggestions->isVisible());
}

void ChatPageTest::pickerChoosesWhoAnswersPerChat() {
    auto* combo = child<QComboBox>(*m_page, "modelCombo");
    // The chat's server is what the header shows, and once used it is remembered for every chat.
    QVERIFY2(combo->currentText().contains("127.0.0.1:9"), qPrintable(combo->currentText()));
    send("Hi");
    QVERIFY(!combo->isEnabled());  // no switch while the answer streams
    answerAndFinish("Hello");
    QVERIFY(combo->isEnabled());
    const QString remoteChat = m_session->conversation().id;
    QCOMPARE(m_services->settings().remoteEndpoints().size(), size_t(1));
    QCOMPARE(combo->currentData().toString(), QString("remote:0"));

    // A new chat answers with the loaded model: none yet.
    QTest::mouseClick(child<QPushButton>(*m_sidebar, "newChatButton"), Qt::LeftButton);
    QCOMPARE(combo->currentData().toString(), QString("none"));
    // A wheel turned over the header chooses nothing (it would load a model by accident).
    QTRY_VERIFY_WITH_TIMEOUT(combo->findData(QString("local:") + hub::kDemoModelId) >= 0, test::kPatienceMs);
    const QPoint middle = combo->rect().center();
    QWheelEvent wheel(middle, combo->mapToGlobal(middle), {}, {0, -120}, Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase,
                      false);
    QApplication::sendEvent(combo, &wheel);
    QCOMPARE(combo->currentData().toString(), QString("none"));
    QCOMPARE(m_services->loader().state(), ModelLoader::State::Empty);
    QCOMPARE(child<QStackedWidget>(*m_page, "chatStack")->currentWidget(), child<QWidget>(*m_page, "noModelPlaceholder"));

    // The demo model, from the library read in the background: choosing it loads it, busy meanwhile.
    const QString demo = QString("local:") + hub::kDemoModelId;
    QTRY_VERIFY_WITH_TIMEOUT(combo->findData(demo) >= 0, test::kPatienceMs);
    choose(demo);
    QCOMPARE(m_session->conversation().settings.localModel, QString(hub::kDemoModelId));
    QCOMPARE(m_services->loader().state(), ModelLoader::State::Loading);
    QVERIFY(child<QWidget>(*m_page, "modelLoadingBar")->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(m_services->loader().state(), ModelLoader::State::Loaded, test::kPatienceMs);
    QVERIFY(!child<QWidget>(*m_page, "modelLoadingBar")->isVisible());
    QVERIFY2(combo->currentText().contains("(loaded)"), qPrintable(combo->currentText()));
    QVERIFY(child<Composer>(*m_page, "composer")->isSendEnabled());
    auto* thinking = child<QCheckBox>(*m_page, "thinkingCheck");
    QVERIFY(!thinking->isEnabled() && !thinking->isChecked());  // Qwen2 has no thinking mode

    // The first chat, opened from the list, still answers with its server.
    auto* list = child<QListWidget>(*m_sidebar, "conversationList");
    QTRY_VERIFY_WITH_TIMEOUT(list->count() >= 1, test::kPatienceMs);
    QListWidgetItem* item = list->findItems("Hi", Qt::MatchExactly).value(0);
    QVERIFY(item);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(item).center());
    QTRY_COMPARE_WITH_TIMEOUT(m_session->conversation().id, remoteChat, test::kPatienceMs);
    QCOMPARE(combo->currentData().toString(), QString("remote:0"));
    QVERIFY(thinking->isEnabled());  // the server may think: the user decides
}

// A chat remembered with a model that is not loaded says so, with Load; sending loads it
// first and the message waits in the composer meanwhile. "Add a remote server…" opens the fields.
void ChatPageTest::aChatsOwnModelIsLoadedBeforeItsFirstMessageIsSent() {
    store::GenerationSettings settings;
    settings.localModel = hub::kDemoModelId;
    m_session->startNew(settings);
    auto* combo = child<QComboBox>(*m_page, "modelCombo");
    QTRY_COMPARE_WITH_TIMEOUT(combo->currentData().toString(), QString("local:") + hub::kDemoModelId, test::kPatienceMs);
    QVERIFY(child<QPushButton>(*m_page, "loadChosenButton")->isVisible());
    QCOMPARE(child<QLabel>(*m_page, "modelStateLabel")->text(), QString("Not loaded"));
    QCOMPARE(m_services->loader().state(), ModelLoader::State::Empty);  // opening a chat loads nothing

    send("Hi");
    QCOMPARE(m_services->loader().state(), ModelLoader::State::Loading);
    QCOMPARE(child<Composer>(*m_page, "composer")->toPlainText(), QString("Hi"));
    QCOMPARE(m_generator.m_starts, 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_generator.m_starts, 1, test::kPatienceMs);
    QCOMPARE(m_generator.m_turns.back().content, QString("Hi"));
    QCOMPARE(m_services->loader().model()->id, QString(hub::kDemoModelId));
    QVERIFY(child<Composer>(*m_page, "composer")->toPlainText().isEmpty());
    QVERIFY(!child<QPushButton>(*m_page, "loadChosenButton")->isVisible());
    answerAndFinish("Hello");

    choose("add");
    QVERIFY(child<QWidget>(*m_page, "settingsPanel")->isVisible());
    QCOMPARE(m_window->focusWidget(), child<QLineEdit>(*m_page, "endpointUrlEdit"));
    QCOMPARE(combo->currentData().toString(), QString("local:") + hub::kDemoModelId);  // until a server is entered
}

// The library changes on the Models page; back on the chat, the picker lists what is there now.
void ChatPageTest::pickerListsModelsImportedMeanwhile() {
    auto* combo = child<QComboBox>(*m_page, "modelCombo");
    QTRY_VERIFY_WITH_TIMEOUT(combo->findData(QString("local:") + hub::kDemoModelId) >= 0, test::kPatienceMs);
    QTemporaryDir folder;
    test::makeChatModelDir(folder.path().toStdString());
    const auto imported = m_services->library().importFolder(folder.path());
    QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
    QCOMPARE(combo->findData("local:" + imported->name()), -1);
    m_page->hide();  // another page
    m_page->show();
    QTRY_VERIFY_WITH_TIMEOUT(combo->findData("local:" + imported->name()) >= 0, test::kPatienceMs);
}

QTEST_MAIN(ChatPageTest)
#include "chat_page_test.moc"
