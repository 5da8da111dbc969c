// Restarting the desktop app after a language change: the replacement is this program with
// its arguments and the restart marker, and it waits for the instance it replaces to let go
// of the single-instance socket instead of handing over to it and exiting.
#include <QCoreApplication>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>

#include "app/desktop/app_restart.h"
#include "app/desktop/single_instance.h"
#include "tests/support/patience.h"

using namespace pagoda;

class AppRestartTest : public QObject {
    Q_OBJECT

private slots:
    void theCommandIsThisProgramWithItsArguments() {
        const RestartCommand command = restartCommand();
        QCOMPARE(command.program, QCoreApplication::applicationFilePath());
        QCOMPARE(command.arguments, QCoreApplication::arguments().mid(1));
        QVERIFY(QFile::exists(command.program));
    }

    void theReplacementRunsWithTheMarker() {
        QTemporaryDir dir;
        const QString out = dir.filePath("marker");
        QVERIFY(startReplacement({"/bin/sh", {"-c", QString("printf %s \"$%1\" > '%2'").arg(kRestartEnvironment, out)}}));
        QTRY_VERIFY_WITH_TIMEOUT(QFile(out).size() > 0, test::kPatienceMs);
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("1"));
        QVERIFY(!startReplacement({dir.filePath("no-such-program"), {}}));
    }

    void theMarkerIsReadOnce() {
        qputenv(kRestartEnvironment, "1");
        QVERIFY(takeRestartMarker());
        QVERIFY(!takeRestartMarker());
        QVERIFY(!qEnvironmentVariableIsSet(kRestartEnvironment));
    }

    // The instance being replaced lives on its own thread and quits 300 ms in; a plain second
    // launch hands over to it, a restart waits and then takes the socket.
    void aRestartWaitsForThePreviousInstance() {
        QThread thread;
        thread.start();
        auto* previous = new SingleInstance;
        previous->moveToThread(&thread);
        bool claimed = false;
        QMetaObject::invokeMethod(previous, [&] { claimed = previous->claim(); }, Qt::BlockingQueuedConnection);
        QVERIFY(claimed);

        QVERIFY(!SingleInstance().claim());  // not a restart: the running one comes to the front

        QMetaObject::invokeMethod(previous, [previous] { QTimer::singleShot(300, previous, &QObject::deleteLater); });
        SingleInstance replacement;
        QVERIFY(replacement.claim(kRestartWaitMs));
        thread.quit();
        QVERIFY(thread.wait(test::kPatienceMs));
        QVERIFY(!SingleInstance().claim());  // the replacement now holds the socket
    }
};

QTEST_GUILESS_MAIN(AppRestartTest)
#include "app_restart_test.moc"
