// oneDNN's bf16 matmul beside cpu::linear on the Qwen2.5-0.5B projections (issue 20: adopt
// oneDNN only where it measures faster). y = x · Wᵀ, W bf16 [out, in], y f32. oneDNN gets bf16
// x and its weights reordered once into the layout it picks (format_tag::any), as packing at
// load would; cpu::linear gets the f32 x and the matrix the engine passes it: packed once
// (PackedBf16::pack, outside the timing) where the active kernels multiply packed weights,
// the checkpoint's [out, in] rows otherwise or with --unpacked.
// Built only where libdnnl-dev is installed (tests/perf/CMakeLists.txt).
//
//   build/tests/perf/pagoda_onednn_matmul_bench [--threads 2] [--tokens 1,4,25,64,512,2048]
//       [--shapes q,kv,gate,down,lm_head,qkv,gate_up] [--seconds 0.2] [--runtime-m] [--cold] [--unpacked]
//
// Every call multiplies the same matrix, so all but lm_head stay in the caches (300 MiB of L3
// on the Xeon this was written on) while in a decode step all 1 GB of the model streams by:
// --cold reads 1 GiB between timed calls, for memory-bound decode numbers.
//
// oneDNN threads through OpenMP in Debian's build; --threads sets omp_set_num_threads and the
// ThreadPool alike. ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16 keeps oneDNN off AMX, PAGODA_CPU_ISA
// lowers Pagoda's kernels.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dnnl.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kernels/common/dtype.h"
#include "kernels/cpu/isa.h"
#include "kernels/cpu/linear.h"
#include "kernels/cpu/packed_bf16.h"
#include "kernels/cpu/thread_pool.h"

using namespace pagoda;
using Clock = std::chrono::steady_clock;

namespace {

// One matrix, or several over the same x that the executor multiplies with linearGroup (and
// oneDNN as one matmul of the matrices stacked, its natural way to fuse them).
struct Shape {
    const char* name;
    std::vector<size_t> outs;
    size_t in;
};

// q and o share a shape, as do k and v, and gate and up.
const Shape kShapes[] = {
    {"q", {896}, 896},     {"kv", {128}, 896},     {"gate", {4864}, 896},        {"down", {896}, 4864},
    {"lm_head", {151936}, 896}, {"qkv", {896, 128, 128}, 896}, {"gate_up", {4864, 4864}, 896},
};

double seconds(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Evicts the weights from every cache level by reading a buffer larger than L3, on every
// thread of the pool so each core's own L2 is refilled too.
class CacheFlusher {
public:
    explicit CacheFlusher(bool enabled) : m_buffer(enabled ? (size_t(1) << 30) / sizeof(uint64_t) : 0, 1) {}
    void flush(ThreadPool& pool) {
        constexpr size_t kLine = 64 / sizeof(uint64_t);
        pool.parallelFor(m_buffer.size() / kLine, [&](size_t begin, size_t end) {
            uint64_t sum = 0;
            for (size_t line = begin; line < end; ++line) sum += m_buffer[line * kLine];
            m_sink = m_sink + sum;
        });
        // The pool's workers spin about a millisecond before sleeping; not beside oneDNN's.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    bool enabled() const { return !m_buffer.empty(); }

private:
    std::vector<uint64_t> m_buffer;
    volatile uint64_t m_sink = 0;
};

// Median seconds of one call: a warm-up call sizes the repeat count so the cell takes about
// `budget` seconds (at least 3 repeats; at most 15 when each is preceded by a cache flush).
// After a flush, wake() rouses the caller's worker threads first: in a decode step the calls
// come back to back and find them spinning, not asleep in a futex.
template <class Wake, class Call>
double medianSeconds(double budget, ThreadPool& pool, CacheFlusher& flusher, Wake&& wake, Call&& call) {
    auto start = Clock::now();
    call();
    const double first = seconds(start);
    const int repeats = std::clamp(int(budget / std::max(first, 1e-6)), 3, flusher.enabled() ? 15 : 500);
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
        if (flusher.enabled()) {
            flusher.flush(pool);
            wake();
        }
        start = Clock::now();
        call();
        times.push_back(seconds(start));
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// Largest |a - b| relative to the largest |b|: the outputs are sums of ~1000 products, so an
// element-wise ratio would blow up on the few that cancel to near zero.
double maxRelativeError(const std::vector<float>& a, const std::vector<float>& b) {
    double diff = 0, scale = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        diff = std::max(diff, double(std::fabs(a[i] - b[i])));
        scale = std::max(scale, double(std::fabs(b[i])));
    }
    return scale > 0 ? diff / scale : diff;
}

std::vector<size_t> parseList(const char* text) {
    std::vector<size_t> values;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) values.push_back(size_t(std::atol(item.c_str())));
    return values;
}

// Lets the other runtime's spinning workers (OpenMP's, the pool's) fall asleep before the
// next measurement, so neither times the other's spin-wait on 2 cores.
void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(100)); }

}  // namespace

int main(int argc, char** argv) {
    size_t threads = 2;
    std::vector<size_t> tokenCounts = {1, 4, 25, 64, 512, 2048};
    std::string shapeFilter = "q,kv,gate,down,lm_head,qkv,gate_up";
    double budget = 0.2;
    bool runtimeM = false, cold = false, unpacked = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const char* next = i + 1 < argc ? argv[i + 1] : "";
        if (a == "--threads") threads = size_t(std::atoi(next)), ++i;
        if (a == "--tokens") tokenCounts = parseList(next), ++i;
        if (a == "--shapes") shapeFilter = next, ++i;
        if (a == "--seconds") budget = std::atof(next), ++i;
        if (a == "--runtime-m") runtimeM = true;
        if (a == "--cold") cold = true;
        if (a == "--unpacked") unpacked = true;
    }
    omp_set_num_threads(int(threads));
    ThreadPool pool(threads);
    CacheFlusher flusher(cold);
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    const dnnl_version_t* version = dnnl_version();
    const bool packed = !unpacked && cpu::packedBf16Supported();
    std::printf("oneDNN %d.%d.%d (OpenMP, %d threads), Pagoda isa %s (%zu threads, %s weights)%s%s\n",
                version->major, version->minor, version->patch, omp_get_max_threads(),
                cpu::isaName(cpu::activeIsa()), pool.size(), packed ? "packed" : "row-major",
                cold ? ", weights cold" : "", runtimeM ? ", oneDNN with runtime M" : "");
    // d/bf16 and d/f32: oneDNN's speed over cpu::linear's (above 1, oneDNN is faster).
    std::printf("%-8s %5s | %9s %9s %9s | %8s %8s %8s | %6s %6s | %8s %8s | %-28s %s\n", "shape", "T", "dnnl ms",
                "bf16 ms", "f32 ms", "dnnl GF", "bf16 GF", "f32 GF", "d/bf16", "d/f32", "err bf16", "err f32",
                "oneDNN impl", "create ms (pd+prim, reorder)");

    using dt = dnnl::memory::data_type;
    using tag = dnnl::memory::format_tag;
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> uniform(-1, 1);
    for (const Shape& shape : kShapes) {
        if (("," + shapeFilter + ",").find("," + std::string(shape.name) + ",") == std::string::npos) continue;
        const size_t in = shape.in;
        size_t out = 0;
        for (size_t part : shape.outs) out += part;
        std::vector<uint16_t> weights(out * in);
        for (uint16_t& w : weights) w = floatToBf16(uniform(rng));
        std::vector<cpu::Matrix> matrices;
        std::vector<cpu::PackedBf16> packedWeights;
        packedWeights.reserve(shape.outs.size());
        const auto packStart = Clock::now();
        for (size_t row0 = 0; size_t part : shape.outs) {
            const uint16_t* rows = weights.data() + row0 * in;
            matrices.push_back({rows, DType::BF16, part, in});
            if (packed) {
                packedWeights.push_back(cpu::PackedBf16::pack(pool, rows, part, in));
                matrices.back().packed = &packedWeights.back();
            }
            row0 += part;
        }
        if (packed) std::printf("%-8s Pagoda pack %.1f ms\n", shape.name, seconds(packStart) * 1e3);
        // As the executor calls it: linear() for one matrix, linearGroup for several, outputs
        // side by side in one [T, out] buffer.
        auto pagodaLinear = [&](const float* x, size_t tokens, float* y, cpu::Activations activations) {
            if (matrices.size() == 1) return cpu::linear(pool, x, tokens, matrices[0], {}, y, out, activations);
            std::vector<cpu::LinearTarget> targets;
            for (size_t col0 = 0; const cpu::Matrix& m : matrices) {
                targets.push_back({m, {}, y + col0, out});
                col0 += m.rows;
            }
            cpu::linearGroup(pool, x, tokens, targets, activations);
        };
        const dnnl::memory::desc plainWeights({dnnl::memory::dim(in), dnnl::memory::dim(out)}, dt::bf16, tag::ba);
        dnnl::memory plainWeightsMemory(plainWeights, engine, weights.data());
        dnnl::memory::desc firstPackedDesc;

        for (size_t tokens : tokenCounts) {
            const auto m = dnnl::memory::dim(tokens), k = dnnl::memory::dim(in), n = dnnl::memory::dim(out);
            std::vector<float> x(tokens * in);
            for (float& v : x) v = uniform(rng);
            std::vector<uint16_t> xBf16(x.size());
            for (size_t i = 0; i < x.size(); ++i) xBf16[i] = floatToBf16(x[i]);
            std::vector<float> yDnnl(tokens * out), yBf16(tokens * out), yF32(tokens * out);

            // With a runtime M one primitive serves every token count (what a server would
            // cache); otherwise one per distinct T.
            const dnnl::memory::dim descM = runtimeM ? DNNL_RUNTIME_DIM_VAL : m;
            auto start = Clock::now();
            const dnnl::matmul::primitive_desc pd(
                dnnl::matmul::desc({{descM, k}, dt::bf16, tag::ab}, {{k, n}, dt::bf16, tag::any},
                                   {{descM, n}, dt::f32, tag::ab}),
                engine);
            const dnnl::matmul matmul(pd);
            const double createMs = seconds(start) * 1e3;
            start = Clock::now();
            dnnl::memory dnnlWeights(pd.weights_desc(), engine);
            dnnl::reorder(plainWeightsMemory, dnnlWeights).execute(stream, plainWeightsMemory, dnnlWeights);
            stream.wait();
            const double reorderMs = seconds(start) * 1e3;
            if (tokens == tokenCounts.front()) firstPackedDesc = pd.weights_desc();
            const bool sameLayout = pd.weights_desc() == firstPackedDesc;

            dnnl::memory src({{m, k}, dt::bf16, tag::ab}, engine, xBf16.data());
            dnnl::memory dst({{m, n}, dt::f32, tag::ab}, engine, yDnnl.data());
            auto wakeOpenMp = [] {
#pragma omp parallel
                {
                }
            };
            auto wakePool = [&] { pool.parallelFor(pool.size(), [](size_t, size_t) {}); };
            const double dnnlS = medianSeconds(budget, pool, flusher, wakeOpenMp, [&] {
                matmul.execute(stream,
                               {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, dnnlWeights}, {DNNL_ARG_DST, dst}});
                stream.wait();
            });
            settle();
            const double bf16S = medianSeconds(budget, pool, flusher, wakePool, [&] {
                pagodaLinear(x.data(), tokens, yBf16.data(), cpu::Activations::Bf16);
            });
            const double f32S = medianSeconds(budget, pool, flusher, wakePool, [&] {
                pagodaLinear(x.data(), tokens, yF32.data(), cpu::Activations::F32);
            });
            settle();

            const double flop = 2.0 * double(tokens) * double(out) * double(in);
            std::string impl = pd.impl_info_str();
            if (!sameLayout) impl += " (other wei layout)";
            std::printf("%-8s %5zu | %9.3f %9.3f %9.3f | %8.1f %8.1f %8.1f | %6.2f %6.2f | %8.1e %8.1e | %-28s %.1f, %.1f\n",
                        shape.name, tokens, dnnlS * 1e3, bf16S * 1e3, f32S * 1e3, flop / dnnlS / 1e9,
                        flop / bf16S / 1e9, flop / f32S / 1e9, bf16S / dnnlS, f32S / dnnlS,
                        maxRelativeError(yBf16, yDnnl), maxRelativeError(yF32, yDnnl), impl.c_str(), createMs,
                        reorderMs);
            std::fflush(stdout);
        }
    }
}
