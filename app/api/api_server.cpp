#include "app/api/api_server.h"

#include <QDateTime>
#include <QTcpSocket>
#include <QUrl>

#include <fmt/format.h>

#include "app/api/http_server.h"
#include "app/api/chunked_stream.h"
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

std::string methodName(QHttpServerRequest::Method m) {
    switch (m) {
        case QHttpServerRequest::Method::Get: return "GET";
        case QHttpServerRequest::Method::Post: return "POST";
        case QHttpServerRequest::Method::Options: return "OPTIONS";
        case QHttpServerRequest::Method::Put: return "PUT";
        case QHttpServerRequest::Method::Delete: return "DELETE";
        case QHttpServerRequest::Method::Head: return "HEAD";
        case QHttpServerRequest::Method::Patch: return "PATCH";
        default: return "OTHER";
    }
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
    auto http = std::make_unique<HttpServer>(
        [this](const QHttpServerRequest& request, QHttpServerResponder&& responder) {
            dispatch(request, std::move(responder));
        });
    const quint16 port = http->listen(m_options.host, m_options.port);
    if (port == 0)
        return makeError(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                                     m_options.host.toString().toStdString(), m_options.port));
    m_port = port;
    m_http = std::move(http);
    m_created = QDateTime::currentSecsSinceEpoch();
    return Ok{};
}

void ApiServer::stop() {
    for (auto& [id, request] : m_active) m_host.abort(QString::fromStdString(id));
    m_active.clear();
    m_http.reset();
}

std::string ApiServer::servedModelName() const {
    return m_options.servedModelNames.isEmpty() ? m_host.modelName().toStdString()
                                                : m_options.servedModelNames.front().toStdString();
}

bool ApiServer::knownModel(const std::string& model) const {
    if (model.empty() || model == servedModelName()) return true;
    return m_options.servedModelNames.contains(QString::fromStdString(model));
}

ApiResult<ordered_json> ApiServer::readBody(const QHttpServerRequest& request) const {
    const QByteArray body = request.body();
    return parseJsonBody(std::string_view(body.constData(), size_t(body.size())), m_options.maxBodyBytes);
}

bool ApiServer::authorized(const QHttpServerRequest& request) const {
    if (m_options.apiKeys.isEmpty()) return true;
    const QByteArray header = request.value("Authorization").trimmed();
    if (!header.toLower().startsWith("bearer ")) return false;
    const QByteArray token = header.mid(7).trimmed();
    bool ok = false;
    for (const QString& key : m_options.apiKeys) ok |= sameKey(token, key.toUtf8());
    return ok;
}

QList<QPair<QByteArray, QByteArray>> ApiServer::corsHeaders(const QHttpServerRequest& request) const {
    const QByteArray origin = request.value("Origin");
    if (origin.isEmpty() || m_options.allowedOrigins.isEmpty()) return {};
    if (!m_options.allowedOrigins.contains("*") && !m_options.allowedOrigins.contains(QString::fromUtf8(origin))) return {};
    return {{"Access-Control-Allow-Origin", origin},
            {"Vary", "Origin"},
            {"Access-Control-Allow-Methods", "GET, POST, OPTIONS"},
            {"Access-Control-Allow-Headers", "Authorization, Content-Type"}};
}

void ApiServer::log(QHttpServerRequest::Method method, const QString& path, int status, size_t tokens, qint64 ms) {
    emit requestLogged(QString::fromStdString(
        fmt::format("{} {} {} {} tokens {} ms", methodName(method), path.toStdString(), status, tokens, ms)));
}

void ApiServer::sendJson(QHttpServerResponder& responder, const QHttpServerRequest& request, int status,
                         const ordered_json& body) {
    writeResponse(responder, status, "application/json", toQByteArray(dumpJson(body)), corsHeaders(request));
}

void ApiServer::sendError(QHttpServerResponder& responder, const QHttpServerRequest& request, const ApiError& error) {
    sendJson(responder, request, error.status, errorBody(error));
    log(request.method(), request.url().path(), error.status, 0, 0);
}

void ApiServer::dispatch(const QHttpServerRequest& request, QHttpServerResponder&& responder) {
    using Method = QHttpServerRequest::Method;
    const QString path = request.url().path();
    const Method method = request.method();

    if (method == Method::Options) {  // CORS preflight, any route
        writeResponse(responder, 204, {}, {}, corsHeaders(request));
        return;
    }
    // With a key, every route needs it but the liveness and version probes: generation by
    // either dialect, tokenizing and /metrics too. vLLM guards only /v1, but it has no
    // keyless generation route; Ollama's /api/chat and /api/generate are one here.
    const bool openRoute = path == "/health" || path == "/version" || path == "/api/version";
    if (!openRoute && !authorized(request)) return sendError(responder, request, unauthorized());

    struct Route {
        const char* path;
        Method method;
    };
    auto allowed = [&](Method m) {
        if (method == m) return true;
        sendError(responder, request, apiError(405, fmt::format("{} does not accept {}", path.toStdString(),
                                                               methodName(method))));
        return false;
    };
    // Reads are logged here; generations when they finish, errors where they are sent.
    auto logRead = [&](int status) { log(method, path, status, 0, 0); };
    if (path == "/health") {
        if (!allowed(Method::Get)) return;
        const int status = m_host.isLoaded() ? 200 : 503;
        writeResponse(responder, status, {}, {});
        return logRead(status);
    }
    if (path == "/version") {
        if (!allowed(Method::Get)) return;
        sendJson(responder, request, 200, {{"version", PAGODA_VERSION}});
        return logRead(200);
    }
    if (path == "/metrics") {
        if (!allowed(Method::Get)) return;
        metricsText(std::move(responder));
        return logRead(200);
    }
    if (path == "/v1/models" || path.startsWith("/v1/models/")) {
        if (!allowed(Method::Get)) return;
        if (models(request, std::move(responder), path.mid(int(strlen("/v1/models/"))))) logRead(200);
        return;
    }
    if (path == "/api/version") {
        if (!allowed(Method::Get)) return;
        sendJson(responder, request, 200, {{"version", PAGODA_VERSION}});
        return logRead(200);
    }
    if (path == "/api/tags") {
        if (!allowed(Method::Get)) return;
        ollamaTags(request, std::move(responder));
        return logRead(200);
    }
    if (path == "/api/show") {
        if (allowed(Method::Post)) ollamaShow(request, std::move(responder));
        return;
    }
    if (path == "/api/chat" || path == "/api/generate") {
        if (!allowed(Method::Post)) return;
        if (!m_host.isLoaded()) return sendError(responder, request, serviceUnavailable("no model is loaded"));
        return path == "/api/chat" ? ollamaChat(request, std::move(responder)) : ollamaGenerate(request, std::move(responder));
    }
    const bool engineRoute = path == "/v1/chat/completions" || path == "/v1/completions" || path == "/tokenize" ||
                             path == "/detokenize";
    if (!engineRoute) return sendError(responder, request, notFound(fmt::format("no route {}", path.toStdString())));
    if (!allowed(Method::Post)) return;
    if (!m_host.isLoaded()) return sendError(responder, request, serviceUnavailable("no model is loaded"));
    if (path == "/v1/chat/completions") return chatCompletions(request, std::move(responder));
    if (path == "/v1/completions") return completions(request, std::move(responder));
    if (path == "/tokenize") return tokenize(request, std::move(responder));
    return detokenize(request, std::move(responder));
}

bool ApiServer::models(const QHttpServerRequest& request, QHttpServerResponder&& responder, const QString& id) {
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

void ApiServer::metricsText(QHttpServerResponder&& responder) {
    const std::string text = prometheusText(m_host.metrics(), servedModelName(), m_active.size());
    writeResponse(responder, 200, "text/plain; version=0.0.4", toQByteArray(text));
}

}  // namespace pagoda
