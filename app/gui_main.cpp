#include "app/gui_main.h"

#include <QApplication>
#include <QTextStream>

#include "app/desktop/desktop_services.h"
#include "app/desktop/single_instance.h"
#include "app/desktop/translations.h"
#include "ui/main_window.h"

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
