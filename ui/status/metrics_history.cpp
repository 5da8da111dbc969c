#include "ui/status/metrics_history.h"

namespace pagoda::ui {

const MetricsSample& MetricsHistory::add(double seconds, const MetricsSnapshot& metrics) {
    MetricsSample sample;
    sample.seconds = seconds;
    if (m_lastSeconds >= 0 && seconds > m_lastSeconds && metrics.generationTokens >= m_lastTokens)
        sample.tokensPerSecond = double(metrics.generationTokens - m_lastTokens) / (seconds - m_lastSeconds);
    if (metrics.kvBlocksTotal > 0) sample.kvPercent = 100.0 * metrics.kvBlocksUsed / metrics.kvBlocksTotal;
    m_lastSeconds = seconds;
    m_lastTokens = metrics.generationTokens;
    m_samples.push_back(sample);
    while (m_samples.front().seconds < seconds - kWindowSeconds) m_samples.pop_front();
    return m_samples.back();
}

}  // namespace pagoda::ui
