// Renders every page of the desktop window to PNGs for the README (run by
// scripts/screenshots.sh under Xvfb, once per language, theme and screen size). A real window
// on a real tiny model with the API switched on and real requests in its log; the
// conversation on the Chat page is a written sample, because the fixture model's text is
// random. Last, the demo model answers for real (demo-*.png).
//
// The window gets what a maximized window has on a laptop: the screen less a 32 px desktop
// panel and a 32 px title bar (Xvfb has neither, so the tour takes them off itself).
//
//   screenshot_tour OUT_DIR LANGUAGE THEME SCREEN
//   e.g. screenshot_tour docs/screenshots zh_CN dark 1366x768  ->  1366x768/chat-zh_CN-dark.png
#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "app/chat/conversation_session.h"
#include "app/desktop/desktop_services.h"
#include "app/desktop/translations.h"
#include "app/hub/model_paths.h"
#include "tests/support/chat_model_dir.h"
#include "ui/main_window.h"
#include "ui/theme.h"
#include "ui/models/welcome_dialog.h"

using namespace pagoda;

namespace {

store::Message said(store::Role role, const QString& parent, const QString& content, const QString& reasoning = {}) {
    store::Message m;
    m.id = store::newId();
    m.parentId = parent;
    m.role = role;
    m.content = content;
    m.reasoning = reasoning;
    m.created = QDateTime::currentDateTimeUtc();
    return m;
}

store::Conversation sampleConversation(bool chinese) {
    store::Conversation c;
    c.id = store::newId();
    c.created = c.updated = QDateTime::currentDateTimeUtc();
    c.title = chinese ? QString::fromUtf8("用 Python 写快速排序") : "Quicksort in Python";
    const auto question = said(store::Role::User, {},
                               chinese ? QString::fromUtf8("用 Python 写一个快速排序，并解释它的复杂度。")
                                       : "Write a quicksort in Python and explain its complexity.");
    auto answer = said(
        store::Role::Assistant, question.id,
        QString::fromUtf8(chinese ? "下面是一个简洁的实现：\n\n" : "Here is a compact version:\n\n") +
            "```python\ndef quicksort(items):\n    if len(items) <= 1:\n        return items\n"
            "    pivot, *rest = items\n    smaller = [x for x in rest if x < pivot]\n"
            "    larger = [x for x in rest if x >= pivot]\n    return quicksort(smaller) + [pivot] + quicksort(larger)\n```\n\n" +
            QString::fromUtf8(chinese ? "平均时间复杂度为 **O(n log n)**，最坏情况（已排序的输入）为 **O(n²)**。"
                                      : "It runs in **O(n log n)** on average and **O(n²)** in the worst case "
                                        "(already sorted input)."),
        QString::fromUtf8(chinese ? "用户想要代码和复杂度分析。用列表推导式写最清楚。"
                                  : "The user wants code and a complexity note. List comprehensions read best."));
    answer.stats.timeToFirstToken = 0.21;
    answer.stats.tokensPerSecond = 18.3;
    answer.stats.promptTokens = 31;
    answer.stats.completionTokens = 142;
    answer.stats.contextLimit = 32768;
    answer.stats.finishReason = "stop";
    c.messages = {question, answer};
    c.currentLeafId = answer.id;
    return c;
}

void save(QWidget* widget, const QString& path) {
    QApplication::processEvents();
    QTest::qWait(300);  // layouts, fonts, the first chart frame
    if (!widget->grab().save(path)) qFatal("cannot write %s", qPrintable(path));
    qInfo("wrote %s", qPrintable(path));
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    if (argc != 5) qFatal("usage: screenshot_tour OUT_DIR LANGUAGE THEME WIDTHxHEIGHT");
    const QString language = QString::fromLocal8Bit(argv[2]);
    const QString theme = QString::fromLocal8Bit(argv[3]);
    const QString screen = QString::fromLocal8Bit(argv[4]);
    const QStringList dimensions = screen.split('x');
    if (dimensions.size() != 2) qFatal("SCREEN is WIDTHxHEIGHT, e.g. 1366x768");
    const QSize windowSize(dimensions[0].toInt(), dimensions[1].toInt() - 32 - 32);
    const QString outDir = QString::fromLocal8Bit(argv[1]) + "/" + screen;
    QDir().mkpath(outDir);
    installTranslations(app, language);
    ui::applyTheme(theme);
    const bool chinese = language.startsWith("zh");
    const QString suffix = (chinese ? QString("zh_CN") : QString("en")) + "-" + theme;

    QTemporaryDir modelDir;
    QDir(modelDir.path()).mkpath("qwen3-tiny-chat");
    test::makeChatModelDir((modelDir.path() + "/qwen3-tiny-chat").toStdString());
    DesktopServices services;
    services.settings().setFirstRunDone(true);
    services.settings().setLanguage(chinese ? "zh_CN" : "en");  // the Settings page shows the choices made
    services.settings().setTheme(theme);
    auto model = services.library().importFolder(modelDir.path() + "/qwen3-tiny-chat");
    if (!model) qFatal("import failed: %s", model.error().message.c_str());
    QSignalSpy loaded(&services.loader(), &ModelLoader::loadFinished);
    services.loader().load(*model, services.settings().engine());
    if (!loaded.wait(60000)) qFatal("model did not load");

    const store::Conversation sample = sampleConversation(chinese);
    services.store().post([sample](store::ConversationStore& store) {
        (void)store.saveConversation(sample);
        for (const auto& m : sample.messages) (void)store.saveMessage(sample.id, m);
    });
    services.store().flush();

    store::ServerSettings server = services.settings().server();
    server.port = 18431;
    services.settings().setServer(server);

    ui::MainWindow window(services);
    window.resize(windowSize);
    window.show();
    QApplication::processEvents();
    if (window.size() != windowSize)  // the picture would show more than the laptop does
        qFatal("the window is %dx%d, larger than the %dx%d a maximized window has on a %s screen", window.width(),
               window.height(), windowSize.width(), windowSize.height(), qPrintable(screen));
    window.session().show(sample);
    save(&window, QString("%1/chat-%2.png").arg(outDir, suffix));

    window.showPage(ui::MainWindow::Page::Models);
    if (auto* library = window.findChild<QTableView*>("libraryView")) {  // the details pane on the loaded model
        QApplication::processEvents();
        const QRect cell = library->visualRect(library->model()->index(0, 0));
        QTest::mouseClick(library->viewport(), Qt::LeftButton, {}, cell.center());
    }
    save(&window, QString("%1/models-%2.png").arg(outDir, suffix));

    window.showPage(ui::MainWindow::Page::Server);
    if (auto* toggle = window.findChild<QAbstractButton*>("serverSwitch")) toggle->click();
    // Real traffic for the request log and the performance chart: a few completions over ~8 s.
    QNetworkAccessManager network;
    auto call = [&](QNetworkReply* reply) { QSignalSpy(reply, &QNetworkReply::finished).wait(30000); };
    call(network.get(QNetworkRequest(QUrl("http://127.0.0.1:18431/v1/models"))));
    QNetworkRequest post(QUrl("http://127.0.0.1:18431/v1/completions"));
    post.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    for (int i = 0; i < 8; ++i) {
        const QByteArray body = QString("{\"model\": \"%1\", \"prompt\": \"Once upon a time\", \"max_tokens\": %2}")
                                    .arg(services.server().servedModelName())
                                    .arg(400 + 200 * (i % 3))
                                    .toUtf8();
        call(network.post(post, body));
        QTest::qWait(700);
    }
    save(&window, QString("%1/server-%2.png").arg(outDir, suffix));

    window.showPage(ui::MainWindow::Page::Settings);
    save(&window, QString("%1/settings-%2.png").arg(outDir, suffix));

    ui::WelcomeDialog welcome(services, &window);
    welcome.show();
    save(&welcome, QString("%1/welcome-%2.png").arg(outDir, suffix));
    welcome.close();

    if (auto* performance = window.findChild<QAbstractButton*>("performanceButton")) {
        performance->click();
        for (QWidget* top : QApplication::topLevelWidgets())
            if (top->isVisible() && top->inherits("pagoda::ui::PerformanceView"))
                save(top, QString("%1/performance-%2.png").arg(outDir, suffix));
    }

    // The demo model that ships with Pagoda, really answering (greedy, so the picture is
    // reproducible): what a newcomer sees first.
    const auto demo = services.library().find(hub::kDemoModelId);
    if (!demo) qFatal("no demo model beside the build (share/pagoda/demo-model)");
    services.loader().load(*demo, services.settings().engine());
    if (!loaded.wait(60000)) qFatal("the demo model did not load");
    store::GenerationSettings greedy;
    greedy.temperature = 0;
    window.showPage(ui::MainWindow::Page::Chat);
    window.session().startNew(greedy);
    window.session().send(chinese ? QString::fromUtf8("写一首诗") : "Tell me a fortune");
    while (window.session().isGenerating()) QTest::qWait(100);
    save(&window, QString("%1/demo-%2.png").arg(outDir, suffix));

    // A new chat: the model picker says who answers, and suggestions wait for a first question.
    window.session().startNew(store::GenerationSettings{});
    save(&window, QString("%1/new-chat-%2.png").arg(outDir, suffix));

    if (auto* shortcuts = window.findChild<QAbstractButton*>("shortcutsButton")) {
        shortcuts->click();
        for (QWidget* top : QApplication::topLevelWidgets())
            if (top->isVisible() && top->inherits("pagoda::ui::ShortcutsDialog"))
                save(top, QString("%1/shortcuts-%2.png").arg(outDir, suffix));
    }
    return 0;
}
