// Light and dark: the palettes' contrast, "system" following the desktop, the setting and its
// combo box applying live, code colours and the performance chart readable in both, and a
// main window built in dark with no white panel left.
#include <QAbstractScrollArea>
#include <QApplication>
#include <QChartView>
#include <QComboBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStyle>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>
#include <QValueAxis>
#include <QXYSeries>

#include "app/desktop/desktop_services.h"
#include "app/store/app_settings.h"
#include "tests/desktop/widget_lookup.h"
#include "ui/chat/code_block_widget.h"
#include "ui/chat/code_highlighter.h"
#include "ui/inline_status.h"
#include "ui/main_window.h"
#include "ui/settings/app_preferences_panel.h"
#include "ui/status/performance_view.h"
#include "ui/theme.h"

using namespace pagoda;
using namespace pagoda::ui;
using test::child;

namespace {

// Share of an image's pixels lighter than `lightness` (0..1).
double shareLighterThan(const QImage& image, double lightness) {
    qint64 light = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) light += QColor(image.pixel(x, y)).lightnessF() > lightness;
    return double(light) / (qint64(image.width()) * image.height());
}

void checkContrast(const QPalette& p) {
    const auto check = [&](QPalette::ColorRole fg, QPalette::ColorRole bg, double least) {
        const QColor f = p.color(QPalette::Active, fg), b = p.color(QPalette::Active, bg);
        QVERIFY2(contrastRatio(f, b) >= least, qPrintable(QString("%1 on %2: %3").arg(f.name(), b.name()).arg(contrastRatio(f, b))));
    };
    check(QPalette::Text, QPalette::Base, 7);
    check(QPalette::WindowText, QPalette::Window, 7);
    check(QPalette::ButtonText, QPalette::Button, 7);
    check(QPalette::Text, QPalette::AlternateBase, 7);
    check(QPalette::HighlightedText, QPalette::Highlight, 4.5);
    check(QPalette::Link, QPalette::Base, 4.5);
    check(QPalette::PlaceholderText, QPalette::Base, 4.5);
    check(QPalette::PlaceholderText, QPalette::AlternateBase, 4.5);
    check(QPalette::ToolTipText, QPalette::ToolTipBase, 7);
    // Disabled text recedes but stays legible.
    const double disabled = contrastRatio(p.color(QPalette::Disabled, QPalette::WindowText), p.color(QPalette::Disabled, QPalette::Window));
    QVERIFY2(disabled >= 2.5 && disabled < contrastRatio(p.color(QPalette::WindowText), p.color(QPalette::Window)),
             qPrintable(QString::number(disabled)));
}

}  // namespace

class ThemeTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_home;

private slots:
    void initTestCase() {
        // Run alone (outside ctest) this suite still keeps its settings to itself.
        QVERIFY(m_home.isValid());
        qputenv("XDG_CONFIG_HOME", m_home.filePath("config").toUtf8());
        qputenv("XDG_DATA_HOME", m_home.filePath("data").toUtf8());
    }
    void cleanup() {
        setDesktopPrefersDark(std::nullopt);
        applyTheme("system");
    }

    void darkGivesADarkWindowAndLightText() {
        applyTheme("dark");
        const QPalette p = QApplication::palette();
        QVERIFY(isDarkTheme());
        QVERIFY(p.color(QPalette::Window).lightnessF() < 0.25);
        QVERIFY(p.color(QPalette::Base).lightnessF() < 0.25);
        QVERIFY(p.color(QPalette::WindowText).lightnessF() > 0.8);
        QVERIFY(p.color(QPalette::Text).lightnessF() > 0.8);
        QCOMPARE(QApplication::style()->name().toLower(), QString("fusion"));
        checkContrast(p);

        applyTheme("light");
        QVERIFY(!isDarkTheme());
        QVERIFY(QApplication::palette().color(QPalette::Window).lightnessF() > 0.85);
        checkContrast(QApplication::palette());
    }

    void systemFollowsTheDesktop() {
        applyTheme("system");
        const QColor platformWindow = QApplication::palette().color(QPalette::Window);
        QVERIFY(!isDarkTheme());  // the offscreen platform's palette is light
        setDesktopPrefersDark(true);  // as the portal or Qt report a switch to dark
        QVERIFY(isDarkTheme());
        setDesktopPrefersDark(false);
        QVERIFY(!isDarkTheme());
        QCOMPARE(QApplication::palette().color(QPalette::Window), platformWindow);  // the desktop's own

        // An explicit choice wins over the desktop.
        applyTheme("light");
        setDesktopPrefersDark(true);
        QVERIFY(!isDarkTheme());
        applyTheme("system");
        QVERIFY(isDarkTheme());
        QCOMPARE(currentThemeChoice(), QString("system"));
    }

    void settingRoundTripsAndTheComboAppliesItLive() {
        store::AppSettings settings;
        QCOMPARE(settings.theme(), QString("system"));
        settings.setTheme("dark");
        QCOMPARE(store::AppSettings().theme(), QString("dark"));
        settings.setTheme("purple");  // a newer version's choice follows the desktop here
        QCOMPARE(store::AppSettings().theme(), QString("system"));
        settings.setTheme("system");

        DesktopServices::Options options;
        options.databasePath = m_home.filePath("combo.sqlite");
        DesktopServices services(std::move(options));
        AppPreferencesPanel panel(services);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* combo = child<QComboBox>(panel, "themeCombo");
        QCOMPARE(combo->currentData().toString(), QString("system"));
        QApplication::setActiveWindow(&panel);
        combo->setFocus();
        // Keyboard choice as a user makes it: Down to "Light", Down to "Dark".
        QTest::keyClick(combo, Qt::Key_Down);
        QTest::keyClick(combo, Qt::Key_Down);
        QCOMPARE(combo->currentData().toString(), QString("dark"));
        QCOMPARE(store::AppSettings().theme(), QString("dark"));
        QVERIFY(isDarkTheme());  // no restart
        QVERIFY(isDarkPalette(panel.palette()));
        QTest::keyClick(combo, Qt::Key_Up);
        QCOMPARE(store::AppSettings().theme(), QString("light"));
        QVERIFY(!isDarkTheme());
    }

    void codeColoursMeetContrastInBothThemes() {
        for (const bool dark : {false, true}) {
            const QPalette palette = dark ? darkPalette() : lightPalette();
            const QColor background = palette.color(QPalette::Base);  // what code is drawn on
            const CodeHighlighter::Colours c = CodeHighlighter::colours(dark);
            for (const QColor& colour : {c.keyword, c.string, c.number, c.comment, c.key, palette.color(QPalette::Text)})
                QVERIFY2(contrastRatio(colour, background) >= 4.5,
                         qPrintable(QString("%1 on %2: %3").arg(colour.name(), background.name()).arg(contrastRatio(colour, background))));
        }

        // A code block on screen switches colours with the theme, live.
        applyTheme("light");
        CodeBlockWidget block;
        block.setCode("int x = 1;", "cpp");
        block.show();
        QVERIFY(QTest::qWaitForWindowExposed(&block));
        auto* view = child<QPlainTextEdit>(block, "codeView");
        const auto keywordColour = [&] {
            for (const auto& range : view->document()->firstBlock().layout()->formats())
                if (range.start == 0) return range.format.foreground().color();
            return QColor();
        };
        QCOMPARE(keywordColour(), CodeHighlighter::colours(false).keyword);
        applyTheme("dark");
        QVERIFY(isDarkPalette(view->palette()));
        QCOMPARE(keywordColour(), CodeHighlighter::colours(true).keyword);
    }

    void statusColoursAreReadableAndFollowASwitch() {
        QLabel label;
        showInlineStatus(label, "Could not reach the hub", true);
        for (const char* theme : {"light", "dark", "light"}) {
            applyTheme(theme);
            const QPalette p = QApplication::palette();
            for (const QColor& colour : {errorColor(), successColor(), warningColor()})
                for (const auto background : {QPalette::Window, QPalette::Base, QPalette::AlternateBase})
                    QVERIFY2(contrastRatio(colour, p.color(background)) >= 4.5,
                             qPrintable(QString("%1 on %2 (%3)").arg(colour.name(), p.color(background).name(), theme)));
            // The label shown before the switch takes the new theme's error colour.
            QCOMPARE(label.palette().color(QPalette::WindowText), errorColor());
        }
        showInlineStatus(label, "Done", false);
        QCOMPARE(label.palette().color(QPalette::WindowText), QApplication::palette().color(QPalette::WindowText));
    }

    void performanceChartDrawsInThePalette() {
        MetricsHistory history;
        MetricsSnapshot metrics;
        for (int i = 0; i <= 20; ++i) {
            metrics.generationTokens = uint64_t(i) * 30;
            metrics.kvBlocksTotal = 100;
            metrics.kvBlocksUsed = i * 4;
            history.add(i, metrics);
        }
        applyTheme("light");
        PerformanceView view(history);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto* chart = child<QChartView>(view, "performanceChart");
        const QImage light = chart->grab().toImage();
        applyTheme("dark");
        QApplication::processEvents();
        const QImage dark = chart->grab().toImage();
        // The chart's background is the page's: mostly light, then mostly dark.
        QVERIFY(shareLighterThan(light, 0.8) > 0.8);
        QVERIFY2(shareLighterThan(dark, 0.5) < 0.1, qPrintable(QString::number(shareLighterThan(dark, 0.5))));
        // Its text and lines stay readable on it.
        QVERIFY(contrastRatio(chart->chart()->axes().first()->labelsColor(), QApplication::palette().color(QPalette::Base)) >= 4.5);
        for (auto* series : chart->chart()->series()) {
            const QColor line = static_cast<QXYSeries*>(series)->pen().color();
            QVERIFY2(contrastRatio(line, QApplication::palette().color(QPalette::Base)) >= 3, qPrintable(line.name()));
        }
    }

    void darkMainWindowHasNoWhitePanels() {
        applyTheme("dark");  // as gui_main does, before the window exists
        checkDarkWindow("window.sqlite", false);
    }

    void switchingToDarkWithTheWindowOpenLeavesNoLightPanel() {
        applyTheme("light");
        checkDarkWindow("live.sqlite", true);
    }

private:
    // Every page of a main window is dark: under 2% light pixels, every scrolled area's
    // viewport dark. `live`: the window is built light and switched once shown.
    void checkDarkWindow(const QString& database, bool live) {
        DesktopServices::Options options;
        options.databasePath = m_home.filePath(database);
        DesktopServices services(std::move(options));
        services.settings().setFirstRunDone(true);
        MainWindow window(services);
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        if (live) {
            for (const auto page : {MainWindow::Page::Models, MainWindow::Page::Server, MainWindow::Page::Settings,
                                    MainWindow::Page::Chat}) {
                window.showPage(page);  // every page laid out and drawn light first
                QApplication::processEvents();
            }
            applyTheme("dark");
        }
        for (const auto page : {MainWindow::Page::Chat, MainWindow::Page::Models, MainWindow::Page::Server,
                                MainWindow::Page::Settings}) {
            window.showPage(page);
            QApplication::processEvents();
            const QImage image = window.grab().toImage();
            const QString name = QString::number(int(page));
            if (qEnvironmentVariableIsSet("THEME_TEST_SAVE")) image.save(qEnvironmentVariable("THEME_TEST_SAVE") + name + ".png");
            const double light = shareLighterThan(image, 0.7);
            QVERIFY2(light < 0.02, qPrintable(QString("page %1: %2 of the window is light").arg(name).arg(light)));
        }
        for (auto* area : window.findChildren<QAbstractScrollArea*>()) {
            const QWidget* viewport = area->viewport();
            QVERIFY2(viewport->palette().color(viewport->backgroundRole()).lightnessF() < 0.5,
                     qPrintable(area->objectName() + " " + area->metaObject()->className()));
        }
    }
};

QTEST_MAIN(ThemeTest)
#include "theme_test.moc"
