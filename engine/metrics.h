// Engine metrics: counters plus latency distributions, snapshotted for the UI, the
// Prometheus endpoint and `pagoda bench`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pagoda {

// Fixed buckets (seconds), as Prometheus histograms have them.
struct LatencyHistogram {
    static constexpr std::array<double, 12> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                       0.5,   1.0,  2.5,   5.0,  10.0, 30.0};
    std::array<uint64_t, kBounds.size() + 1> counts{};  // last: above every bound
    uint64_t count = 0;
    double sum = 0;

    void record(double seconds);
    double mean() const { return count ? sum / double(count) : 0.0; }
    // Upper bound of the bucket holding quantile q (0..1); an estimate, as Prometheus gives.
    double quantile(double q) const;
};

struct MetricsSnapshot {
    size_t numRunning = 0;
    size_t numWaiting = 0;
    int kvBlocksUsed = 0;
    int kvBlocksTotal = 0;
    uint64_t prefixCacheQueries = 0;  // full blocks looked up
    uint64_t prefixCacheHits = 0;
    uint64_t preemptions = 0;
    uint64_t promptTokens = 0;        // computed, cache hits excluded
    uint64_t generationTokens = 0;
    uint64_t requestsFinished = 0;
    uint64_t requestsAborted = 0;  // of those finished, ended by abort() (a client gone, a stop, an unload)
    size_t lastStepTokens = 0;     // tokens in the most recent step's batch
    size_t lastStepSequences = 0;
    LatencyHistogram timeToFirstToken;
    LatencyHistogram interTokenLatency;
};

// What the engine accumulates between snapshots.
struct MetricsRecorder {
    size_t lastStepTokens = 0;
    size_t lastStepSequences = 0;
    uint64_t promptTokens = 0;
    uint64_t generationTokens = 0;
    uint64_t requestsFinished = 0;
    uint64_t requestsAborted = 0;
    LatencyHistogram timeToFirstToken;
    LatencyHistogram interTokenLatency;
};

}  // namespace pagoda
