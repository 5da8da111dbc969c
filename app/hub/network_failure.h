// Why a request to a model hub failed, sorted into what a person can do about it: no DNS
// answer (offline), refused, timed out, TLS, proxy, or the hub's own answer (needs a token,
// no access, not found, busy). The kind travels with the error as a value (HubError) from
// libcurl's code or the HTTP status up to the window, which says one sentence with the next
// step (adviceFor) and keeps the URL and curl's words as the details.
#pragma once

#include <QString>

#include "app/hub/hub_types.h"
#include "engine/common/result.h"

namespace pagoda::hub {

enum class FailureKind {
    Other,        // not the network's doing (a disk, a file, an answer Pagoda cannot read): the message says it
    Offline,      // no DNS answer: this computer is offline, or no name server knows the host
    Refused,      // nothing listens at the address, or a firewall turned the connection away
    Timeout,      // no answer in time, or the transfer went silent
    Dropped,      // the connection broke in the middle of an answer
    Tls,          // the secure connection failed: a certificate that does not verify, or a broken handshake
    Proxy,        // the proxy (HTTPS_PROXY) could not be reached or refused the request
    Stopped,      // the user stopped it
    NeedsToken,   // HTTP 401, or a gated repo asked for without a token
    NoAccess,     // HTTP 403: the token is not (yet) allowed
    NotFound,     // HTTP 404: no such model, revision or file
    Busy,         // HTTP 429 or 5xx: the hub is overloaded or having trouble
    HttpStatus,   // any other unexpected status
};

// A hub error: the technical message (the URL and curl's or the hub's words) and its kind.
// An Error, so code that only reports the message takes it as one.
struct HubError : Error {
    FailureKind kind = FailureKind::Other;
    int httpStatus = 0;  // the hub's status, for the HTTP kinds

    HubError() = default;
    HubError(Error error, FailureKind k = FailureKind::Other, int status = 0)
        : Error(std::move(error)), kind(k), httpStatus(status) {}
};

// Hub calls return these; a Result<T> takes the error as a plain Error where the kind is not needed.
template <class T>
using HubResult = Result<T, HubError>;

// libcurl's CURLcode (an int here, so this header needs no curl), the OS error of the
// connect (CURLINFO_OS_ERRNO), whether a proxy was configured for the URL, and whether the
// host name had been resolved (a timeout before that is a name server that never answered).
FailureKind failureKindOfCurl(int curlCode, long osErrno, bool proxyConfigured, bool nameResolved = true);
// The kind of a final HTTP status that is not a success.
FailureKind failureKindOfStatus(int httpStatus);

// Whether trying again within seconds can help. A missing DNS answer, a refusal, a TLS or a
// proxy failure do not go away in the few seconds a retry waits: the resolver has already
// retried its name servers, and nothing starts listening meanwhile.
bool isWorthRetrying(FailureKind kind);

// What the window says about a failure.
struct FailureAdvice {
    QString sentence;  // what went wrong and the next step, in one sentence, translated
    QString details;   // the technical message: the URL, curl's or the hub's words
    bool switchingHubHelps = false;  // another hub or the mirror may well work
};

// hub and mirror: where the request went (the sentence suggests the others); model: the
// model asked for, when there was one. A failure of kind Other has no better words than its
// own message: that becomes the sentence.
FailureAdvice adviceFor(FailureKind kind, int httpStatus, const QString& message, HubKind hub, bool mirror,
                        const QString& model = {});
FailureAdvice adviceFor(const HubError& error, HubKind hub, bool mirror, const QString& model = {});

// "offline", "refused", … and back, for the download queue's saved state.
QString failureKindName(FailureKind kind);
FailureKind parseFailureKind(const QString& name);

}  // namespace pagoda::hub
