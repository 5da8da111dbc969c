#include "app/api/api_server.h"

#include <QDateTime>
#include <QUrl>

#include <fmt/format.h>

#include "app/api/http/server.h"
#include "app/api/prometheus.h"

namespace pagoda {

using nlohmann::ordered_json;

namespace {

// Constant-time comparison, so a wrong key's timing tells nothing about the right one.
bool sameKey(const QByteArray& a, const QByteArray& b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < a.size(); ++i) diff |= uchar(a[i]) ^ uchar(b[i % std::max<qsizetype>(b.size(), 1)]);
    return diff == 0;
}

QByteArray headerValue(const HttpRequest& request, std::string_view name) {
    const std::string_view value = request.header(name);
    return QByteArray(value.data(), qsizetype(value.size()));
}

// The host part of a Host header ("localhost:8000", "[::1]:8000", "127.0.0.1"), lower-cased.
QString hostName(const QByteArray& hostHeader) {
    QString host = QString::fromLatin1(hostHeader).toLower();
    if (host.startsWith('[')) return host.mid(1, host.indexOf(']') - 1);
    if (host.count(':') == 1) host.truncate(host.indexOf(':'));
    return host;
}

bool isLoopbackName(const QString& host) {
    if (host == "localhost" || host.endsWith(".localhost")) return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

// Origins a desktop's own tools use, allowed without --allowed-origins as Ollama allows
// them: pages served from this machine, and editor and app webviews.
bool isLocalOrigin(const QByteArray& origin) {
    const QUrl url(QString::fromLatin1(origin));
    const QString scheme = url.scheme().toLower();
    if (scheme == "http" || scheme == "https") return isLoopbackName(url.host().toLower()) || url.host() == "0.0.0.0";
    static const QStringList kAppSchemes = {"app", "file", "tauri", "vscode-webview", "vscode-file"};
    return kAppSchemes.contains(scheme);
}

}  // namespace

ApiServer::ApiServer(EngineHost& host, ApiServerOptions options, QObject* parent)
    : QObject(parent), m_host(host), m_options(std::move(options)) {
    connect(&m_host, &EngineHost::requestOutput, this, &ApiServer::onOutput);
    connect(&m_host, &EngineHost::requestRejected, this, &ApiServer::onRejected);
}

ApiServer::~ApiServer() { stop(); }

Status ApiServer::start() {
    if (m_http) return Ok{};
    http::ServerLimits limits = m_options.limits;
    limits.parser.maxBodyBytes = m_options.maxBodyBytes;
    auto server = std::make_unique<http::Server>(
        limits, [this](HttpRequest request, HttpResponder responder) { dispatch(request, std::move(responder)); },
        [](int status, const std::string& message) {
            return http::Response{status, "application/json", dumpJson(errorBody(apiError(status, message))), {}};
        });
    if (!server->listen(m_options.host, m_options.port))
        return makeError(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                                     m_options.host.toString().toStdString(), m_options.port));
    m_port = server->serverPort();
    m_http = std::move(server);
    m_created = QDateTime::currentSecsSinceEpoch();
    return Ok{};
}

void ApiServer::stop() {
    for (auto& [id, request] : m_active) m_host.abort(QString::fromStdString(id));
    m_active.clear();
    m_http.reset();
}

int ApiServer::openConnections() const { return m_http ? m_http->openConnections() : 0; }

std::string ApiServer::servedModelName() const {
    return m_options.servedModelNames.isEmpty() ? m_host.modelName().toStdString()
                                                : m_options.servedModelNames.front().toStdString();
}

bool ApiServer::knownModel(const std::string& model) const {
    if (model.empty() || model == servedModelName()) return true;
    return m_options.servedModelNames.contains(QString::fromStdString(model));
}

ApiResult<ordered_json> ApiServer::readBody(const HttpRequest& request) const {
    return parseJsonBody(request.body, m_options.maxBodyBytes);
}

bool ApiServer::authorized(const HttpRequest& request) const {
    if (m_options.apiKeys.isEmpty()) return true;
    const QByteArray header = headerValue(request, "Authorization").trimmed();
    if (!header.toLower().startsWith("bearer ")) return false;
    const QByteArray token = header.mid(7).trimmed();
    bool ok = false;
    for (const QString& key : m_options.apiKeys) ok |= sameKey(token, key.toUtf8());
    return ok;
}

std::optional<ApiError> ApiServer::refusedOrigin(const HttpRequest& request) const {
    // DNS rebinding: a web page whose name is made to resolve to 127.0.0.1 reaches a
    // loopback server with its own name as Host. A loopback server answers only to loopback
    // names (and --allowed-hosts); one on the network answers to any, as Ollama does.
    const QString host = hostName(headerValue(request, "Host"));
    const QStringList& hosts = m_options.allowedHosts;
    if (m_options.host.isLoopback() && !host.isEmpty() && !isLoopbackName(host) && !hosts.contains("*") &&
        !hosts.contains(host, Qt::CaseInsensitive))
        return apiError(403, fmt::format("Host '{}' is not allowed: this server listens on a loopback address; "
                                         "start it with --allowed-hosts to name others",
                                         host.toStdString()));
    // A browser names the page that sent a request; only allowed pages may use the model,
    // even by requests a browser sends without asking first (a text/plain POST).
    const QByteArray origin = headerValue(request, "Origin");
    if (origin.isEmpty() || originAllowed(origin)) return std::nullopt;
    return apiError(403, fmt::format("Origin '{}' is not allowed; start the server with --allowed-origins to let "
                                     "web pages use it",
                                     origin.left(200).toStdString()));
}

bool ApiServer::originAllowed(const QByteArray& origin) const {
    return isLocalOrigin(origin) || m_options.allowedOrigins.contains("*") ||
           m_options.allowedOrigins.contains(QString::fromLatin1(origin));
}

http::HeaderList ApiServer::corsHeaders(const HttpRequest& request) const {
    const QByteArray origin = headerValue(request, "Origin");
    if (origin.isEmpty() || !originAllowed(origin)) return {};
    return {{"Access-Control-Allow-Origin", origin.toStdString()},
            {"Vary", "Origin"},
            {"Access-Control-Allow-Methods", "GET, POST, OPTIONS"},
            {"Access-Control-Allow-Headers", "Authorization, Content-Type"}};
}

void ApiServer::log(const std::string& method, const QString& path, int status, size_t tokens, qint64 ms) {
    emit requestLogged(
        QString::fromStdString(fmt::format("{} {} {} {} tokens {} ms", method, path.toStdString(), status, tokens, ms)));
}

void ApiServer::sendJson(HttpResponder& responder, const HttpRequest& request, int status, const ordered_json& body,
                         const http::HeaderList& extraHeaders) {
    http::HeaderList headers = corsHeaders(request);
    headers.insert(headers.end(), extraHeaders.begin(), extraHeaders.end());
    responder.send({status, "application/json", dumpJson(body), std::move(headers)});
}

void ApiServer::sendError(HttpResponder& responder, const HttpRequest& request, const ApiError& error,
                          const http::HeaderList& extraHeaders) {
    sendJson(responder, request, error.status, errorBody(error), extraHeaders);
    log(request.method, QString::fromStdString(std::string(request.path())), error.status, 0, 0);
}

void ApiServer::dispatch(const HttpRequest& request, HttpResponder&& responder) {
    const QString path = QUrl::fromPercentEncoding(QByteArray::fromStdString(std::string(request.path())));
    const std::string& method = request.method;

    if (auto refused = refusedOrigin(request)) return sendError(responder, request, *refused);
    if (method == "OPTIONS") {  // CORS preflight, any route
        responder.send({204, {}, {}, corsHeaders(request)});
        return;
    }
    // With a key, every route needs it but the liveness and version probes: generation by
    // either dialect, tokenizing and /metrics too. vLLM guards only /v1, but it has no
    // keyless generation route; Ollama's /api/chat and /api/generate are one here.
    const bool openRoute = path == "/health" || path == "/version" || path == "/api/version";
    if (!openRoute && !authorized(request)) return sendError(responder, request, unauthorized());

    // HEAD is GET without the body (the transport leaves the body out).
    auto allowed = [&](const char* wanted) {
        if (method == wanted || (method == "HEAD" && std::string_view(wanted) == "GET")) return true;
        sendError(responder, request, apiError(405, fmt::format("{} does not accept {}", path.toStdString(), method)),
                  {{"Allow", std::string_view(wanted) == "GET" ? "GET, HEAD" : wanted}});
        return false;
    };
    // Reads are logged here; generations when they finish, errors where they are sent.
    auto logRead = [&](int status) { log(method, path, status, 0, 0); };
    if (path == "/health") {
        if (!allowed("GET")) return;
        const int status = m_host.isLoaded() ? 200 : 503;
        responder.send({status, {}, {}, corsHeaders(request)});
        return logRead(status);
    }
    if (path == "/version" || path == "/api/version") {
        if (!allowed("GET")) return;
        sendJson(responder, request, 200, {{"version", PAGODA_VERSION}});
        return logRead(200);
    }
    if (path == "/metrics") {
        if (!allowed("GET")) return;
        metricsText(std::move(responder));
        return logRead(200);
    }
    if (path == "/v1/models" || path.startsWith("/v1/models/")) {
        if (!allowed("GET")) return;
        if (models(request, std::move(responder), path.mid(int(strlen("/v1/models/"))))) logRead(200);
        return;
    }
    if (path == "/api/tags") {
        if (!allowed("GET")) return;
        ollamaTags(request, std::move(responder));
        return logRead(200);
    }
    if (path == "/api/show") {
        if (allowed("POST")) ollamaShow(request, std::move(responder));
        return;
    }
    if (path == "/api/chat" || path == "/api/generate") {
        if (!allowed("POST")) return;
        if (!m_host.isLoaded()) return sendError(responder, request, serviceUnavailable("no model is loaded"));
        return path == "/api/chat" ? ollamaChat(request, std::move(responder)) : ollamaGenerate(request, std::move(responder));
    }
    const bool engineRoute = path == "/v1/chat/completions" || path == "/v1/completions" || path == "/tokenize" ||
                             path == "/detokenize";
    if (!engineRoute) return sendError(responder, request, notFound(fmt::format("no route {}", path.toStdString())));
    if (!allowed("POST")) return;
    if (!m_host.isLoaded()) return sendError(responder, request, serviceUnavailable("no model is loaded"));
    if (path == "/v1/chat/completions") return chatCompletions(request, std::move(responder));
    if (path == "/v1/completions") return completions(request, std::move(responder));
    if (path == "/tokenize") return tokenize(request, std::move(responder));
    return detokenize(request, std::move(responder));
}

bool ApiServer::models(const HttpRequest& request, HttpResponder&& responder, const QString& id) {
    if (!m_host.isLoaded()) {
        sendJson(responder, request, 200, modelsList({}));
        return true;
    }
    std::vector<ordered_json> entries;
    QStringList names = m_options.servedModelNames;
    if (names.isEmpty()) names << m_host.modelName();
    for (const QString& name : names)
        entries.push_back(modelEntry(name.toStdString(), m_created, m_host.maxModelLen(), servedModelName()));
    if (id.isEmpty()) {
        sendJson(responder, request, 200, modelsList(entries));
        return true;
    }
    for (const auto& entry : entries)
        if (entry["id"] == id.toStdString()) {
            sendJson(responder, request, 200, entry);
            return true;
        }
    sendError(responder, request, modelNotFound(id.toStdString()));
    return false;  // logged as the error
}

void ApiServer::metricsText(HttpResponder&& responder) {
    responder.send({200, "text/plain; version=0.0.4", prometheusText(m_host.metrics(), servedModelName(), m_active.size()), {}});
}

}  // namespace pagoda
