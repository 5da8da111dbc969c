// Decode-shaped matrix-vector products through cpu::linear, per weight dtype and
// instruction set: the effective weight-read bandwidth (GB/s) a batch-1 decode step gets,
// to set beside pagoda_memory_bandwidth. Weights of 512 MiB-ish so caches do not help.
// Where the kernels multiply packed bf16 weights (packed_bf16.h), bf16 is measured packed too,
// with f32 activations and, above 3 tokens, bf16 ones (GFLOP/s beside the bandwidth).
//
//   build/tests/perf/pagoda_linear_bench [--tokens 1] [--threads 0] [--repeats 20]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/cpu/isa/kernel_table.h"
#include "kernels/cpu/linear.h"
#include "kernels/cpu/thread_pool.h"

using namespace pagoda;

int main(int argc, char** argv) {
    size_t tokens = 1, threads = 0;
    int repeats = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--tokens") tokens = size_t(std::atoi(argv[i + 1]));
        if (a == "--threads") threads = size_t(std::atoi(argv[i + 1]));
        if (a == "--repeats") repeats = std::atoi(argv[i + 1]);
    }
    const size_t rows = 4864 * 64, cols = 896;  // ~279M weights: 558 MB in bf16
    ThreadPool pool(threads);
    std::vector<float> x(tokens * cols), y(tokens * rows), scales(rows, 0.01f);
    std::mt19937 rng(1);
    for (float& v : x) v = std::uniform_real_distribution<float>(-1, 1)(rng);
    std::vector<unsigned char> storage(rows * cols * 4);
    // Normal numbers in every dtype: denormal inputs would send the FMAs to microcode.
    auto fill = [&](DType type) {
        for (size_t i = 0; i < rows * cols; ++i) {
            const float v = 0.5f + float(i % 1000) * 1e-3f;
            unsigned char* dst = storage.data() + i * dtypeSize(type);
            if (type == DType::F32) std::memcpy(dst, &v, 4);
            if (type == DType::BF16) {
                const uint16_t h = floatToBf16(v);
                std::memcpy(dst, &h, 2);
            }
            if (type == DType::F16) {
                const uint16_t h = uint16_t(0x3800 | (i % 1024));  // [0.5, 1)
                std::memcpy(dst, &h, 2);
            }
            if (type == DType::I8) dst[0] = static_cast<unsigned char>(int8_t(int(i % 255) - 127));
        }
    };
    std::printf("isa %s, %zu threads, %zu token(s), %zu x %zu weights\n", cpu::isaName(cpu::activeIsa()), pool.size(),
                tokens, rows, cols);
    auto measure = [&](const char* name, const cpu::Matrix& w, cpu::Activations activations) {
        std::vector<double> seconds;
        for (int r = 0; r < repeats; ++r) {
            const auto start = std::chrono::steady_clock::now();
            cpu::linear(pool, x.data(), tokens, w, {}, y.data(), rows, activations);
            seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        std::sort(seconds.begin(), seconds.end());
        const double median = seconds[seconds.size() / 2], bytes = double(rows * cols * dtypeSize(w.type));
        std::printf("%-28s weight read %6.2f GB/s median (max %.2f), %7.1f GFLOP/s\n", name, bytes / median / 1e9,
                    bytes / seconds.front() / 1e9, 2.0 * double(tokens * rows * cols) / median / 1e9);
    };
    for (DType type : {DType::F32, DType::BF16, DType::F16, DType::I8}) {
        fill(type);
        const cpu::Matrix w{storage.data(), type, rows, cols, type == DType::I8 ? scales.data() : nullptr};
        measure(dtypeName(type), w, cpu::Activations::F32);
        if (type == DType::BF16 && tokens > 3) measure("bf16, bf16 activations", w, cpu::Activations::Bf16);
        if (type != DType::BF16 || !cpu::packedBf16Supported()) continue;
        const cpu::PackedBf16 packed = cpu::PackedBf16::pack(pool, storage.data(), rows, cols);
        cpu::Matrix p = w;
        p.packed = &packed;
        measure("bf16 packed", p, cpu::Activations::F32);
        if (tokens > 3) measure("bf16 packed, bf16 activations", p, cpu::Activations::Bf16);
    }
}
