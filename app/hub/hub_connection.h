// How Pagoda talks to one hub: its base URL, its token, and the rules that keep the token
// where it belongs. Redirects are followed here by hand, one hop at a time, so credentials
// go to the hub's own host and never to a CDN a redirect points at (hub-apis.md §1.5, §2.7);
// 429, 5xx and network failures that may pass are retried with exponential backoff,
// honouring Retry-After; an unknown host, a refusal, TLS and proxy failures are not.
#pragma once

#include <atomic>
#include <chrono>

#include <QString>
#include <QUrl>

#include "app/hub/http_client.h"
#include "app/hub/hub_types.h"

namespace pagoda::hub {

struct HubEndpoint {
    HubKind kind = HubKind::HuggingFace;
    QUrl baseUrl;       // https://huggingface.co, a mirror, https://www.modelscope.cn, or a test server
    QString token;      // empty: anonymous
    bool isMirror = false;  // a third party (hf-mirror.com): the token is never sent to it

    static QUrl officialUrl(HubKind kind);
    static QUrl huggingFaceMirrorUrl();  // https://hf-mirror.com
    // HF_ENDPOINT / HF_TOKEN (or $HF_HOME/token); MODELSCOPE_ENDPOINT (a full URL) or
    // MODELSCOPE_DOMAIN (a host, as the modelscope SDK takes it) / MODELSCOPE_API_TOKEN.
    static HubEndpoint fromEnvironment(HubKind kind);
    // fromEnvironment, or for Hugging Face with mirror set, https://hf-mirror.com (never
    // trusted with the token): what `--hub X [--mirror]` and the app's hub switch mean.
    static HubEndpoint forChoice(HubKind kind, bool mirror);
};

struct RetryPolicy {
    int maxAttempts = 5;  // consecutive failures without progress
    std::chrono::milliseconds firstDelay{1000};
    std::chrono::milliseconds maxDelay{8000};

    // firstDelay doubling up to maxDelay; a server's Retry-After (seconds) wins when given.
    std::chrono::milliseconds delayBefore(int attempt, const QByteArray& retryAfter) const;
};

// Waits up to `delay`, returning early (false) when `stop` becomes true.
bool sleepUnlessStopped(std::chrono::milliseconds delay, const std::atomic<bool>* stop);

// 408, 429 and 5xx: worth asking again after a pause.
bool isRetryableStatus(int status);

class HubConnection {
public:
    explicit HubConnection(HubEndpoint endpoint, RetryPolicy retry = {});

    const HubEndpoint& endpoint() const { return m_endpoint; }
    const RetryPolicy& retryPolicy() const { return m_retry; }

    // The URL of a path on the hub ("/api/models"), with an optional query already encoded.
    QUrl url(const QString& path, const QString& encodedQuery = {}) const;

    // Credentials belong on a request only when it goes to the hub's own scheme, host and
    // port, and the hub is not a third-party mirror.
    bool sendsCredentialsTo(const QUrl& url) const;
    HttpRequest requestFor(const QUrl& url, const QByteArray& method = "GET") const;

    // An API call: redirects followed by hand (at most 10 hops), transient failures retried.
    // Any final status is returned as a response; only transport failures are errors, with
    // their kind (network_failure.h).
    HubResult<HttpResponse> call(const QByteArray& method, const QUrl& url, const QByteArray& body = {},
                              const HttpHeaders& extraHeaders = {}, const std::atomic<bool>* stop = nullptr) const;

private:
    HubEndpoint m_endpoint;
    RetryPolicy m_retry;
};

// Resolves a Location header against the URL that answered with it (relative 307s).
QUrl redirectTarget(const HttpResponse& response);

}  // namespace pagoda::hub
