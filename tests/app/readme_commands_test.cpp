// README's first command, run as written on a machine without a display (as CI is): it
// must install nothing more, build nothing more, and end up serving the demo model, which
// answers a chat over HTTP. The second command (scripts/test.sh) is what CI itself runs.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include "tests/support/patience.h"

namespace {

constexpr int kStartTimeoutMs = 300000;  // run.sh checks packages and the build first

QString readText(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// The shell lines of README's first fenced block.
QStringList firstCodeBlock(const QString& readme) {
    const qsizetype open = readme.indexOf("```sh\n");
    const qsizetype close = readme.indexOf("```", open + 6);
    if (open < 0 || close < 0) return {};
    QStringList lines;
    for (const QString& line : readme.mid(open + 6, close - open - 6).split('\n', Qt::SkipEmptyParts))
        lines << line.section('#', 0, 0).trimmed();
    return lines;
}

}  // namespace

class ReadmeCommandsTest : public QObject {
    Q_OBJECT

private slots:
    void readmeStartsWithTheTwoCommands() {
        const QStringList commands = firstCodeBlock(readText(PAGODA_SOURCE_DIR "/README.md"));
        QCOMPARE(commands, QStringList({"./scripts/run.sh", "./scripts/test.sh"}));
    }

    void firstCommandWithoutADisplayServesTheDemoModel() {
        QProcess run;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.insert("PAGODA_BUILD_DIR", PAGODA_BINARY_DIR);  // the tree under test, whatever its name
        run.setProcessEnvironment(env);
        run.setWorkingDirectory(PAGODA_SOURCE_DIR);
        run.start("./scripts/run.sh", {"--port", "0"});
        QVERIFY2(run.waitForStarted(), qPrintable(run.errorString()));

        // `pagoda serve` says where it listens on stderr; port 0 let it choose a free one.
        static const QRegularExpression serving("serving (\\S+) \\(max_model_len \\d+\\) on http://127\\.0\\.0\\.1:(\\d+)");
        QString err;
        QRegularExpressionMatch match;
        QElapsedTimer clock;
        clock.start();
        while (!(match = serving.match(err)).hasMatch()) {
            if (run.state() == QProcess::NotRunning || clock.elapsed() > kStartTimeoutMs)
                QFAIL(qPrintable("run.sh did not start serving:\n" + err + QString::fromUtf8(run.readAllStandardOutput())));
            run.waitForReadyRead(1000);
            err += QString::fromUtf8(run.readAllStandardError());
        }
        QVERIFY2(err.contains("No display: serving the demo model"), qPrintable(err));
        QCOMPARE(match.captured(1), QString("pagoda/demo"));

        QNetworkAccessManager network;
        QNetworkRequest request(QUrl("http://127.0.0.1:" + match.captured(2) + "/v1/chat/completions"));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        const QJsonObject body{{"model", "pagoda/demo"},
                               {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "写一首诗"}}}},
                               {"max_tokens", 40}};
        std::unique_ptr<QNetworkReply> reply(network.post(request, QJsonDocument(body).toJson()));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY(finished.wait(pagoda::test::kPatienceMs));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        QCOMPARE(answer["model"].toString(), QString("pagoda/demo"));
        const QString content = answer["choices"][0]["message"]["content"].toString();
        QVERIFY2(!content.trimmed().isEmpty(), qPrintable(QJsonDocument(answer).toJson()));

        run.terminate();  // SIGTERM: serve shuts down cleanly
        QVERIFY(run.waitForFinished(pagoda::test::kPatienceMs));
        QCOMPARE(run.exitStatus(), QProcess::NormalExit);
        QCOMPARE(run.exitCode(), 0);
    }
};

QTEST_MAIN(ReadmeCommandsTest)
#include "readme_commands_test.moc"
