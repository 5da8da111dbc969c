// The desktop app's switch for the OpenAI-compatible API: starts and stops an ApiServer on
// the loaded model with the Server page's settings, and keeps a bounded log of requests.
#pragma once

#include <QObject>
#include <QStringList>

#include <memory>

#include "app/api/api_server.h"
#include "app/store/app_settings.h"

namespace pagoda {

// The API's options for the Server page's settings; fails on a host that is not an address
// or a port out of range, saying which.
Result<ApiServerOptions> apiServerOptions(const store::ServerSettings& settings);
// Listening beyond this computer with no key: anyone on the network may use the model.
bool exposedWithoutKey(const store::ServerSettings& settings);

class ServerController : public QObject {
    Q_OBJECT
public:
    explicit ServerController(EngineHost& host, QObject* parent = nullptr);
    ~ServerController() override;

    // Fails (and stays stopped) when the address cannot be bound; the message says why.
    Status start(const store::ServerSettings& settings);
    void stop();
    // The model id clients send and /v1/models lists: the library id ("Qwen/Qwen3-8B"), not the
    // folder name (a commit hash for a Hugging Face cache). Takes effect on the next start().
    void setServedModelName(const QString& name) { m_servedModelName = name; }
    QString servedModelName() const;  // the name set, else the loaded model's folder name
    const store::ServerSettings& settings() const { return m_settings; }
    bool isRunning() const;
    quint16 port() const;          // the bound port while running
    QString baseUrl() const;       // http://<host>:<port>/v1 while running (host as a client dials it)
    QStringList log() const { return m_log; }  // newest last, at most kMaxLogLines
    // The base URL a client on this computer dials for a server on host:port (0.0.0.0 -> 127.0.0.1).
    static QString baseUrlFor(const QString& host, quint16 port);

    static constexpr int kMaxLogLines = 500;
    static QString generateApiKey();  // "sk-pagoda-" + 32 random hex digits

signals:
    void runningChanged(bool running);
    // start() failed; also for starts the user did not click (auto-start, a model reload).
    void startFailed(const QString& message);
    void requestLogged(const QString& line);

private:
    EngineHost& m_host;
    std::unique_ptr<ApiServer> m_server;
    store::ServerSettings m_settings;
    QString m_servedModelName;
    QStringList m_log;
};

}  // namespace pagoda
