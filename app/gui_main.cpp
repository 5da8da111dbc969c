#include "app/gui_main.h"

#include <QApplication>
#include <QIcon>
#include <QTextStream>

#include "app/desktop/app_restart.h"
#include "app/desktop/desktop_services.h"
#include "app/desktop/single_instance.h"
#include "app/desktop/translations.h"
#include "ui/main_window.h"
#include "ui/theme.h"

namespace pagoda {

namespace {

bool displayAvailable() {
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

}  // namespace

int runGui(int& argc, char** argv) {
#ifdef Q_OS_LINUX
    if (!displayAvailable()) {
        QTextStream(stderr) << "pagoda: no display to open the window on (DISPLAY is not set).\n"
                               "Run 'pagoda serve --model pagoda/demo' for the API on the demo model (or another id from "
                               "'pagoda list'), or 'pagoda --help' for every command.\n";
        return 1;
    }
#endif
    QApplication app(argc, argv);
    QApplication::setApplicationName("pagoda");
    QApplication::setApplicationDisplayName("Pagoda");
    QApplication::setApplicationVersion(PAGODA_VERSION);
    // The installed .desktop file's name (installer/linux), by which Wayland compositors and
    // GNOME find the window's entry and icon.
    QApplication::setDesktopFileName(PAGODA_APP_ID);
    QIcon icon;
    for (const int size : {32, 64, 256}) icon.addFile(QString(":/icons/pagoda-%1.png").arg(size));
    QApplication::setWindowIcon(icon);

    SingleInstance instance;
    // After "Restart now" the old instance is still quitting: wait for it rather than wake it.
    if (!instance.claim(takeRestartMarker() ? kRestartWaitMs : 0)) return 0;  // the running window comes to the front instead

    DesktopServices services;
    installTranslations(app, services.settings().language());
    ui::applyTheme(services.settings().theme());  // before any window, so none starts light
    services.downloads().resumePersisted();
    ui::MainWindow window(services);
    QObject::connect(&instance, &SingleInstance::activationRequested, &window, &ui::MainWindow::bringToFront);
    window.show();
    window.restoreSession();
    return app.exec();
}

}  // namespace pagoda
