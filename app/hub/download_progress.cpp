#include "app/hub/download_progress.h"

namespace pagoda::hub {

QString downloadStateName(DownloadState state) {
    switch (state) {
    case DownloadState::Resolving: return "resolving";
    case DownloadState::Downloading: return "downloading";
    case DownloadState::Paused: return "paused";
    case DownloadState::Failed: return "failed";
    case DownloadState::Completed: return "completed";
    case DownloadState::Cancelled: return "cancelled";
    }
    return {};
}

void RateMeter::add(std::chrono::steady_clock::time_point at, qint64 totalBytes) {
    // A restarted file makes the total go down: the rate starts again from there.
    if (!m_samples.empty() && totalBytes < m_samples.back().second) m_samples.clear();
    m_samples.emplace_back(at, totalBytes);
    while (m_samples.size() > 2 && at - m_samples.front().first > m_window) m_samples.pop_front();
}

double RateMeter::bytesPerSecond() const {
    if (m_samples.size() < 2) return 0;
    const double seconds = std::chrono::duration<double>(m_samples.back().first - m_samples.front().first).count();
    return seconds > 0 ? double(m_samples.back().second - m_samples.front().second) / seconds : 0;
}

}  // namespace pagoda::hub
