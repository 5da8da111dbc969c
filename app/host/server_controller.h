// The desktop app's switch for the OpenAI-compatible API: starts and stops an ApiServer on
// the loaded model with the Server page's settings, and keeps a bounded log of requests.
#pragma once

#include <QObject>
#include <QStringList>

#include <memory>

#include "app/api/api_server.h"
#include "app/store/app_settings.h"

namespace pagoda {

class ServerController : public QObject {
    Q_OBJECT
public:
    explicit ServerController(EngineHost& host, QObject* parent = nullptr);
    ~ServerController() override;

    // Fails (and stays stopped) when the address cannot be bound; the message says why.
    Status start(const store::ServerSettings& settings);
    void stop();
    bool isRunning() const;
    quint16 port() const;          // the bound port while running
    QString baseUrl() const;       // http://<host>:<port>/v1 while running (host as a client dials it)
    QStringList log() const { return m_log; }  // newest last, at most kMaxLogLines

    static constexpr int kMaxLogLines = 500;
    static QString generateApiKey();  // "sk-pagoda-" + 32 random hex digits

signals:
    void runningChanged(bool running);
    void requestLogged(const QString& line);

private:
    EngineHost& m_host;
    std::unique_ptr<ApiServer> m_server;
    store::ServerSettings m_settings;
    QStringList m_log;
};

}  // namespace pagoda
