#include "app/gui_main.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTextStream>
#include <QTranslator>

#include "app/desktop/desktop_services.h"
#include "app/desktop/single_instance.h"
#include "ui/main_window.h"

namespace pagoda {

namespace {

bool displayAvailable() {
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

// English is the source language; anything else loads Pagoda's and Qt's own catalogs.
void installTranslations(QApplication& app, const QString& chosen) {
    const QLocale locale = chosen.isEmpty() ? QLocale::system() : QLocale(chosen);
    if (locale.language() == QLocale::English || locale.language() == QLocale::C) return;
    auto* pagoda = new QTranslator(&app);
    if (pagoda->load(locale, "pagoda", "_", ":/i18n")) app.installTranslator(pagoda);
    auto* qt = new QTranslator(&app);
    if (qt->load(locale, "qtbase", "_", QLibraryInfo::path(QLibraryInfo::TranslationsPath))) app.installTranslator(qt);
    QLocale::setDefault(locale);
}

}  // namespace

int runGui(int& argc, char** argv) {
#ifdef Q_OS_LINUX
    if (!displayAvailable()) {
        QTextStream(stderr) << "pagoda: no display to open the window on (DISPLAY is not set).\n"
                               "Run 'pagoda serve --model <id>' for the API, or 'pagoda --help' for every command.\n";
        return 1;
    }
#endif
    QApplication app(argc, argv);
    QApplication::setApplicationName("pagoda");
    QApplication::setApplicationDisplayName("Pagoda");
    QApplication::setApplicationVersion(PAGODA_VERSION);
    QApplication::setDesktopFileName("pagoda");

    SingleInstance instance;
    if (!instance.claim()) return 0;  // the running window comes to the front instead

    DesktopServices services;
    installTranslations(app, services.settings().language());
    services.downloads().resumePersisted();
    ui::MainWindow window(services);
    QObject::connect(&instance, &SingleInstance::activationRequested, &window, &ui::MainWindow::bringToFront);
    window.show();
    window.restoreSession();
    return app.exec();
}

}  // namespace pagoda
