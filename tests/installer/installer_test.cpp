// The .deb packages as a user gets them: cpack makes them from this build tree, dpkg-deb
// reads their fields and files, the freedesktop validators check the desktop entry and the
// AppStream metadata, and the packaged `pagoda` runs the packaged demo model from an
// unpacked root. A missing tool fails the suite (scripts/install-deps.sh installs them all).
#include <QDir>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/process_run.h"

namespace {

constexpr const char* kAppId = PAGODA_APP_ID;

using Run = pagoda::test::ProcessRun;

Run run(const QString& program, const QStringList& arguments, int timeoutMs = 60000) {
    pagoda::test::ProcessOptions options;
    options.timeoutMs = timeoutMs;
    return pagoda::test::runProcess(program, arguments, options);
}

QString field(const QString& deb, const QString& name) {
    return run("dpkg-deb", {"--field", deb, name}).out.trimmed();
}

}  // namespace

class InstallerTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_work;
    QString m_mainDeb;
    QString m_cudaDeb;
    QString m_root;  // both packages unpacked, as dpkg would install them under /

private slots:
    void initTestCase() {
        // cpack itself runs dpkg-shlibdeps and file.
        for (const char* tool : {"dpkg-deb", "dpkg", "dpkg-shlibdeps", "file", "desktop-file-validate", "appstreamcli"})
            QVERIFY2(!QStandardPaths::findExecutable(tool).isEmpty(),
                     qPrintable(QString("%1 is missing: run scripts/install-deps.sh").arg(tool)));
        QVERIFY(m_work.isValid());

        QElapsedTimer timer;
        timer.start();
        const QString out = m_work.filePath("packages");
        const Run cpack = run(PAGODA_CPACK_COMMAND, {"-G", "DEB", "-B", out, "--config", PAGODA_CPACK_CONFIG}, 240000);
        QVERIFY2(cpack.exitCode == 0, qPrintable(cpack.out + cpack.err));
        qInfo("cpack -G DEB took %.1f s", timer.elapsed() / 1000.0);

        const QStringList debs = QDir(out).entryList({"*.deb"}, QDir::Files);
        for (const QString& deb : debs) {
            if (deb.startsWith("pagoda_"))
                m_mainDeb = QDir(out).filePath(deb);
            else if (deb.startsWith("pagoda-cuda_"))
                m_cudaDeb = QDir(out).filePath(deb);
            else
                QFAIL(qPrintable("unexpected package " + deb));
        }
        QVERIFY2(!m_mainDeb.isEmpty(), qPrintable("no pagoda_*.deb in " + debs.join(", ")));
#ifdef PAGODA_CUDA_MODULE_BUILT
        QVERIFY2(!m_cudaDeb.isEmpty(), qPrintable("no pagoda-cuda_*.deb in " + debs.join(", ")));
#else
        QVERIFY2(m_cudaDeb.isEmpty(), "a pagoda-cuda package from a build without the CUDA module");
#endif

        m_root = m_work.filePath("root");
        for (const QString& deb : {m_mainDeb, m_cudaDeb}) {
            if (deb.isEmpty()) continue;
            const Run unpack = run("dpkg-deb", {"-x", deb, m_root});
            QVERIFY2(unpack.exitCode == 0, qPrintable(unpack.err));
        }
    }

    void mainPackageDependsOnWhatItLoadsAndNothingFromNvidia() {
        QCOMPARE(field(m_mainDeb, "Package"), QString("pagoda"));
        QCOMPARE(field(m_mainDeb, "Version"), QString(PAGODA_VERSION));
        QCOMPARE(field(m_mainDeb, "Architecture"), run("dpkg", {"--print-architecture"}).out.trimmed());
        const QString depends = field(m_mainDeb, "Depends");
        // libqt6sql6-sqlite is a plugin Qt loads at run time: listed by hand, not by dpkg-shlibdeps.
        for (const char* package : {"libqt6widgets6", "libqt6sql6-sqlite", "libcurl4", "libsentencepiece0", "libc6"})
            QVERIFY2(QRegularExpression(QString(R"((^|, )%1( |,|$))").arg(package)).match(depends).hasMatch(),
                     qPrintable(QString("%1 not in Depends: %2").arg(package, depends)));
        QVERIFY2(!depends.contains("cuda") && !depends.contains("cublas"), qPrintable(depends));
    }

    void cudaPackageHoldsTheModuleAndDependsOnThisPagoda() {
        if (m_cudaDeb.isEmpty()) QSKIP("built without the CUDA module (PAGODA_CUDA off)");
        QCOMPARE(field(m_cudaDeb, "Package"), QString("pagoda-cuda"));
        QCOMPARE(field(m_cudaDeb, "Depends"), QString("pagoda (= " PAGODA_VERSION ")"));
        QCOMPARE(field(m_cudaDeb, "Recommends"), QString("libcublas-13-0"));
        const QString files = run("dpkg-deb", {"--contents", m_cudaDeb}).out;
        QVERIFY2(files.contains("./usr/lib/pagoda/libpagoda_cuda.so\n"), qPrintable(files));
        // Where loadCudaModule looks after the executable's own folder.
        QVERIFY(QFileInfo::exists(m_root + "/usr/bin/../lib/pagoda/libpagoda_cuda.so"));
    }

    void mainPackageHoldsTheProgramDesktopFilesAndDemoModel() {
        const QString files = run("dpkg-deb", {"--contents", m_mainDeb}).out;
        const QString appId = kAppId;
        QStringList expected = {"./usr/bin/pagoda",
                                "./usr/share/applications/" + appId + ".desktop",
                                "./usr/share/metainfo/" + appId + ".metainfo.xml",
                                "./usr/share/icons/hicolor/scalable/apps/" + appId + ".svg",
                                "./usr/share/pagoda/demo-model/config.json",
                                "./usr/share/pagoda/demo-model/tokenizer.json",
                                "./usr/share/pagoda/demo-model/model.safetensors"};
        for (const int size : {16, 32, 48, 64, 128, 256})
            expected << QString("./usr/share/icons/hicolor/%1x%1/apps/%2.png").arg(size).arg(appId);
        for (const QString& path : expected)
            QVERIFY2(
                QRegularExpression(" " + QRegularExpression::escape(path) + "$", QRegularExpression::MultilineOption)
                    .match(files)
                    .hasMatch(),
                qPrintable(path + " is not in the package:\n" + files));
        // Every user must be able to read the model, whatever mode the checkpoint was saved with.
        QVERIFY2(QRegularExpression(R"(^-rw-r--r-- .* \./usr/share/pagoda/demo-model/model\.safetensors$)",
                                    QRegularExpression::MultilineOption)
                     .match(files)
                     .hasMatch(),
                 qPrintable(files));
    }

    void desktopEntryAndAppStreamMetadataValidate() {
        const QString desktop = m_root + "/usr/share/applications/" + kAppId + ".desktop";
        const Run entry = run("desktop-file-validate", {desktop});
        QVERIFY2(entry.exitCode == 0 && entry.out.isEmpty() && entry.err.isEmpty(), qPrintable(entry.out + entry.err));
        // validate-tree: the metadata, and that the desktop entry it names as launchable is there.
        const Run appstream = run("appstreamcli", {"validate-tree", "--no-net", m_root});
        QVERIFY2(appstream.exitCode == 0, qPrintable(appstream.out + appstream.err));
        const QString metainfo = m_root + "/usr/share/metainfo/" + kAppId + ".metainfo.xml";
        QFile file(metainfo);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("<release version=\"" PAGODA_VERSION "\""));
    }

    void packagedPagodaRunsTheDemoModel() {
        const QString pagoda = m_root + "/usr/bin/pagoda";
        const Run version = run(pagoda, {"--version"});
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out, QString("pagoda " PAGODA_VERSION "\n"));

        // --ignore-eos: eight tokens whatever the model answers, so the count is exact.
        const Run generate = run(pagoda, {"generate", "--model", m_root + "/usr/share/pagoda/demo-model", "--prompt",
                                          "Hello, Pagoda", "--max-tokens", "8", "--ignore-eos"});
        QVERIFY2(generate.exitCode == 0, qPrintable(generate.err));
        QVERIFY2(!generate.out.trimmed().isEmpty(), qPrintable(generate.err));
        QVERIFY2(generate.err.contains("decode: 7 tokens"), qPrintable(generate.err));
    }
};

QTEST_GUILESS_MAIN(InstallerTest)
#include "installer_test.moc"
