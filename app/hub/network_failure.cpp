#include "app/hub/network_failure.h"

#include <cerrno>

#include <QCoreApplication>

#include <curl/curl.h>

#include "app/hub/hub_client.h"

namespace pagoda::hub {

FailureKind failureKindOfCurl(int curlCode, long osErrno, bool proxyConfigured, bool nameResolved) {
    switch (CURLcode(curlCode)) {
        case CURLE_COULDNT_RESOLVE_HOST: return FailureKind::Offline;
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_PROXY: return FailureKind::Proxy;
        case CURLE_COULDNT_CONNECT:
            // With a proxy set, the connection that failed is the one to the proxy.
            if (proxyConfigured) return FailureKind::Proxy;
            // No route at all (no network interface up) is being offline, not a refusal.
            if (osErrno == ENETUNREACH || osErrno == ENETDOWN || osErrno == EHOSTUNREACH) return FailureKind::Offline;
            return FailureKind::Refused;
        case CURLE_OPERATION_TIMEDOUT:
            // No DNS answer within the connect timeout: offline as much as a "no such host".
            return nameResolved || proxyConfigured ? FailureKind::Timeout : FailureKind::Offline;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CRL_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_SHUTDOWN_FAILED:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_SSL_ENGINE_INITFAILED:
        case CURLE_USE_SSL_FAILED: return FailureKind::Tls;
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_HTTP3: return FailureKind::Dropped;
        case CURLE_ABORTED_BY_CALLBACK: return FailureKind::Stopped;
        default: return FailureKind::Other;
    }
}

FailureKind failureKindOfStatus(int httpStatus) {
    if (httpStatus == 401) return FailureKind::NeedsToken;
    if (httpStatus == 403) return FailureKind::NoAccess;
    if (httpStatus == 404 || httpStatus == 410) return FailureKind::NotFound;
    if (httpStatus == 429 || httpStatus >= 500) return FailureKind::Busy;
    return FailureKind::HttpStatus;
}

bool isWorthRetrying(FailureKind kind) {
    switch (kind) {
        case FailureKind::Timeout:
        case FailureKind::Dropped:
        case FailureKind::Busy:
        case FailureKind::Other: return true;  // an error curl did not explain: as before, worth another try
        default: return false;
    }
}

namespace {

// The sentences' translation context, declared so that lupdate files them under it too.
struct AdviceText {
    Q_DECLARE_TR_FUNCTIONS(pagoda::hub::FailureAdvice)
};

// The hub as the person chose it, and the other two choices the Models page offers.
QString hubTitle(HubKind hub, bool mirror) {
    if (mirror) return QStringLiteral("hf-mirror.com");
    return hubDisplayName(hub);
}

QString otherHubs(HubKind hub, bool mirror) {
    if (hub == HubKind::ModelScope) return AdviceText::tr("Hugging Face or hf-mirror.com");
    return mirror ? AdviceText::tr("ModelScope or Hugging Face") : AdviceText::tr("ModelScope or hf-mirror.com");
}

QString tokenAdvice(HubKind hub, bool mirror) {
    if (hub == HubKind::ModelScope) return AdviceText::tr("set MODELSCOPE_API_TOKEN to a token of an account that may see it");
    if (mirror) return AdviceText::tr("the mirror is never given your token: switch to Hugging Face with HF_TOKEN set");
    return AdviceText::tr("accept its licence on its Hugging Face page and set HF_TOKEN to a token of that account");
}

}  // namespace

FailureAdvice adviceFor(FailureKind kind, int httpStatus, const QString& message, HubKind hub, bool mirror,
                        const QString& model) {
    const QString where = hubTitle(hub, mirror), others = otherHubs(hub, mirror);
    const QString subject = model.isEmpty() ? AdviceText::tr("this model") : model;
    const QString status = QString::number(httpStatus);
    FailureAdvice advice{{}, message, false};
    switch (kind) {
        case FailureKind::Offline:
            advice.sentence = AdviceText::tr("%1 cannot be reached: this computer seems to be offline, or its name server does not "
                                 "know the hub. Check the connection and retry, or switch to %2; behind a proxy, set "
                                 "HTTPS_PROXY.").arg(where, others);
            advice.switchingHubHelps = true;
            break;
        case FailureKind::Refused:
            advice.sentence = AdviceText::tr("%1 refused the connection, or a firewall turned it away. Retry later, or switch to "
                                 "%2; behind a proxy, set HTTPS_PROXY.").arg(where, others);
            advice.switchingHubHelps = true;
            break;
        case FailureKind::Timeout:
            advice.sentence = AdviceText::tr("%1 did not answer in time: the connection is slow or blocked. Retry, or switch to "
                                 "%2; behind a proxy, set HTTPS_PROXY.").arg(where, others);
            advice.switchingHubHelps = true;
            break;
        case FailureKind::Dropped:
            advice.sentence = AdviceText::tr("The connection to %1 broke off. Retry: downloads go on where they stopped.").arg(where);
            break;
        case FailureKind::Tls:
            advice.sentence = AdviceText::tr("The secure connection to %1 failed: its certificate could not be verified, often "
                                 "because a proxy or firewall intercepts it. Set HTTPS_PROXY to your proxy, or switch "
                                 "to %2.").arg(where, others);
            advice.switchingHubHelps = true;
            break;
        case FailureKind::Proxy:
            advice.sentence = AdviceText::tr("The proxy did not let the request through to %1. Check HTTPS_PROXY (or unset it) "
                                 "and retry.").arg(where);
            break;
        case FailureKind::Stopped: advice.sentence = AdviceText::tr("Stopped."); break;
        case FailureKind::NeedsToken:
            advice.sentence = AdviceText::tr("%1 on %2 is gated or private: %3, then retry.").arg(subject, where, tokenAdvice(hub, mirror));
            break;
        case FailureKind::NoAccess:
            advice.sentence = hub == HubKind::ModelScope
                                  ? AdviceText::tr("ModelScope refused access to %1 (HTTP 403): %2, then retry.")
                                        .arg(subject, tokenAdvice(hub, mirror))
                                  : AdviceText::tr("%1 refused access (HTTP 403): the token may be wrong, or not yet approved for "
                                       "%2; ask for access on its page and retry once it is granted.").arg(where, subject);
            break;
        case FailureKind::NotFound:
            advice.sentence = model.isEmpty()
                                  ? AdviceText::tr("%1 has no such model (HTTP 404): check the name, or look for it on %2.").arg(where, others)
                                  : AdviceText::tr("%1 has no model %3 (HTTP 404): check the name, or look for it on %2.")
                                        .arg(where, others, model);
            advice.switchingHubHelps = true;
            break;
        case FailureKind::Busy:
            advice.sentence = AdviceText::tr("%1 is busy or having trouble (HTTP %3): retry in a few minutes, or switch to %2.")
                                  .arg(where, others, status);
            advice.switchingHubHelps = true;
            break;
        case FailureKind::HttpStatus:
            advice.sentence = AdviceText::tr("%1 answered HTTP %3: retry, or switch to %2.").arg(where, others, status);
            advice.switchingHubHelps = true;
            break;
        case FailureKind::Other:
            advice.sentence = message;
            advice.details.clear();
            break;
    }
    return advice;
}

FailureAdvice adviceFor(const HubError& error, HubKind hub, bool mirror, const QString& model) {
    return adviceFor(error.kind, error.httpStatus, QString::fromStdString(error.message), hub, mirror, model);
}

namespace {

constexpr std::pair<FailureKind, const char*> kNames[] = {
    {FailureKind::Other, "other"},           {FailureKind::Offline, "offline"},       {FailureKind::Refused, "refused"},
    {FailureKind::Timeout, "timeout"},       {FailureKind::Dropped, "dropped"},       {FailureKind::Tls, "tls"},
    {FailureKind::Proxy, "proxy"},           {FailureKind::Stopped, "stopped"},       {FailureKind::NeedsToken, "needs-token"},
    {FailureKind::NoAccess, "no-access"},    {FailureKind::NotFound, "not-found"},    {FailureKind::Busy, "busy"},
    {FailureKind::HttpStatus, "http-status"},
};

}  // namespace

QString failureKindName(FailureKind kind) {
    for (const auto& [k, name] : kNames)
        if (k == kind) return QString::fromLatin1(name);
    return QStringLiteral("other");
}

FailureKind parseFailureKind(const QString& name) {
    for (const auto& [k, n] : kNames)
        if (name == QLatin1String(n)) return k;
    return FailureKind::Other;
}

}  // namespace pagoda::hub
