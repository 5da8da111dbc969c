// The status bar's view of the engine over time: tokens/s from the growth of the generated
// token count between polls, and KV cache use, kept for the last couple of minutes so the
// performance view can draw them. Plain values; the StatusPanel's timer feeds it.
#pragma once

#include <deque>

#include "app/host/engine_host.h"  // MetricsSnapshot, as the host hands it out

namespace pagoda::ui {

struct MetricsSample {
    double seconds = 0;          // since the history started
    double tokensPerSecond = 0;
    double kvPercent = 0;        // 0..100
};

class MetricsHistory {
public:
    static constexpr double kWindowSeconds = 120;

    // `seconds` must not go backwards. The first sample has no rate yet; a count that fell
    // (the model was reloaded and its engine started from zero) counts as no tokens.
    const MetricsSample& add(double seconds, const MetricsSnapshot& metrics);

    const std::deque<MetricsSample>& samples() const { return m_samples; }
    bool empty() const { return m_samples.empty(); }
    const MetricsSample& last() const { return m_samples.back(); }

private:
    std::deque<MetricsSample> m_samples;
    double m_lastSeconds = -1;
    uint64_t m_lastTokens = 0;
};

}  // namespace pagoda::ui
