#include "app/hub/http_client.h"

#include <memory>
#include <mutex>

#include <curl/curl.h>

namespace pagoda::hub {

QByteArray HttpResponse::header(const QByteArray& lowerCaseName) const {
    for (const auto& [name, value] : headers)
        if (name == lowerCaseName) return value;
    return {};
}

namespace {

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

void initCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Exchange {
    CURL* curl = nullptr;
    HttpResponse response;
    HttpSink* sink = nullptr;
    size_t maxBuffered = 0;
    bool headersDelivered = false;
    bool sinkRefused = false;
    bool tooLarge = false;

    // With redirects off there is one response, but a 1xx interim one may precede it.
    bool deliverHeaders() {
        if (headersDelivered) return true;
        headersDelivered = true;
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        response.status = int(status);
        if (sink && sink->onHeaders && !sink->onHeaders(response)) sinkRefused = true;
        return !sinkRefused;
    }
};

size_t onHeaderLine(char* data, size_t size, size_t count, void* user) {
    auto& x = *static_cast<Exchange*>(user);
    const QByteArray line = QByteArray(data, qsizetype(size * count)).trimmed();
    if (line.startsWith("HTTP/")) {
        x.response.headers.clear();
    } else if (line.isEmpty()) {
        long status = 0;
        curl_easy_getinfo(x.curl, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && !x.deliverHeaders()) return 0;
    } else if (const qsizetype colon = line.indexOf(':'); colon > 0) {
        x.response.headers.emplace_back(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    return size * count;
}

size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto& x = *static_cast<Exchange*>(user);
    const size_t n = size * count;
    if (!x.deliverHeaders()) return 0;
    if (x.sink) {
        if (x.sink->onData && !x.sink->onData(data, n)) {
            x.sinkRefused = true;
            return 0;
        }
        return n;
    }
    if (size_t(x.response.body.size()) + n > x.maxBuffered) {
        x.tooLarge = true;
        return 0;
    }
    x.response.body.append(data, qsizetype(n));
    return n;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto& x = *static_cast<Exchange*>(user);
    if (x.sink && x.sink->keepGoing && !x.sink->keepGoing()) {
        x.sinkRefused = true;
        return 1;
    }
    return 0;
}

// Whether libcurl will send this URL through a proxy it read from the environment (as curl
// reads them: lower-case http_proxy only, either case otherwise; NO_PROXY by host suffix).
bool proxyConfiguredFor(const QUrl& url) {
    const auto set = [](const char* name) { return !qEnvironmentVariableIsEmpty(name); };
    const bool https = url.scheme() == "https";
    if (!(https ? set("https_proxy") || set("HTTPS_PROXY") : set("http_proxy")) && !set("all_proxy") && !set("ALL_PROXY"))
        return false;
    QString noProxy = qEnvironmentVariable("no_proxy");
    if (noProxy.isEmpty()) noProxy = qEnvironmentVariable("NO_PROXY");
    const QString host = url.host().toLower();
    for (QString entry : noProxy.split(',', Qt::SkipEmptyParts)) {
        entry = entry.trimmed().toLower();
        if (entry.startsWith('.')) entry.remove(0, 1);
        if (entry == "*" || host == entry || host.endsWith("." + entry)) return false;
    }
    return true;
}

}  // namespace

Result<HttpResponse, HttpFailure> httpSend(const HttpRequest& request, HttpSink* sink, size_t maxBufferedBytes) {
    initCurlOnce();
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return HttpFailure{FailureKind::Other, "libcurl could not start a transfer"};
    Exchange x{curl.get(), {}, sink, maxBufferedBytes};
    x.response.url = request.url;
    const QByteArray url = request.url.toEncoded();

    std::unique_ptr<curl_slist, CurlDeleter> headers;
    for (const auto& [name, value] : request.headers) {
        const QByteArray line = name + ": " + value;
        headers.reset(curl_slist_append(headers.release(), line.constData()));
    }
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.constData());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "pagoda/" PAGODA_VERSION);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, long(request.connectTimeoutSeconds));
    curl_easy_setopt(c, CURLOPT_TIMEOUT, long(request.totalTimeoutSeconds));
    // The watchdog: fewer than 1 byte/s for stallSeconds ends the transfer, so a
    // connection that went silent is reconnected and resumed instead of waited on forever.
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, long(request.stallSeconds));
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, onHeaderLine);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
    if (request.method == "HEAD") {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (request.method != "GET") {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.constData());
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.constData());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, long(request.body.size()));
    }

    const CURLcode code = curl_easy_perform(c);
    const std::string where = request.method.toStdString() + " " + url.toStdString();
    if (x.sinkRefused) return HttpFailure{FailureKind::Stopped, where + ": stopped"};
    if (x.tooLarge)
        return HttpFailure{FailureKind::Other,
                           where + ": answer larger than " + std::to_string(maxBufferedBytes >> 20) + " MiB"};
    if (code != CURLE_OK) {
        long osErrno = 0;
        curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &osErrno);
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_off_t resolvedAfter = 0;  // microseconds until the name was resolved; 0 while it was not
        curl_easy_getinfo(c, CURLINFO_NAMELOOKUP_TIME_T, &resolvedAfter);
        const FailureKind kind =
            failureKindOfCurl(code, osErrno, proxyConfiguredFor(request.url), resolvedAfter > 0 || status > 0);
        // Before any answer a timeout is the connect (or the name lookup) timing out; after
        // one it is the watchdog finding the transfer silent.
        if (code == CURLE_OPERATION_TIMEDOUT && status > 0)
            return HttpFailure{kind, where + ": no data for " + std::to_string(request.stallSeconds) + " s (" +
                                         curl_easy_strerror(code) + ")"};
        return HttpFailure{kind, where + ": " + curl_easy_strerror(code)};
    }
    if (!x.deliverHeaders()) return HttpFailure{FailureKind::Stopped, where + ": stopped"};
    return std::move(x.response);
}

}  // namespace pagoda::hub
