#include "app/desktop/memory_bandwidth.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "kernels/cpu/thread_pool.h"

namespace pagoda {

namespace {

constexpr size_t kBufferBytes = size_t(128) << 20;

// Eight independent sums so the loads, not the additions, set the pace (as the benchmark).
uint64_t sumWords(const uint64_t* data, size_t count) {
    uint64_t a[8] = {};
    size_t i = 0;
    for (; i + 8 <= count; i += 8)
        for (int k = 0; k < 8; ++k) a[k] += data[i + size_t(k)];
    for (; i < count; ++i) a[0] += data[i];
    return a[0] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7];
}

}  // namespace

double measureMemoryBandwidth(int budgetMs) {
    const size_t words = kBufferBytes / sizeof(uint64_t);
    std::unique_ptr<uint64_t[]> buffer(new (std::nothrow) uint64_t[words]);
    if (!buffer) return 0;
    ThreadPool pool;  // one per core, for this measurement only: it runs once per machine
    const size_t slices = pool.size() * 4;
    const size_t perSlice = (words + slices - 1) / slices;
    // Written by the threads that read it (first touch places pages near them), and so the
    // reads below see real pages rather than the shared zero page.
    pool.parallelFor(slices, [&](size_t b, size_t e) {
        for (size_t s = b; s < e; ++s)
            for (size_t i = s * perSlice; i < std::min(words, (s + 1) * perSlice); ++i) buffer[i] = i;
    });
    std::vector<uint64_t> sums(slices);
    double best = 0;
    using Clock = std::chrono::steady_clock;
    const auto end = Clock::now() + std::chrono::milliseconds(budgetMs);
    for (int pass = 0; pass < 2 || Clock::now() < end; ++pass) {
        const auto start = Clock::now();
        pool.parallelFor(slices, [&](size_t b, size_t e) {
            for (size_t s = b; s < e; ++s) {
                const size_t first = s * perSlice;
                sums[s] = sumWords(buffer.get() + first, std::min(words, first + perSlice) - first);
            }
        });
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        // The best pass: other programs only ever make a pass slower.
        if (seconds > 0) best = std::max(best, double(kBufferBytes) / seconds);
        if (pass > 50) break;
    }
    // Keeps the sums alive so the reads are not optimised away.
    volatile uint64_t sink = 0;
    for (uint64_t s : sums) sink = sink + s;
    return best;
}

}  // namespace pagoda
