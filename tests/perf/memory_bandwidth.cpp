// Sustained memory read bandwidth of this machine with all cores: the denominator of the
// batch-1 decode bound in tests/perf/cpu_bench.py (decode streams every weight once per token).
//
//   build/tests/perf/pagoda_memory_bandwidth [--size-mib 1024] [--repeats 10] [--threads N] [--json]
//
// One thread per core (default: std::thread::hardware_concurrency()), each summing its own
// contiguous slice of one float buffer (1 GiB by default, far beyond any cache) with 64-byte
// vector loads and eight independent accumulators, so the loads, not the adds, are the limit.
// Each thread first-touches its own slice (the pages land on its NUMA node) and the slices are
// read once untimed before measuring. A repeat is timed from releasing all threads at a barrier
// to the last one finishing; the median over the repeats is printed as GB/s (10^9 bytes/s).
// Reads only: no write or copy bandwidth, no single-core figure, no latency.

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Vec = float __attribute__((vector_size(64)));  // 16 floats: one zmm, or two ymm on AVX2

// target_clones picks the widest instruction set at load time, so the same binary issues 512-bit
// loads on AVX-512 machines and 256-bit loads elsewhere, whatever the project's -march.
__attribute__((target_clones("avx512f", "avx2", "default"))) float sumSlice(const float* data, size_t count) {
    const Vec* v = reinterpret_cast<const Vec*>(data);
    const size_t n = count / 16;
    Vec a0{}, a1{}, a2{}, a3{}, a4{}, a5{}, a6{}, a7{};
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        a0 += v[i];
        a1 += v[i + 1];
        a2 += v[i + 2];
        a3 += v[i + 3];
        a4 += v[i + 4];
        a5 += v[i + 5];
        a6 += v[i + 6];
        a7 += v[i + 7];
    }
    for (; i < n; ++i) a0 += v[i];
    const Vec total = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
    float sum = 0.0f;
    for (int k = 0; k < 16; ++k) sum += total[k];
    for (size_t j = n * 16; j < count; ++j) sum += data[j];
    return sum;
}

struct Options {
    size_t sizeMib = 1024;
    int repeats = 10;
    int threads = int(std::max(1u, std::thread::hardware_concurrency()));
    bool json = false;
};

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--json") {
            o.json = true;
        } else if (a == "--size-mib" || a == "--repeats" || a == "--threads") {
            const char* v = next();
            const long n = v ? std::strtol(v, nullptr, 10) : 0;
            if (n < 1) {
                std::fprintf(stderr, "pagoda_memory_bandwidth: %s needs a positive integer\n", a.c_str());
                return false;
            }
            if (a == "--size-mib") o.sizeMib = size_t(n);
            if (a == "--repeats") o.repeats = int(n);
            if (a == "--threads") o.threads = int(n);
        } else {
            std::fprintf(stderr,
                         "usage: pagoda_memory_bandwidth [--size-mib N] [--repeats N] [--threads N] [--json]\n");
            return false;
        }
    }
    return true;
}

const char* isaName() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return "avx512f";
    if (__builtin_cpu_supports("avx2")) return "avx2";
    return "default";
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, o)) return 2;

    const size_t bytes = o.sizeMib << 20;
    const size_t count = bytes / sizeof(float);
    std::unique_ptr<float, decltype(&std::free)> buffer(static_cast<float*>(std::aligned_alloc(64, bytes)), &std::free);
    if (!buffer) {
        std::fprintf(stderr, "pagoda_memory_bandwidth: cannot allocate %zu MiB\n", o.sizeMib);
        return 1;
    }

    // Slices are whole 64-byte vectors except the last, which takes the remainder.
    const size_t perThread = (count / size_t(o.threads)) / 16 * 16;
    auto sliceBegin = [&](int t) { return size_t(t) * perThread; };
    auto sliceCount = [&](int t) { return t + 1 == o.threads ? count - sliceBegin(t) : perThread; };

    // Round 0 is the untimed first touch plus one warm read; rounds 1..repeats are timed.
    std::barrier start(o.threads + 1), done(o.threads + 1);
    std::vector<float> sums(size_t(o.threads) * 16);  // 64 bytes apart: no false sharing
    std::vector<std::thread> workers;
    for (int t = 0; t < o.threads; ++t) {
        workers.emplace_back([&, t] {
            float* slice = buffer.get() + sliceBegin(t);
            for (size_t i = 0; i < sliceCount(t); ++i) slice[i] = float(i & 1023) * 0.001f;
            for (int round = 0; round <= o.repeats; ++round) {
                start.arrive_and_wait();
                sums[size_t(t) * 16] += sumSlice(slice, sliceCount(t));
                done.arrive_and_wait();
            }
        });
    }

    std::vector<double> gbPerSecond;
    for (int round = 0; round <= o.repeats; ++round) {
        const auto begin = Clock::now();
        start.arrive_and_wait();
        done.arrive_and_wait();
        const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
        if (round > 0) gbPerSecond.push_back(double(bytes) / seconds / 1e9);
    }
    for (auto& w : workers) w.join();

    double checksum = 0;
    for (int t = 0; t < o.threads; ++t) checksum += sums[size_t(t) * 16];
    std::vector<double> sorted = gbPerSecond;
    std::sort(sorted.begin(), sorted.end());
    const size_t n = sorted.size();
    const double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;

    if (o.json) {
        std::printf("{\"bytes\": %zu, \"threads\": %d, \"repeats\": %d, \"isa\": \"%s\", \"median_gb_s\": %.3f, "
                    "\"min_gb_s\": %.3f, \"max_gb_s\": %.3f, \"runs_gb_s\": [",
                    bytes, o.threads, o.repeats, isaName(), median, sorted.front(), sorted.back());
        for (size_t i = 0; i < gbPerSecond.size(); ++i) std::printf("%s%.3f", i ? ", " : "", gbPerSecond[i]);
        std::printf("], \"checksum\": %.6g}\n", checksum);
    } else {
        std::printf("read bandwidth: %.2f GB/s median of %d (min %.2f, max %.2f); %d threads, %zu MiB, %s loads\n",
                    median, o.repeats, sorted.front(), sorted.back(), o.threads, o.sizeMib, isaName());
    }
    return 0;
}
