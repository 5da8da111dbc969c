// The OpenAI-compatible HTTP API (plus /tokenize, /detokenize, /health, /version and
// Prometheus /metrics) over one EngineHost. It lives on the thread of its QObject; engine
// outputs reach it through the host's queued signals, so it never blocks and never runs on
// the engine thread. The desktop app and `pagoda serve` use this same service.
#pragma once

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QStringList>

#include <map>
#include <memory>

#include "app/api/http/responder.h"
#include "app/api/http/server_limits.h"
#include "app/api/openai_protocol.h"
#include "app/host/engine_host.h"

namespace pagoda {

namespace http {
class Server;
}
using HttpRequest = http::Request;
using HttpResponder = http::Responder;

struct ApiServerOptions {
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 8000;                 // 0: any free port (tests)
    QStringList apiKeys;                 // empty: no key needed
    QStringList servedModelNames;        // empty: the model directory's name
    QStringList allowedOrigins;          // CORS allow-list; empty: CORS off; "*" allows any
    QStringList allowedHosts{};          // Host names a loopback server answers besides its own; "*": any
    size_t maxBodyBytes = size_t(32) << 20;
    http::ServerLimits limits{};         // sizes, timeouts and connections

    // Anyone who can reach the address may use the model: worth a warning wherever it starts.
    bool exposedWithoutKey() const { return !host.isLoopback() && apiKeys.isEmpty(); }
};

class ApiServer : public QObject {
    Q_OBJECT

public:
    ApiServer(EngineHost& host, ApiServerOptions options, QObject* parent = nullptr);
    ~ApiServer() override;

    Status start();  // listens; fails if the address cannot be bound
    void stop();     // aborts what is in flight and closes the listener
    bool isRunning() const { return m_http != nullptr; }
    quint16 port() const { return m_port; }
    size_t activeRequests() const { return m_active.size(); }
    int openConnections() const;

signals:
    // One line per finished request: method, path, status, tokens, duration.
    void requestLogged(const QString& line);

private:
    struct Active;  // a request in the engine: how to answer it as outputs arrive

    void dispatch(const HttpRequest& request, HttpResponder&& responder);
    void chatCompletions(const HttpRequest& request, HttpResponder&& responder);
    void completions(const HttpRequest& request, HttpResponder&& responder);
    void tokenize(const HttpRequest& request, HttpResponder&& responder);
    void detokenize(const HttpRequest& request, HttpResponder&& responder);
    bool models(const HttpRequest& request, HttpResponder&& responder, const QString& id);  // false: answered with an error
    void metricsText(HttpResponder&& responder);
    // Ollama's API (ollama_api.cpp), for plugins that speak it.
    void ollamaTags(const HttpRequest& request, HttpResponder&& responder);
    void ollamaShow(const HttpRequest& request, HttpResponder&& responder);
    void ollamaChat(const HttpRequest& request, HttpResponder&& responder);
    void ollamaGenerate(const HttpRequest& request, HttpResponder&& responder);
    void ollamaStream(Active& active, const CompletionOutput& output, int choiceIndex);
    void ollamaComplete(Active& active);

    void onOutput(const RequestOutput& output);
    void onRejected(const QString& requestId, const QString& message);
    // Starts answering: the engine requests are submitted, the responder is kept.
    void begin(std::shared_ptr<Active> active, HttpResponder&& responder, const HttpRequest& request,
               std::vector<std::vector<int32_t>> prompts, const SamplingParams& params);
    void streamOutput(Active& active, const CompletionOutput& output, int choiceIndex);
    void complete(Active& active);
    std::string tokenText(int32_t id) const;

    ApiResult<nlohmann::ordered_json> readBody(const HttpRequest& request) const;
    bool authorized(const HttpRequest& request) const;
    bool knownModel(const std::string& model) const;
    std::string servedModelName() const;
    // A 403 when the Host or Origin header names what this server must not answer.
    std::optional<ApiError> refusedOrigin(const HttpRequest& request) const;
    bool originAllowed(const QByteArray& origin) const;  // a page of this machine, or on --allowed-origins
    http::HeaderList corsHeaders(const HttpRequest& request) const;
    void sendJson(HttpResponder& responder, const HttpRequest& request, int status,
                  const nlohmann::ordered_json& body, const http::HeaderList& extraHeaders = {});
    void sendError(HttpResponder& responder, const HttpRequest& request, const ApiError& error,
                   const http::HeaderList& extraHeaders = {});
    void log(const std::string& method, const QString& path, int status, size_t tokens, qint64 ms);

    EngineHost& m_host;
    ApiServerOptions m_options;
    std::unique_ptr<http::Server> m_http;
    quint16 m_port = 0;
    struct EngineRequest {
        std::shared_ptr<Active> active;
        int promptIndex = 0;
        Usage usage;
    };
    std::map<std::string, EngineRequest> m_active;  // by engine request id
    int64_t m_created = 0;
};

}  // namespace pagoda
