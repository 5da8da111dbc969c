// What the download queue reports about one model download, and the smoothed rate behind
// its speed and ETA (a window of recent samples, so one burst or stall does not swing it).
#pragma once

#include <chrono>
#include <deque>

#include <QMetaType>
#include <QString>

#include "app/hub/hub_types.h"
#include "app/hub/network_failure.h"

namespace pagoda::hub {

enum class DownloadState { Resolving, Downloading, Paused, Failed, Completed, Cancelled };
QString downloadStateName(DownloadState state);

struct DownloadProgress {
    QString key;  // "<hub>:<owner>/<name>"
    HubKind hub = HubKind::HuggingFace;
    QString modelId;
    QString folder;
    DownloadState state = DownloadState::Resolving;
    qint64 bytesDone = 0;
    qint64 bytesTotal = 0;  // 0 until the file list is known
    int filesDone = 0;
    int filesTotal = 0;
    int filesTransferring = 0;  // workers still running: a pause or cancel has taken hold at 0
    double bytesPerSecond = 0;
    qint64 etaSeconds = -1;  // -1: unknown
    QString error;           // set in Failed: the technical message (URL, curl's or the hub's words)
    FailureKind failure = FailureKind::Other;  // set in Failed: what kind, for adviceFor
    int httpStatus = 0;
    bool viaMirror = false;  // Hugging Face through hf-mirror.com
};

class RateMeter {
public:
    explicit RateMeter(std::chrono::milliseconds window = std::chrono::seconds(5)) : m_window(window) {}
    void add(std::chrono::steady_clock::time_point at, qint64 totalBytes);
    double bytesPerSecond() const;
    void clear() { m_samples.clear(); }

private:
    std::chrono::milliseconds m_window;
    std::deque<std::pair<std::chrono::steady_clock::time_point, qint64>> m_samples;
};

}  // namespace pagoda::hub

Q_DECLARE_METATYPE(pagoda::hub::DownloadProgress)
