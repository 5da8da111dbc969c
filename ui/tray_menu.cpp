#include "ui/tray_menu.h"

#include "app/desktop/desktop_services.h"

namespace pagoda::ui {

TrayMenu::TrayMenu(DesktopServices& services, QWidget* parent) : QMenu(parent), m_services(services) {
    setObjectName("trayMenu");
    m_model = addAction(QString());
    m_model->setObjectName("trayModel");
    m_model->setEnabled(false);
    m_api = addAction(QString());
    m_api->setObjectName("trayApi");
    m_api->setEnabled(false);
    m_apiSwitch = addAction(QString(), this, &TrayMenu::switchApi);
    m_apiSwitch->setObjectName("trayApiSwitch");
    addSeparator();
    QAction* newChat = addAction(tr("New chat"), this, &TrayMenu::newChatRequested);
    newChat->setObjectName("trayNewChat");
    QAction* open = addAction(tr("Open Pagoda"), this, &TrayMenu::openRequested);
    open->setObjectName("trayOpen");
    addSeparator();
    QAction* quit = addAction(tr("Quit"), this, &TrayMenu::quitRequested);
    quit->setObjectName("trayQuit");

    connect(&services.loader(), &ModelLoader::stateChanged, this, [this] {
        showModelState();
        showApiState();  // starting needs a loaded model
    });
    connect(&services.server(), &ServerController::runningChanged, this, [this] {
        m_apiError.clear();
        showApiState();
    });
    connect(&services.server(), &ServerController::startFailed, this, [this](const QString& message) {
        m_apiError = message;
        showApiState();
    });
    showModelState();
    showApiState();
}

void TrayMenu::showModelState() {
    const ModelLoader& loader = m_services.loader();
    const QString id = loader.model() ? loader.model()->id : QString();
    switch (loader.state()) {
    case ModelLoader::State::Empty: m_model->setText(tr("No model loaded")); break;
    case ModelLoader::State::Loading: m_model->setText(tr("Loading %1…").arg(id)); break;
    case ModelLoader::State::Loaded: m_model->setText(tr("Model: %1").arg(id)); break;
    case ModelLoader::State::Failed:
        m_model->setText(id.isEmpty() ? tr("No model loaded") : tr("%1 did not load").arg(id));
        break;
    }
}

void TrayMenu::showApiState() {
    const ServerController& server = m_services.server();
    const bool running = server.isRunning();
    if (running)
        m_api->setText(tr("API on at %1").arg(server.baseUrl()));
    else if (!m_apiError.isEmpty())
        m_api->setText(tr("API off: %1").arg(m_apiError));
    else
        m_api->setText(tr("API off"));
    m_apiSwitch->setText(running ? tr("Stop the API") : tr("Start the API"));
    // As on the Server page: stopping is always allowed, starting needs a model to serve.
    m_apiSwitch->setEnabled(running || m_services.loader().state() == ModelLoader::State::Loaded);
}

// With the Server page's saved settings, as its switch does; a failure arrives as startFailed.
void TrayMenu::switchApi() {
    ServerController& server = m_services.server();
    if (server.isRunning())
        server.stop();
    else
        (void)server.start(m_services.settings().server());
}

}  // namespace pagoda::ui
