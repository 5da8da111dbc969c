#include "app/desktop/desktop_services.h"

#include "app/chat/local_chat_generator.h"
#include "app/chat/remote_chat_generator.h"

namespace pagoda {

namespace {

// Downloads go through the hub the model browser is switched to (the mirror included),
// unless the caller chose endpoints itself (tests). Read afresh: the queue asks on its pool.
hub::DownloadQueue::Options withHubSwitch(hub::DownloadQueue::Options options, bool callerChose) {
    if (callerChose) return options;
    options.endpointFor = [](hub::HubKind kind) {
        return hub::HubEndpoint::forChoice(kind, store::AppSettings().hub() == "mirror");
    };
    return options;
}

}  // namespace

DesktopServices::DesktopServices(Options options, QObject* parent)
    : QObject(parent),
      m_library(std::move(options.library)),
      m_store(std::make_unique<store::StoreThread>(options.databasePath.isEmpty() ? store::ConversationStore::defaultPath()
                                                                                  : options.databasePath)),
      m_host(std::make_unique<EngineHost>()),
      m_loader(std::make_unique<ModelLoader>(*m_host)),
      m_server(std::make_unique<ServerController>(*m_host)),
      m_downloads(std::make_unique<hub::DownloadQueue>(withHubSwitch(std::move(options.downloads), options.customEndpoints))),
      m_local(std::make_unique<chat::LocalChatGenerator>(*m_host)),
      m_remote(std::make_unique<chat::RemoteChatGenerator>()) {
    // Whatever was loaded last comes back, so the API and chats resume where they were.
    connect(m_loader.get(), &ModelLoader::loadFinished, this, [this](bool ok) {
        if (!ok || !m_loader->model()) return;
        m_settings.setLastModel(m_loader->model()->folder);
        // Clients name the model by its library id; a running API picks up the new model's
        // name by binding again (a few milliseconds; requests of the old model were ended).
        m_server->setServedModelName(m_loader->model()->id);
        if (m_server->isRunning()) (void)m_server->start(store::ServerSettings(m_server->settings()));  // errors: startFailed
    });
}

// The server and generators go before the host they talk to; pending store writes are
// finished by the StoreThread's destructor.
DesktopServices::~DesktopServices() {
    m_server.reset();
    m_local.reset();
    m_remote.reset();
    m_loader.reset();
    m_host.reset();
}

chat::ChatGenerator* DesktopServices::generatorFor(const store::GenerationSettings& settings) {
    return settings.endpointUrl.trimmed().isEmpty() ? m_local.get() : m_remote.get();
}

}  // namespace pagoda
