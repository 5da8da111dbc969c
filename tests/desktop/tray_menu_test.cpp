// The tray icon's menu over the real services, offscreen (where no tray exists): the model
// line, the API line and its switch follow the loader's and the server's signals, and the
// window's New chat from the tray starts a chat on the chat page.
#include <QAction>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "app/chat/conversation_session.h"
#include "app/desktop/desktop_services.h"
#include "tests/support/chat_model_dir.h"
#include "tests/support/patience.h"
#include "ui/main_window.h"
#include "ui/tray_menu.h"

using namespace pagoda;
using namespace pagoda::ui;

namespace {

QAction* action(QMenu& menu, const char* name) {
    auto* found = menu.findChild<QAction*>(QString::fromLatin1(name));
    if (!found) qFatal("no action named %s", name);
    return found;
}

quint16 freePort() {
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

}  // namespace

class TrayMenuTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        test::makeChatModelDir(m_dir.path().toStdString());
        m_services = std::make_unique<DesktopServices>();
        m_services->settings().setFirstRunDone(true);
        store::ServerSettings server;
        server.port = freePort();
        m_services->settings().setServer(server);
        auto model = m_services->library().importFolder(m_dir.path());
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
        m_model = *model;
    }

    void cleanupTestCase() {
        m_services->server().stop();
        m_services->loader().unload();
    }

    void theMenuFollowsTheModelAndTheApi() {
        TrayMenu menu(*m_services);
        QAction* model = action(menu, "trayModel");
        QAction* api = action(menu, "trayApi");
        QAction* apiSwitch = action(menu, "trayApiSwitch");
        // Information lines, not commands.
        QVERIFY(!model->isEnabled());
        QVERIFY(!api->isEnabled());
        QVERIFY(action(menu, "trayNewChat")->isEnabled());
        QVERIFY(action(menu, "trayOpen")->isEnabled());
        QVERIFY(action(menu, "trayQuit")->isEnabled());

        QCOMPARE(model->text(), QString("No model loaded"));
        QCOMPARE(api->text(), QString("API off"));
        QCOMPARE(apiSwitch->text(), QString("Start the API"));
        QVERIFY(!apiSwitch->isEnabled());  // nothing to serve

        QSignalSpy finished(&m_services->loader(), &ModelLoader::loadFinished);
        m_services->loader().load(m_model, m_services->settings().engine());
        QVERIFY2(model->text().startsWith("Loading " + m_model.id), qPrintable(model->text()));
        QVERIFY(!apiSwitch->isEnabled());
        QVERIFY(finished.wait(test::kPatienceMs));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(model->text(), "Model: " + m_model.id);
        QVERIFY(apiSwitch->isEnabled());

        apiSwitch->trigger();
        QVERIFY(m_services->server().isRunning());
        QCOMPARE(api->text(), "API on at " + m_services->server().baseUrl());
        QVERIFY2(api->text().contains(QString::number(m_services->settings().server().port)), qPrintable(api->text()));
        QCOMPARE(apiSwitch->text(), QString("Stop the API"));

        // Stopped elsewhere (the Server page): the menu follows the signal.
        m_services->server().stop();
        QCOMPARE(api->text(), QString("API off"));
        QCOMPARE(apiSwitch->text(), QString("Start the API"));

        apiSwitch->trigger();
        QVERIFY(m_services->server().isRunning());
        apiSwitch->trigger();
        QVERIFY(!m_services->server().isRunning());
        QCOMPARE(api->text(), QString("API off"));

        m_services->loader().unload();
        QCOMPARE(model->text(), QString("No model loaded"));
        QVERIFY(!apiSwitch->isEnabled());
    }

    // A port someone else holds: the API line says why the API is still off.
    void aFailedStartIsShownOnTheApiLine() {
        QSignalSpy finished(&m_services->loader(), &ModelLoader::loadFinished);
        m_services->loader().load(m_model, m_services->settings().engine());
        QVERIFY(finished.wait(test::kPatienceMs));
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
        const store::ServerSettings saved = m_services->settings().server();
        store::ServerSettings taken = saved;
        taken.host = "127.0.0.1";
        taken.port = squatter.serverPort();
        m_services->settings().setServer(taken);
        TrayMenu menu(*m_services);
        action(menu, "trayApiSwitch")->trigger();
        QVERIFY(!m_services->server().isRunning());
        QVERIFY2(action(menu, "trayApi")->text().startsWith("API off: "), qPrintable(action(menu, "trayApi")->text()));
        QCOMPARE(action(menu, "trayApiSwitch")->text(), QString("Start the API"));
        m_services->settings().setServer(saved);
        m_services->loader().unload();
    }

    // The window builds the menu even without a tray; New chat there opens a fresh chat page.
    void newChatFromTheTrayOpensAChat() {
        MainWindow window(*m_services);
        window.show();
        window.showPage(MainWindow::Page::Settings);
        auto* menu = window.findChild<TrayMenu*>();
        QVERIFY(menu);
        const QString before = window.session().conversation().id;
        action(*menu, "trayNewChat")->trigger();
        QVERIFY(window.session().conversation().id != before);
        QCOMPARE(window.currentPage(), MainWindow::Page::Chat);
        QVERIFY(window.isVisible());
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<DesktopServices> m_services;
    hub::LocalModel m_model;
};

QTEST_MAIN(TrayMenuTest)
#include "tray_menu_test.moc"
