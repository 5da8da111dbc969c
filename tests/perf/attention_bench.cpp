// One layer of paged attention at the Qwen2.5-0.5B shape (14 query heads, 2 KV heads, head
// dim 64, blocks of 16): prefill of one prompt of 512, 2048 and 8192 tokens, and decode
// (64 sequences × 1 token at context 192; 1 sequence at context 2048), with cpu::pagedAttention
// beside the per-(token, head) kernel it replaced (oldPagedAttention below, kept here as the
// baseline). GFLOP/s count the useful causal work: 2 flops per multiply-add of q·k and of
// p·v, i.e. 4 · headDim · numHeads · (keys each query sees, summed over queries), which for a
// prompt of T tokens is about 4 · T²/2 · numHeads · headDim.
//
//   build/tests/perf/pagoda_attention_bench [--threads 2] [--repeats 5] [--skip-old-above 8192]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "kernels/cpu/isa/kernel_table.h"
#include "kernels/cpu/paged_attention.h"
#include "kernels/cpu/thread_pool.h"

using namespace pagoda;
using namespace pagoda::cpu;

namespace {

// The kernel before the tiled one, verbatim in its algorithm: one work item per (token,
// query head), one dot, scale and axpy through the kernel table per key.
void oldPagedAttention(ThreadPool& pool, const PagedAttentionArgs& a) {
    const int headDim = a.layout.headDim;
    const int blockSize = a.layout.blockSize;
    const int groupSize = a.numHeads / a.layout.numKvHeads;
    const size_t slotWidth = size_t(a.layout.numKvHeads) * headDim;
    const KernelTable& k = kernels();
    pool.parallelFor(a.numTokens * a.numHeads, [&](size_t begin, size_t end) {
        thread_local std::vector<float> acc;
        acc.resize(headDim);
        for (size_t item = begin; item < end; ++item) {
            const size_t t = item / a.numHeads;
            const int head = int(item % a.numHeads);
            const int kvHead = head / groupSize;
            const float* q = a.q + (t * a.numHeads + head) * headDim;
            const int32_t* blockTable = a.blockTables + size_t(a.tokenSequence[t]) * a.blockTableStride;
            const int numKeys = a.positions[t] + 1;
            float runningMax = -std::numeric_limits<float>::infinity();
            float denominator = 0.0f;
            std::fill(acc.begin(), acc.end(), 0.0f);
            for (int j = 0; j < numKeys; ++j) {
                const size_t slot = size_t(blockTable[j / blockSize]) * blockSize + j % blockSize;
                const size_t offset = slot * slotWidth + size_t(kvHead) * headDim;
                const float score = k.dot(q, a.kCache + offset, size_t(headDim)) * a.scale;
                if (score > runningMax) {
                    const float correction = std::exp(runningMax - score);
                    denominator *= correction;
                    k.scale(correction, acc.data(), size_t(headDim));
                    runningMax = score;
                }
                const float weight = std::exp(score - runningMax);
                denominator += weight;
                k.axpy(weight, a.vCache + offset, acc.data(), size_t(headDim));
            }
            float* out = a.out + (t * a.numHeads + head) * headDim;
            for (int d = 0; d < headDim; ++d) out[d] = acc[d] / denominator;
        }
    });
}

constexpr int kNumHeads = 14, kNumKvHeads = 2, kHeadDim = 64, kBlockSize = 16;

// A batch of `numSequences` sequences, each with `queries` tokens ending at position
// context - 1, over a cache with shuffled blocks filled with random keys and values.
struct Workload {
    std::vector<float> q, out, kCache, vCache;
    std::vector<int32_t> positions, tokenSequence, blockTables;
    size_t blockTableStride = 0;
    double flops = 0;

    Workload(int numSequences, int queries, int context) {
        std::mt19937 rng(7);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        const size_t kvWidth = size_t(kNumKvHeads) * kHeadDim;
        blockTableStride = size_t((context + kBlockSize - 1) / kBlockSize);
        const size_t numBlocks = blockTableStride * size_t(numSequences);
        blockTables.resize(numBlocks);
        std::iota(blockTables.begin(), blockTables.end(), 0);
        std::shuffle(blockTables.begin(), blockTables.end(), rng);
        kCache.resize(numBlocks * kBlockSize * kvWidth);
        vCache.resize(kCache.size());
        for (float& x : kCache) x = normal(rng);
        for (float& x : vCache) x = normal(rng);
        for (int s = 0; s < numSequences; ++s)
            for (int p = context - queries; p < context; ++p) {
                positions.push_back(p);
                tokenSequence.push_back(s);
                flops += 4.0 * kHeadDim * kNumHeads * (p + 1);
            }
        q.resize(positions.size() * size_t(kNumHeads) * kHeadDim);
        for (float& x : q) x = normal(rng);
        out.resize(q.size());
    }

    PagedAttentionArgs args() {
        PagedAttentionArgs a;
        a.layout = {kBlockSize, kNumKvHeads, kHeadDim};
        a.numHeads = kNumHeads;
        a.scale = 1.0f / std::sqrt(float(kHeadDim));
        a.numTokens = positions.size();
        a.q = q.data();
        a.positions = positions.data();
        a.tokenSequence = tokenSequence.data();
        a.blockTables = blockTables.data();
        a.blockTableStride = blockTableStride;
        a.kCache = kCache.data();
        a.vCache = vCache.data();
        a.out = out.data();
        return a;
    }
};

template <class Kernel>
double medianMs(int repeats, Kernel&& kernel) {
    std::vector<double> ms;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        kernel();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    size_t threads = 2;
    int repeats = 5, skipOldAbove = 8192;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--threads") threads = size_t(std::atoi(argv[i + 1]));
        if (a == "--repeats") repeats = std::atoi(argv[i + 1]);
        if (a == "--skip-old-above") skipOldAbove = std::atoi(argv[i + 1]);
    }
    ThreadPool pool(threads);
    std::printf("isa %s, %zu threads, %d q heads, %d kv heads, head dim %d, blocks of %d; median of %d runs\n",
                isaName(activeIsa()), pool.size(), kNumHeads, kNumKvHeads, kHeadDim, kBlockSize, repeats);
    std::printf("%-28s %12s %10s %12s %10s %8s %12s\n", "case", "old ms", "old GF/s", "new ms", "new GF/s", "speedup",
                "max |diff|");
    struct Case {
        const char* name;
        int sequences, queries, context;
    };
    const Case cases[] = {
        {"prefill 512", 1, 512, 512},
        {"prefill 2048", 1, 2048, 2048},
        {"prefill 8192", 1, 8192, 8192},
        {"decode 64 seqs x ctx 192", 64, 1, 192},
        {"decode 1 seq x ctx 2048", 1, 1, 2048},
    };
    for (const Case& c : cases) {
        Workload w(c.sequences, c.queries, c.context);
        const PagedAttentionArgs args = w.args();
        const int repeatsHere = c.queries > 1 ? repeats : repeats * 20;  // decode runs take microseconds
        const double newMs = medianMs(repeatsHere, [&] { pagedAttention(pool, args); });
        const std::vector<float> fresh = w.out;
        double oldMs = NAN, maxDiff = NAN;
        if (c.context <= skipOldAbove) {
            // The old kernel is slow at long contexts: fewer runs there.
            oldMs = medianMs(c.queries >= 8192 ? 1 : repeatsHere, [&] { oldPagedAttention(pool, args); });
            maxDiff = 0;
            for (size_t i = 0; i < fresh.size(); ++i) maxDiff = std::max(maxDiff, double(std::fabs(fresh[i] - w.out[i])));
        }
        const double gflop = w.flops * 1e-9;
        std::printf("%-28s %12.3f %10.1f %12.3f %10.1f %8.2f %12.2e\n", c.name, oldMs, gflop / (oldMs * 1e-3), newMs,
                    gflop / (newMs * 1e-3), oldMs / newMs, maxDiff);
    }
    return 0;
}
