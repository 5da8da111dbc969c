// Every service the desktop window uses, created once and owned here, so pages receive one
// reference and the tests can build the same set in temporary folders. Nothing here draws.
#pragma once

#include <QObject>

#include <memory>

#include "app/chat/chat_generator.h"
#include "app/host/engine_host.h"
#include "app/host/model_loader.h"
#include "app/host/server_controller.h"
#include "app/hub/download_queue.h"
#include "app/hub/model_library.h"
#include "app/store/app_settings.h"
#include "app/store/store_thread.h"

namespace pagoda {

class DesktopServices : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString databasePath;                 // empty: ConversationStore::defaultPath()
        hub::DownloadQueue::Options downloads;
        bool customEndpoints = false;         // keep downloads.endpointFor; else follow the hub switch
        hub::LibraryLocations library = hub::LibraryLocations::fromEnvironment();
    };
    explicit DesktopServices(Options options, QObject* parent = nullptr);
    DesktopServices() : DesktopServices(Options{}) {}
    ~DesktopServices() override;

    store::AppSettings& settings() { return m_settings; }
    store::StoreThread& store() { return *m_store; }
    EngineHost& host() { return *m_host; }
    ModelLoader& loader() { return *m_loader; }
    ServerController& server() { return *m_server; }
    hub::DownloadQueue& downloads() { return *m_downloads; }
    const hub::ModelLibrary& library() const { return m_library; }
    // The generator for a conversation's settings: the local model, or a remote endpoint.
    chat::ChatGenerator* generatorFor(const store::GenerationSettings& settings);

private:
    store::AppSettings m_settings;
    hub::ModelLibrary m_library;
    std::unique_ptr<store::StoreThread> m_store;
    std::unique_ptr<EngineHost> m_host;
    std::unique_ptr<ModelLoader> m_loader;
    std::unique_ptr<ServerController> m_server;
    std::unique_ptr<hub::DownloadQueue> m_downloads;
    std::unique_ptr<chat::ChatGenerator> m_local;
    std::unique_ptr<chat::ChatGenerator> m_remote;
};

}  // namespace pagoda
