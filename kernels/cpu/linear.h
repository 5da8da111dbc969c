// y = x · Wᵀ (+ b): the matrix product of every projection, with W kept in its
// checkpoint dtype ([out, in], row-major, as HF stores Linear weights).
#pragma once

#include <cstddef>
#include <span>

#include "kernels/common/dtype.h"
#include "kernels/cpu/block_formats.h"
#include "kernels/cpu/packed_bf16.h"
#include "kernels/cpu/thread_pool.h"

namespace pagoda::cpu {

struct Matrix {
    const void* data = nullptr;  // [rows, cols] row-major, no alignment required
    DType type = DType::F32;
    size_t rows = 0;
    size_t cols = 0;
    const float* rowScales = nullptr;  // I8 only: w[r][i] = rowScales[r] * data[r][i]
    BlockFormat format = BlockFormat::F32;  // DType::Blocks only: each row is cols / elements blocks
    // Bf16 weights packed for the tile kernels (packed_bf16.h); when set, data is not read.
    const PackedBf16* packed = nullptr;
};

struct Vector {
    const void* data = nullptr;  // nullptr means absent
    DType type = DType::F32;
    size_t size = 0;
};

// How activations meet the weights. F32: exactly (weights widened, f32 FMAs). Bf16: for bf16
// weights on CPUs with AVX512_BF16, x is rounded to bf16 and multiplied with vdpbf16ps, or on
// AMX tiles when the weights are packed (f32 accumulation), as vLLM, llama.cpp and torch compute
// bf16 models, for prefill and batches. Decode-sized calls (<= 3 tokens) are memory-bound and
// stay exact.
enum class Activations { F32, Bf16 };

// How weights in a GGUF block format (DType::Blocks) meet the activations. Integer: x is
// quantized to 8 bits per block (kernel_table.h, QuantizedActivations) and multiplied with the
// blocks in integer arithmetic, each block decoded once per four tokens (for eight tokens and
// more, the 32-element formats rearrange a tile's rows first: block_kernels_impl.h).
// Dequantize: a tile of rows is decoded to f32 and multiplied exactly as f32 weights are. Auto
// (what the engine uses): whichever measured faster for the table, format and token count
// (linear.cpp: Integer but for one case); the others are for tests and benchmarks.
enum class BlockStrategy { Auto, Integer, Dequantize };

// x: [numTokens, w.cols] f32; y: [numTokens, w.rows] f32 with row stride yStride
// (so fused outputs can be written side by side). bias, if present, has w.rows elements.
// Runs with the active instruction set's kernels (isa.h); rows are split over the pool.
void linear(ThreadPool& pool, const float* x, size_t numTokens, const Matrix& w, const Vector& bias,
            float* y, size_t yStride, Activations activations = Activations::F32,
            BlockStrategy blockStrategy = BlockStrategy::Auto);

// One product of linearGroup: y = x · wᵀ (+ bias), y's rows yStride apart.
struct LinearTarget {
    Matrix w;
    Vector bias;
    float* y = nullptr;
    size_t yStride = 0;
};

// linear() for several matrices over the same x (q, k and v; gate and up). With packed weights
// of one width they run as one parallel loop over all their rows, x prepared once; otherwise
// one after another.
void linearGroup(ThreadPool& pool, const float* x, size_t numTokens, std::span<const LinearTarget> targets,
                 Activations activations = Activations::F32);

}  // namespace pagoda::cpu
