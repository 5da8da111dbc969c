// The window on a small laptop (issue 21): at 1280x720 and 1366x768 less a 32 px panel every
// page fits, its main controls and the status bar can be seen, nothing overlaps or is cut;
// the first run opens inside the screen and a saved size comes back. Run once per language
// (PAGODA_TEST_LANGUAGE=zh_CN for Chinese, whose labels are wider and taller), since the
// translation is process-wide.
#include <QAbstractButton>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScreen>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include "app/desktop/desktop_services.h"
#include "app/desktop/translations.h"
#include "tests/desktop/layout_checks.h"
#include "tests/desktop/widget_lookup.h"
#include "tests/support/chat_model_dir.h"
#include "tests/support/patience.h"
#include "ui/models/library_model.h"
#include "ui/models/library_panel.h"
#include "ui/main_window.h"
#include "ui/window_geometry.h"

using namespace pagoda;
using test::child;
using Page = ui::MainWindow::Page;

Q_DECLARE_METATYPE(Page)

namespace {

// Screens less a 32 px desktop panel: what availableGeometry reports on these laptops.
const QSize kSmallLaptop(1280, 720 - 32);
const QSize kLaptop(1366, 768 - 32);

// The controls without which a page is no use, by objectName.
QStringList keyControls(Page page) {
    switch (page) {
        case Page::Chat: return {"sendButton", "composer", "settingsButton"};
        case Page::Models: return {"searchEdit", "resultsView", "modelsTabs", "loadButton", "importButton"};
        case Page::Server: return {"serverSwitch", "portSpin", "apiKeyEdit", "copyCurlButton", "copyPythonButton", "requestLog"};
        case Page::Settings: return {"memorySlider", "applyButton", "languageCombo", "keepApiInTray"};
    }
    return {};
}

}  // namespace

class LaptopFitTest : public QObject {
    Q_OBJECT

    std::unique_ptr<DesktopServices> m_services;
    std::unique_ptr<ui::MainWindow> m_window;
    QTemporaryDir m_modelDir;

private slots:
    void initTestCase() {
        const QString language = qEnvironmentVariable("PAGODA_TEST_LANGUAGE", "en");
        QCOMPARE(installTranslations(*QCoreApplication::instance(), language).name().left(2), language.left(2));
        m_services = std::make_unique<DesktopServices>();
        m_services->settings().setFirstRunDone(true);
        m_window = std::make_unique<ui::MainWindow>(*m_services);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        // A model in My models, for the details pane to describe.
        QVERIFY(m_modelDir.isValid());
        test::makeChatModelDir(m_modelDir.path().toStdString());
        auto* library = m_window->findChild<ui::LibraryPanel*>();
        library->importFolder(m_modelDir.path());
        QTRY_VERIFY_WITH_TIMEOUT(library->models().rowOfFolder(m_modelDir.path()) >= 0, test::kPatienceMs);
    }
    void cleanupTestCase() {
        m_window.reset();
        m_services.reset();
    }

    void smallestWindowFitsASmallLaptop() {
        const QSize smallest = m_window->minimumSizeHint().expandedTo(m_window->minimumSize());
        QVERIFY2(smallest.width() <= kSmallLaptop.width() && smallest.height() <= kSmallLaptop.height(),
                 qPrintable(QString("the window needs at least %1x%2").arg(smallest.width()).arg(smallest.height())));
    }

    void everyPageFits_data() {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<Page>("page");
        QTest::addColumn<bool>("myModel");  // Models: the details of a model on this machine, not a hub's
        for (const QSize size : {kSmallLaptop, kLaptop}) {
            const QString at = QString("%1x%2 ").arg(size.width()).arg(size.height());
            QTest::newRow(qPrintable(at + "chat")) << size << Page::Chat << false;
            QTest::newRow(qPrintable(at + "models, a hub's model")) << size << Page::Models << false;
            QTest::newRow(qPrintable(at + "models, my model")) << size << Page::Models << true;
            QTest::newRow(qPrintable(at + "server")) << size << Page::Server << false;
            QTest::newRow(qPrintable(at + "settings")) << size << Page::Settings << false;
        }
    }
    void everyPageFits() {
        QFETCH(QSize, size);
        QFETCH(Page, page);
        QFETCH(bool, myModel);
        m_window->resize(size);
        m_window->showPage(page);
        // The fullest state of each page: the chat's settings open, a model's details shown.
        if (page == Page::Chat) {
            auto* settings = child<QAbstractButton>(*m_window, "settingsButton");
            if (!settings->isChecked()) QTest::mouseClick(settings, Qt::LeftButton);
        }
        if (page == Page::Models) {
            auto* results = child<QTableView>(*m_window, "resultsView");
            QTRY_VERIFY(results->model()->rowCount() > 0);  // Pagoda's picks, without a network
            results->clearSelection();
            results->selectRow(0);
            QTRY_VERIFY(child<QWidget>(*m_window, "hubLinkLabel")->isVisible());
            if (myModel) {
                auto* library = m_window->findChild<ui::LibraryPanel*>();
                library->findChild<QTableView*>("libraryView")->clearSelection();
                library->findChild<QTableView*>("libraryView")->selectRow(library->models().rowOfFolder(m_modelDir.path()));
                QTRY_VERIFY(child<QWidget>(*m_window, "locationLabel")->isVisible());
            }
        }
        QTRY_COMPARE(m_window->size(), size);
        // Layout requests travel up one parent per pass of the event loop: let them all arrive.
        for (int pass = 0; pass < 20; ++pass) QCoreApplication::processEvents();

        QStringList problems;
        QString why;
        for (const QString& name : keyControls(page)) {
            auto* control = child<QWidget>(*m_window, qPrintable(name));
            if (!test::fullyVisible(*control, &why)) problems << why;
        }
        if (!test::fullyVisible(*m_window->statusBar(), &why)) problems << why;
        problems << test::layoutProblems(*m_window);
        if (page == Page::Models)
            for (const char* table : {"resultsView", "libraryView"})
                problems << test::cutColumns(*child<QTableView>(*m_window, table), 0);  // names elide
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    }

    void firstRunOpensInsideTheScreen_data() {
        QTest::addColumn<QRect>("available");
        QTest::addColumn<QRect>("expected");
        // 1200x800 where it fits comfortably, centred; at most 90% of a smaller screen.
        QTest::newRow("1920x1080 less a top panel") << QRect(0, 32, 1920, 1048) << QRect(360, 156, 1200, 800);
        QTest::newRow("1366x768 less a top panel") << QRect(0, 32, 1366, 736) << QRect(83, 69, 1200, 662);
        QTest::newRow("1280x720 less a bottom panel") << QRect(0, 0, 1280, 688) << QRect(64, 34, 1152, 619);
        QTest::newRow("second screen on the right") << QRect(1920, 0, 1024, 768) << QRect(1971, 38, 921, 691);
    }
    void firstRunOpensInsideTheScreen() {
        QFETCH(QRect, available);
        QFETCH(QRect, expected);
        const QRect geometry = ui::firstRunGeometry(available);
        QCOMPARE(geometry, expected);
        QVERIFY(available.contains(geometry));
    }

    // Without a saved geometry the window takes its size from the screen it opens on (the
    // offscreen platform's is 800x600: smaller than the old fixed 1200x800).
    void firstRunWindowFitsItsScreen() {
        m_services->settings().setWindowGeometry({});
        ui::MainWindow fresh(*m_services);
        const QRect available = fresh.screen()->availableGeometry();
        QCOMPARE(fresh.size(), ui::firstRunGeometry(available).size());
        QVERIFY(available.contains(fresh.geometry()));
    }

    // The size and place the user left the window at come back at the next start.
    void savedGeometryComesBack() {
        m_window->resize(1010, 610);
        m_window->close();  // saves
        QVERIFY(!m_services->settings().windowGeometry().isEmpty());
        ui::MainWindow again(*m_services);
        QCOMPARE(again.size(), QSize(1010, 610));
    }
};

QTEST_MAIN(LaptopFitTest)
#include "laptop_fit_test.moc"
