#include "engine/metrics.h"

namespace pagoda {

void LatencyHistogram::record(double seconds) {
    size_t bucket = 0;
    while (bucket < kBounds.size() && seconds > kBounds[bucket]) ++bucket;
    ++counts[bucket];
    ++count;
    sum += seconds;
}

double LatencyHistogram::quantile(double q) const {
    if (count == 0) return 0.0;
    const double target = q * double(count);
    uint64_t seen = 0;
    for (size_t b = 0; b < counts.size(); ++b) {
        seen += counts[b];
        if (double(seen) >= target) return b < kBounds.size() ? kBounds[b] : kBounds.back();
    }
    return kBounds.back();
}

}  // namespace pagoda
