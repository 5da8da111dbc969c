// One HTTP exchange over libcurl, nothing more: no redirects followed (the hub layer
// decides per hop where credentials may go), no Accept-Encoding sent (so Range answers
// are never recompressed), TLS always verified, proxies from HTTPS_PROXY/NO_PROXY as
// libcurl reads them. Blocking: call it from a worker thread.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <QByteArray>
#include <QUrl>

#include "app/hub/network_failure.h"
#include "engine/common/result.h"

namespace pagoda::hub {

using HttpHeaders = std::vector<std::pair<QByteArray, QByteArray>>;

struct HttpRequest {
    QByteArray method = "GET";
    QUrl url;
    HttpHeaders headers;
    QByteArray body;
    int connectTimeoutSeconds = 15;
    int stallSeconds = 30;       // no byte for this long ends the transfer as Stalled (the watchdog)
    int totalTimeoutSeconds = 0;  // 0: none (downloads take what they take)
};

struct HttpResponse {
    int status = 0;
    QUrl url;
    HttpHeaders headers;  // names lower-cased
    QByteArray body;      // empty when a sink consumed it

    QByteArray header(const QByteArray& lowerCaseName) const;
};

struct HttpFailure {
    FailureKind kind = FailureKind::Other;  // from libcurl's code: offline, refused, TLS, proxy, …
    std::string message;  // names the URL and what went wrong
};

// Streams a body instead of buffering it. onHeaders sees the status and headers before
// any byte of the body; returning false from any callback aborts the exchange (Aborted).
struct HttpSink {
    std::function<bool(const HttpResponse&)> onHeaders;
    std::function<bool(const char* data, size_t size)> onData;
    std::function<bool()> keepGoing;  // polled about once a second and on every chunk
};

// Without a sink the body is buffered, up to maxBufferedBytes (answers from a hostile or
// broken server cannot exhaust memory).
Result<HttpResponse, HttpFailure> httpSend(const HttpRequest& request, HttpSink* sink = nullptr,
                                           size_t maxBufferedBytes = size_t(64) << 20);

}  // namespace pagoda::hub
