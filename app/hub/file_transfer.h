// Downloads one file of a model into place, whatever the network does: the bytes go to
// <destination>.incomplete, which a later attempt (or a later run) resumes with Range; a
// 200 in answer to a Range restarts it instead of appending; the hash is computed while
// writing and checked before an atomic rename, so a file at its final name is always whole.
#pragma once

#include <atomic>
#include <functional>

#include "app/hub/hub_client.h"
#include "app/hub/hub_connection.h"

namespace pagoda::hub {

struct TransferOptions {
    int stallSeconds = 30;     // the watchdog: no byte for this long → reconnect and resume
    RetryPolicy retry;         // consecutive failures without progress before giving up
    int hashMismatchRetries = 1;  // a corrupt copy is deleted and fetched again this many times
};

// Set from another thread; the transfer notices within about a second.
struct TransferControl {
    std::atomic<bool> pause{false};   // stop, keep the .incomplete file for a resume
    std::atomic<bool> cancel{false};  // stop, delete the .incomplete file
    std::atomic<bool> stopping{false};  // pause || cancel, for waits to poll

    void requestPause() { pause = true; stopping = true; }
    void requestCancel() { cancel = true; stopping = true; }
};

enum class TransferOutcome { Done, Paused, Cancelled };

struct FileDownload {
    const HubClient* hub = nullptr;
    QString modelId;
    QString revision;
    HubFile file;
    QString destination;  // absolute final path
};

// onBytes receives the bytes of this file now on disk (it can go down when a download restarts).
HubResult<TransferOutcome> downloadFile(const FileDownload& job, const TransferOptions& options,
                                        const TransferControl& control, const std::function<void(qint64)>& onBytes);

// True when `path` holds exactly what `file` describes (size, then sha256 or git-sha1).
Result<bool> fileMatches(const QString& path, const HubFile& file);

}  // namespace pagoda::hub
