// cpu::linear on GGUF block formats against the existing bf16 and int8 paths, on the matrices of
// Qwen2.5-0.5B (hidden 896, intermediate 4864) and Qwen2.5-3B (2048, 11008) as Q4_K_M and Q8_0
// files hold them (Q4_K_M: Q4_K, Q6_K for ffn_down in some layers; a 0.5B matrix whose rows are
// not whole 256-element blocks falls back to Q5_0 / Q8_0, as llama.cpp's quantizer does).
//
// Decode (1 token): the effective bandwidth of the weight bytes read, with the matrix rotated
// through 1 GiB of copies so it comes from memory as a model's layers do, set against the machine's
// read bandwidth (pagoda_memory_bandwidth beside this binary, or --bandwidth GB/s). Prefill and
// batches (--tokens, default 25 and 512): milliseconds per matrix and GFLOP/s, for both block
// strategies (integer products on quantized activations; rows dequantized to f32 tiles).
// Medians over --repeats.
//
//   build/tests/perf/pagoda_block_linear_bench [--threads 0] [--repeats 15] [--bandwidth GB/s]
//                                              [--tokens 25,512] [--only decode|prefill]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "kernels/cpu/block_formats.h"
#include "kernels/cpu/isa.h"
#include "kernels/cpu/linear.h"
#include "kernels/cpu/thread_pool.h"

using namespace pagoda;
using namespace pagoda::cpu;

namespace {

struct Weights {
    const char* name;  // format, or dtype for the non-block paths
    DType type;
    BlockFormat format;
};
const Weights kBf16{"bf16", DType::BF16, BlockFormat::F32};
const Weights kInt8{"int8", DType::I8, BlockFormat::F32};
Weights blocks(BlockFormat f) { return {blockFormatName(f), DType::Blocks, f}; }

struct Shape {
    const char* model;
    const char* matrix;
    size_t rows, cols;
    std::vector<Weights> weights;  // what a Q4_K_M file, a Q8_0 file and the 16-bit / int8 paths hold
};

std::vector<Shape> shapes() {
    using enum BlockFormat;
    return {
        {"0.5B", "gate/up", 4864, 896, {blocks(Q5_0), blocks(Q8_0), kBf16, kInt8}},
        {"0.5B", "down", 896, 4864, {blocks(Q4_K), blocks(Q6_K), blocks(Q8_0), kBf16, kInt8}},
        {"3B", "gate/up", 11008, 2048, {blocks(Q4_K), blocks(Q8_0), kBf16, kInt8}},
        {"3B", "down", 2048, 11008, {blocks(Q4_K), blocks(Q6_K), blocks(Q8_0), kBf16, kInt8}},
    };
}

// One decoder layer's projections (q, k, v, o, gate, up, down) as a file type stores them; a
// Q4_K_M layer as llama.cpp quantizes most layers (the others give attn_v and ffn_down Q6_K).
struct LayerMatrix {
    size_t rows, cols;
    Weights weights;
};
struct Layer {
    const char* model;
    const char* file;
    std::vector<LayerMatrix> matrices;
};

std::vector<Layer> layers() {
    using enum BlockFormat;
    auto layer = [](const char* model, const char* file, size_t hidden, size_t kv, size_t inter, Weights narrow,
                    Weights wide) {  // narrow: the matrices of `hidden` columns; wide: ffn_down
        return Layer{model, file,
                     {{hidden, hidden, narrow}, {kv, hidden, narrow}, {kv, hidden, narrow}, {hidden, hidden, narrow},
                      {inter, hidden, narrow}, {inter, hidden, narrow}, {hidden, inter, wide}}};
    };
    return {
        layer("0.5B", "Q4_K_M", 896, 128, 4864, blocks(Q5_0), blocks(Q4_K)),  // 896 columns: Q5_0 fallback
        layer("0.5B", "Q8_0", 896, 128, 4864, blocks(Q8_0), blocks(Q8_0)),
        layer("0.5B", "bf16", 896, 128, 4864, kBf16, kBf16),
        layer("3B", "Q4_K_M", 2048, 256, 11008, blocks(Q4_K), blocks(Q4_K)),
        layer("3B", "Q8_0", 2048, 256, 11008, blocks(Q8_0), blocks(Q8_0)),
        layer("3B", "bf16", 2048, 256, 11008, kBf16, kBf16),
    };
}

size_t matrixBytes(const Weights& w, size_t rows, size_t cols) {
    if (w.type != DType::Blocks) return rows * cols * dtypeSize(w.type);
    const BlockLayout l = blockLayout(w.format);
    return rows * cols / l.elements * l.bytes;
}

// Valid random blocks (finite f16 scales of moderate size), or normal bf16 / int8 values.
void fill(unsigned char* data, size_t bytes, const Weights& w, uint32_t seed) {
    std::mt19937 rng(seed);
    for (size_t i = 0; i + 4 <= bytes; i += 4) {
        const uint32_t v = rng();
        std::memcpy(data + i, &v, 4);
    }
    auto setHalf = [&](size_t at) {
        const uint16_t h = uint16_t((rng() & 0x8000u) | (9u << 10) | (rng() & 0x3ffu));
        std::memcpy(data + at, &h, 2);
    };
    if (w.type == DType::BF16) {
        for (size_t i = 0; i + 2 <= bytes; i += 2) {
            const uint16_t h = floatToBf16(0.02f * (float(rng() % 2001) / 1000.0f - 1.0f));
            std::memcpy(data + i, &h, 2);
        }
    } else if (w.type == DType::Blocks) {
        const BlockLayout l = blockLayout(w.format);
        std::vector<size_t> halves = {0};
        if (w.format == BlockFormat::Q4_1 || w.format == BlockFormat::Q5_1 || w.format == BlockFormat::Q4_K ||
            w.format == BlockFormat::Q5_K)
            halves = {0, 2};
        if (w.format == BlockFormat::Q6_K) halves = {208};
        if (w.format == BlockFormat::Q3_K) halves = {108};
        if (w.format == BlockFormat::Q2_K) halves = {80, 82};
        for (size_t b = 0; b + l.bytes <= bytes; b += l.bytes)
            for (size_t h : halves) setHalf(b + h);
    }
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double measuredBandwidth(const char* argv0) {
    const auto tool = std::filesystem::path(argv0).parent_path() / "pagoda_memory_bandwidth";
    const std::string command = tool.string() + " --json --repeats 7 2>/dev/null";
    FILE* p = popen(command.c_str(), "r");
    if (!p) return 0;
    char buffer[4096] = {};
    fread(buffer, 1, sizeof buffer - 1, p);
    pclose(p);
    const char* key = std::strstr(buffer, "\"median_gb_s\":");
    return key ? std::atof(key + std::strlen("\"median_gb_s\":")) : 0;
}

bool selected(const Shape& s, const Weights& w, const std::string& filter) {
    return (std::string(s.model) + " " + s.matrix + " " + w.name).find(filter) != std::string::npos;
}

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
    size_t threads = 0;
    int repeats = 15;
    double bandwidth = 0;
    std::vector<size_t> tokenCounts = {25, 512};
    std::string only, filter;  // --filter: only the rows whose "model matrix weights" contain it
    // Decode reads each copy once per pass, so no cache helps (--rotate-mib 8 measures the kernels
    // on weights from cache instead).
    size_t kRotation = size_t(1) << 30;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--threads") threads = size_t(std::atoi(argv[i + 1]));
        if (a == "--repeats") repeats = std::atoi(argv[i + 1]);
        if (a == "--bandwidth") bandwidth = std::atof(argv[i + 1]);
        if (a == "--only") only = argv[i + 1];
        if (a == "--filter") filter = argv[i + 1];
        if (a == "--rotate-mib") kRotation = size_t(std::atoi(argv[i + 1])) << 20;
        if (a == "--tokens") {
            tokenCounts.clear();
            for (const char* s = argv[i + 1]; *s; s += *s == ',') tokenCounts.push_back(std::strtoul(s, const_cast<char**>(&s), 10));
        }
    }
    if (bandwidth <= 0) bandwidth = measuredBandwidth(argv[0]);
    ThreadPool pool(threads);
    std::printf("isa %s, %zu threads, memory read bandwidth %.1f GB/s\n", isaName(activeIsa()), pool.size(), bandwidth);

    std::vector<unsigned char> storage(std::max(kRotation, size_t(64) << 20));
    std::vector<float> scales(11008, 0.01f / 127);
    const size_t maxTokens = *std::max_element(tokenCounts.begin(), tokenCounts.end());
    std::vector<float> x(std::max<size_t>(maxTokens, 1) * 11008), y(std::max<size_t>(maxTokens, 1) * 11008);
    std::mt19937 rng(7);
    for (float& v : x) v = std::normal_distribution<float>(0.0f, 1.0f)(rng);

    if (only != "prefill") {
        std::printf("\ndecode, 1 token (matrix rotated through 1 GiB of copies)\n");
        std::printf("%-5s %-8s %-6s %9s %10s %9s %8s\n", "model", "matrix", "weights", "MB", "us/call", "GB/s", "of bw");
        for (const Shape& s : shapes())
            for (const Weights& w : s.weights) {
                if (!selected(s, w, filter)) continue;
                const size_t bytes = matrixBytes(w, s.rows, s.cols), copies = std::max<size_t>(1, kRotation / bytes);
                fill(storage.data(), copies * bytes, w, 1);
                std::vector<double> seconds;
                for (int r = 0; r < repeats; ++r) {
                    const auto start = Clock::now();
                    for (size_t c = 0; c < copies; ++c) {
                        const Matrix m{storage.data() + c * bytes, w.type, s.rows, s.cols,
                                       w.type == DType::I8 ? scales.data() : nullptr, w.format};
                        linear(pool, x.data(), 1, m, {}, y.data(), s.rows);
                    }
                    seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count() / double(copies));
                }
                const double t = median(seconds), gbs = double(bytes) / t / 1e9;
                std::printf("%-5s %-8s %-7s %8.2f %10.1f %9.2f %7.0f%%\n", s.model, s.matrix, w.name, double(bytes) / 1e6,
                            t * 1e6, gbs, bandwidth > 0 ? 100 * gbs / bandwidth : 0.0);
            }
    }

    if (only != "prefill" && filter.empty()) {
        std::printf("\ndecode, 1 token, whole layers (q k v o gate up down in turn, rotated through 1 GiB)\n");
        std::printf("%-5s %-7s %9s %10s %9s %8s\n", "model", "file", "MB", "us/layer", "GB/s", "of bw");
        for (const Layer& l : layers()) {
            size_t layerBytes = 0;
            for (const LayerMatrix& m : l.matrices) layerBytes += matrixBytes(m.weights, m.rows, m.cols);
            const size_t copies = std::max<size_t>(1, kRotation / layerBytes);
            std::vector<Matrix> matrices;
            size_t at = 0;
            for (size_t c = 0; c < copies; ++c)
                for (const LayerMatrix& m : l.matrices) {
                    const size_t bytes = matrixBytes(m.weights, m.rows, m.cols);
                    fill(storage.data() + at, bytes, m.weights, uint32_t(at));
                    matrices.push_back({storage.data() + at, m.weights.type, m.rows, m.cols, nullptr, m.weights.format});
                    at += bytes;
                }
            std::vector<double> seconds;
            for (int r = 0; r < repeats; ++r) {
                const auto start = Clock::now();
                for (const Matrix& m : matrices) linear(pool, x.data(), 1, m, {}, y.data(), m.rows);
                seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count() / double(copies));
            }
            const double t = median(seconds), gbs = double(layerBytes) / t / 1e9;
            std::printf("%-5s %-7s %9.2f %10.1f %9.2f %7.0f%%\n", l.model, l.file, double(layerBytes) / 1e6, t * 1e6, gbs,
                        bandwidth > 0 ? 100 * gbs / bandwidth : 0.0);
        }
    }

    if (only != "decode") {
        for (size_t tokens : tokenCounts) {
            std::printf("\n%zu tokens (one matrix, warm)\n", tokens);
            std::printf("%-5s %-8s %-7s %-11s %10s %9s\n", "model", "matrix", "weights", "path", "ms", "GFLOP/s");
            for (const Shape& s : shapes())
                for (const Weights& w : s.weights) {
                    if (!selected(s, w, filter)) continue;
                    const size_t bytes = matrixBytes(w, s.rows, s.cols);
                    fill(storage.data(), bytes, w, 2);
                    const Matrix m{storage.data(), w.type, s.rows, s.cols, w.type == DType::I8 ? scales.data() : nullptr,
                                   w.format};
                    struct Path {
                        const char* name;
                        Activations activations;
                        BlockStrategy strategy;
                    };
                    std::vector<Path> paths;
                    if (w.type == DType::Blocks)
                        paths = {{"integer", Activations::F32, BlockStrategy::Integer},
                                 {"dequantize", Activations::F32, BlockStrategy::Dequantize},
                                 {"auto", Activations::F32, BlockStrategy::Auto}};
                    else if (w.type == DType::BF16)
                        paths = {{"f32", Activations::F32, BlockStrategy::Auto}, {"bf16", Activations::Bf16, BlockStrategy::Auto}};
                    else
                        paths = {{"f32", Activations::F32, BlockStrategy::Auto}};
                    for (const Path& p : paths) {
                        std::vector<double> seconds;
                        linear(pool, x.data(), tokens, m, {}, y.data(), s.rows, p.activations, p.strategy);  // warm
                        for (int r = 0; r < std::max(3, repeats / 3); ++r) {
                            const auto start = Clock::now();
                            linear(pool, x.data(), tokens, m, {}, y.data(), s.rows, p.activations, p.strategy);
                            seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
                        }
                        const double t = median(seconds);
                        std::printf("%-5s %-8s %-7s %-11s %10.3f %9.1f\n", s.model, s.matrix, w.name, p.name, t * 1e3,
                                    2.0 * double(s.rows * s.cols * tokens) / t / 1e9);
                    }
                }
        }
    }
}
