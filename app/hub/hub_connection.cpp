#include "app/hub/hub_connection.h"

#include <algorithm>
#include <thread>

#include <QDir>
#include <QFile>

namespace pagoda::hub {

QUrl HubEndpoint::officialUrl(HubKind kind) {
    return QUrl(kind == HubKind::HuggingFace ? "https://huggingface.co" : "https://www.modelscope.cn");
}

QUrl HubEndpoint::huggingFaceMirrorUrl() { return QUrl("https://hf-mirror.com"); }

namespace {

QString env(const char* name) { return qEnvironmentVariable(name).trimmed(); }

QString huggingFaceTokenFile() {
    QString home = env("HF_HOME");
    if (home.isEmpty()) {
        const QString cache = env("XDG_CACHE_HOME");
        home = (cache.isEmpty() ? QDir::homePath() + "/.cache" : cache) + "/huggingface";
    }
    QFile file(home + "/token");
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
}

}  // namespace

HubEndpoint HubEndpoint::forChoice(HubKind kind, bool mirror) {
    HubEndpoint endpoint = fromEnvironment(kind);
    if (mirror && kind == HubKind::HuggingFace) {
        endpoint.baseUrl = huggingFaceMirrorUrl();
        endpoint.isMirror = true;
    }
    return endpoint;
}

HubEndpoint HubEndpoint::fromEnvironment(HubKind kind) {
    HubEndpoint e;
    e.kind = kind;
    e.baseUrl = officialUrl(kind);
    if (kind == HubKind::HuggingFace) {
        // A user who sets HF_ENDPOINT chose that server (often a company's own hub), so it
        // gets the token as huggingface_hub gives it; only the known public mirror does not.
        if (const QString endpoint = env("HF_ENDPOINT"); !endpoint.isEmpty()) e.baseUrl = QUrl(endpoint);
        e.token = env("HF_TOKEN");
        if (e.token.isEmpty()) e.token = huggingFaceTokenFile();
        e.isMirror = e.baseUrl.host() == huggingFaceMirrorUrl().host();
    } else {
        if (const QString domain = env("MODELSCOPE_DOMAIN"); !domain.isEmpty()) e.baseUrl = QUrl("https://" + domain);
        if (const QString endpoint = env("MODELSCOPE_ENDPOINT"); !endpoint.isEmpty()) e.baseUrl = QUrl(endpoint);
        e.token = env("MODELSCOPE_API_TOKEN");
    }
    QString path = e.baseUrl.path();
    while (path.endsWith('/')) path.chop(1);
    e.baseUrl.setPath(path);
    return e;
}

std::chrono::milliseconds RetryPolicy::delayBefore(int attempt, const QByteArray& retryAfter) const {
    bool ok = false;
    const double seconds = retryAfter.trimmed().toDouble(&ok);
    if (ok && seconds >= 0) return std::chrono::milliseconds(qint64(std::min(seconds, 300.0) * 1000));
    auto delay = firstDelay;
    for (int i = 1; i < attempt && delay < maxDelay; ++i) delay *= 2;
    return std::min(delay, maxDelay);
}

bool sleepUnlessStopped(std::chrono::milliseconds delay, const std::atomic<bool>* stop) {
    const auto end = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < end) {
        if (stop && stop->load()) return false;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(50), end - std::chrono::steady_clock::now()));
    }
    return !(stop && stop->load());
}

bool isRetryableStatus(int status) { return status == 408 || status == 429 || status >= 500; }

HubConnection::HubConnection(HubEndpoint endpoint, RetryPolicy retry)
    : m_endpoint(std::move(endpoint)), m_retry(retry) {}

QUrl HubConnection::url(const QString& path, const QString& encodedQuery) const {
    QUrl u = m_endpoint.baseUrl;
    u.setPath(u.path() + path, QUrl::TolerantMode);
    if (!encodedQuery.isEmpty()) u.setQuery(encodedQuery, QUrl::TolerantMode);
    return u;
}

bool HubConnection::sendsCredentialsTo(const QUrl& url) const {
    const QUrl& base = m_endpoint.baseUrl;
    return !m_endpoint.token.isEmpty() && !m_endpoint.isMirror && url.scheme() == base.scheme() &&
           url.host().compare(base.host(), Qt::CaseInsensitive) == 0 &&
           url.port(url.scheme() == "https" ? 443 : 80) == base.port(base.scheme() == "https" ? 443 : 80);
}

HttpRequest HubConnection::requestFor(const QUrl& url, const QByteArray& method) const {
    HttpRequest r;
    r.method = method;
    r.url = url;
    if (sendsCredentialsTo(url)) {
        const QByteArray token = m_endpoint.token.toUtf8();
        r.headers.emplace_back("Authorization", "Bearer " + token);
        // ModelScope's older endpoints read the session cookie, newer ones the Bearer header.
        if (m_endpoint.kind == HubKind::ModelScope) r.headers.emplace_back("Cookie", "m_session_id=" + token);
    }
    return r;
}

QUrl redirectTarget(const HttpResponse& response) {
    const QByteArray location = response.header("location");
    if (location.isEmpty()) return {};
    return response.url.resolved(QUrl::fromEncoded(location, QUrl::TolerantMode));
}

HubResult<HttpResponse> HubConnection::call(const QByteArray& method, const QUrl& url, const QByteArray& body,
                                            const HttpHeaders& extraHeaders, const std::atomic<bool>* stop) const {
    HttpFailure lastFailure;
    for (int attempt = 1; attempt <= m_retry.maxAttempts; ++attempt) {
        QUrl target = url;
        QByteArray hopMethod = method;
        Result<HttpResponse, HttpFailure> answer = HttpFailure{};
        for (int hop = 0; hop < 10; ++hop) {
            HttpRequest request = requestFor(target, hopMethod);
            request.body = hopMethod == method ? body : QByteArray();
            request.totalTimeoutSeconds = 60;
            for (const auto& h : extraHeaders) request.headers.push_back(h);
            answer = httpSend(request);
            if (!answer || answer->status < 300 || answer->status >= 400) break;
            target = redirectTarget(*answer);
            if (!target.isValid()) break;
            if (answer->status == 303) hopMethod = "GET";
        }
        if (answer && answer->status >= 300 && answer->status < 400)
            return HubError(makeError(method.toStdString() + " " + url.toString().toStdString() + ": more than 10 redirects"),
                            FailureKind::HttpStatus, answer->status);
        QByteArray retryAfter;
        if (answer) {
            if (!isRetryableStatus(answer->status)) return std::move(answer).value();
            lastFailure = HttpFailure{FailureKind::Busy,
                                      url.toString().toStdString() + " answered HTTP " + std::to_string(answer->status)};
            retryAfter = answer->header("retry-after");
            if (attempt == m_retry.maxAttempts) return std::move(answer).value();
        } else {
            lastFailure = answer.error();
            // Asking again in a second cannot bring a host name or a listener into being:
            // the person sees the failure now, with a Retry, rather than in 15 s.
            if (!isWorthRetrying(lastFailure.kind)) return HubError(makeError(lastFailure.message), lastFailure.kind);
        }
        if (attempt < m_retry.maxAttempts && !sleepUnlessStopped(m_retry.delayBefore(attempt, retryAfter), stop))
            return HubError(makeError("stopped"), FailureKind::Stopped);
    }
    return HubError(makeError(lastFailure.message + " (gave up after " + std::to_string(m_retry.maxAttempts) + " attempts)"),
                    lastFailure.kind);
}

}  // namespace pagoda::hub
