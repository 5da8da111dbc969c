// The `pagoda` executable as a user runs it: real process, real arguments, real output.
#include <QProcess>
#include <QtTest>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tests/support/model_fixture.h"

namespace {

struct Run {
    int exitCode;
    QString out;
    QString err;
};

Run runPagoda(const QStringList& arguments) {
    QProcess process;
    process.start(PAGODA_EXECUTABLE, arguments);
    if (!process.waitForFinished(60000)) qFatal("pagoda did not finish");
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

QString fixture(const char* name) { return QString::fromStdString((pagoda::test::modelFixturesDir() / name).string()); }

QString joined(const std::vector<int32_t>& ids) { return QString::fromStdString(fmt::format("{}", fmt::join(ids, ","))); }

}  // namespace

class CliTest : public QObject {
    Q_OBJECT

private slots:
    void generatePrintsTransformersGreedyContinuation() {
        const auto truth = pagoda::test::loadTruth(pagoda::test::modelFixturesDir() / "qwen3-f32");
        const Run run = runPagoda({"generate", "--model", fixture("qwen3-f32"), "--prompt-ids", joined(truth.promptIds),
                                   "--max-tokens", "32", "--ignore-eos"});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.trimmed(), joined(truth.greedyIdsF32));
        QVERIFY2(run.err.contains("prefill: 13 tokens") && run.err.contains("decode: 31 tokens") &&
                     run.err.contains("tokens/s"),
                 qPrintable(run.err));
    }

    void generateStopsAtEndOfSequence() {
        const auto truth = pagoda::test::loadTruth(pagoda::test::modelFixturesDir() / "glm-f32");
        const Run run = runPagoda({"generate", "--model", fixture("glm-f32"), "--prompt-ids", joined(truth.promptIds)});
        QCOMPARE(run.exitCode, 0);
        const QStringList ids = run.out.trimmed().split(',');
        QCOMPARE(ids.size(), 12);  // eos id 2 is the 12th greedy token
        QCOMPARE(ids.last(), QString("2"));
        QVERIFY(run.err.contains("stopped at end-of-sequence"));
    }

    void badInputGetsAClearErrorAndNonZeroExit_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        const QString model = fixture("qwen2-tied-f32");
        QTest::newRow("no model") << QStringList{"generate", "--prompt-ids", "1"} << "--model DIR is required";
        QTest::newRow("bad id") << QStringList{"generate", "--model", model, "--prompt-ids", "1,x"} << "'x' is not a token id";
        QTest::newRow("no ids") << QStringList{"generate", "--model", model} << "give at least one token id";
        QTest::newRow("id past vocab") << QStringList{"generate", "--model", model, "--prompt-ids", "1,99999"}
                                       << "token id 99999 is outside the vocabulary";
        QTest::newRow("bad max tokens") << QStringList{"generate", "--model", model, "--prompt-ids", "1", "--max-tokens", "0"}
                                        << "--max-tokens must be a positive integer";
        QTest::newRow("missing dir") << QStringList{"generate", "--model", "/nonexistent/model", "--prompt-ids", "1"}
                                     << "\"/nonexistent/model/config.json\" not found";
        QTest::newRow("past context") << QStringList{"generate", "--model", model, "--prompt-ids", "1", "--max-tokens", "5000"}
                                      << "exceeds the model's context of 2048";
    }
    void badInputGetsAClearErrorAndNonZeroExit() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Run run = runPagoda(arguments);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(expected), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
    }

    void unknownCommandPrintsUsage() {
        const Run run = runPagoda({"frobnicate"});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("unknown command 'frobnicate'") && run.err.contains("generate"));
        QCOMPARE(runPagoda({"--help"}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "cli_test.moc"
