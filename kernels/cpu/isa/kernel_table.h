// The CPU kernels compiled once per instruction set (kernels_<isa>.cpp), as a table of
// plain function pointers: the dispatcher picks one table at run time, and tests call
// every table the machine can run against the reference kernels.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/common/dtype.h"
#include "kernels/cpu/block_formats.h"
#include "kernels/cpu/isa/attention_tile.h"
#include "kernels/cpu/isa.h"

namespace pagoda::cpu {

// Rows of a weight matrix in their stored dtype; row r starts at element r * cols.
// I8 rows carry one f32 scale each (weight-only quantization): w = scale[r] * q.
struct WeightRows {
    const void* data = nullptr;
    DType type = DType::F32;
    const float* rowScales = nullptr;
    size_t cols = 0;
    BlockFormat format = BlockFormat::F32;  // DType::Blocks only
};

// A bf16 matrix [rows, cols] packed for the tile kernels (kernels/cpu/packed_bf16.h): panels
// of 16 rows, each a run of tilesPerPanel tiles of 32 columns; a tile is 16 rows of 64 bytes,
// row p holding, for each of the panel's 16 matrix rows n, the pair w[n][2p], w[n][2p + 1] of
// the tile's columns. That is AMX's B-operand layout, and each tile row is one 64-byte vector
// of 16 outputs for vdpbf16ps. Rows past `rows` and columns past `cols` are zeros.
struct PackedRows {
    const uint16_t* panels = nullptr;
    size_t rows = 0;
    size_t cols = 0;
    size_t tilesPerPanel = 0;
};

// Activations quantized to 8 bits for the block-format kernels, [numTokens, cols]: token t's
// element i is scales[t][i / group] * q[t][i], with q in [-127, 127] rounded to nearest from a
// symmetric scale (the largest magnitude of the group maps to 127), and sums[t][k] the sum of
// q over elements 16k .. 16k+15 (what the offsets and minimums of the weight blocks multiply).
// group is the weight block's element count: 32 for Q4_0 … Q8_0, 256 for the K formats.
struct QuantizedActivations {
    const int8_t* q = nullptr;
    const float* scales = nullptr;
    const int16_t* sums = nullptr;
    size_t cols = 0;
    size_t group = 0;
};

// The activation group of a block format: its block's element count (see above).
size_t activationGroup(BlockFormat format);

struct KernelTable {
    Isa isa;
    // dst[r * cols + i] = w[row0 + r][i] as f32 (scaled for I8, decoded for Blocks), r < rowCount.
    void (*widenRows)(const WeightRows& w, size_t row0, size_t rowCount, float* dst);
    // y[t * yStride + row0 + r] = x[t] · w[row0 + r] for t < numTokens, r < rowCount, reading
    // the weights in their dtype: the decode path, each weight read once for all tokens.
    void (*multiplyRows)(const float* x, size_t numTokens, const WeightRows& w, size_t row0, size_t rowCount,
                         float* y, size_t yStride);
    // The same from rows widened to f32 (rows[r * cols]): the prefill path, register-blocked.
    void (*multiplyWidened)(const float* x, size_t numTokens, size_t cols, const float* rows, size_t rowCount,
                            float* y, size_t yStride, size_t row0);
    // The same for bf16 weights and activations already rounded to bf16 (xBf16, [numTokens,
    // cols]), accumulating in f32. Null where the instruction set has no bf16 dot product.
    void (*multiplyBf16)(const uint16_t* xBf16, size_t numTokens, const WeightRows& w, size_t row0, size_t rowCount,
                         float* y, size_t yStride);
    // y[t * yStride + 16 * panel + n] = x[t] · w[16 * panel + n] for panel0 <= panel < panel0 +
    // panelCount and the panel's rows that exist, t < numTokens, in f32 arithmetic (the weights
    // widened exactly): decode from packed weights. x rows are xStride floats apart and hold
    // w.tilesPerPanel * 32 readable values, zeros past w.cols. Null below Avx512Bf16.
    void (*multiplyPacked)(const float* x, size_t xStride, size_t numTokens, const PackedRows& w, size_t panel0,
                           size_t panelCount, float* y, size_t yStride);
    // The same with activations rounded to bf16 (xBf16, rows xStride values apart, zeros past
    // w.cols, and rows up to numTokens rounded up to 16 readable and zero), accumulating in f32:
    // vdpbf16ps on the Avx512Bf16 table, AMX tiles on the Amx one. Null below Avx512Bf16.
    void (*multiplyPackedBf16)(const uint16_t* xBf16, size_t xStride, size_t numTokens, const PackedRows& w,
                               size_t panel0, size_t panelCount, float* y, size_t yStride);
    // out[i] = x[i] rounded to bf16, to nearest even (floatToBf16's bits for every non-NaN).
    void (*roundToBf16)(const float* x, size_t n, uint16_t* out);
    // Quantizes one token's activations (cols elements, a multiple of group) as described at
    // QuantizedActivations: q[cols], scales[cols / group], sums[cols / 16]. Every table gives
    // the same bytes.
    void (*quantizeActivations)(const float* x, size_t cols, size_t group, int8_t* q, float* scales, int16_t* sums);
    // y[t * yStride + row0 + r] = x[t] · w[row0 + r] for weights in a block format (w.type ==
    // DType::Blocks), with integer dot products of the blocks against activations quantized
    // with x.group == activationGroup(w.format); each row is read once per four tokens.
    void (*multiplyBlocks)(const QuantizedActivations& x, size_t numTokens, const WeightRows& w, size_t row0,
                           size_t rowCount, float* y, size_t yStride);
    // out[i] = silu(gate[i]) * up[i] with a vector exp (within a few ulp of std::exp).
    void (*siluMul)(const float* gate, const float* up, size_t n, float* out);
    float (*dot)(const float* a, const float* b, size_t n);
    void (*axpy)(float a, const float* x, float* y, size_t n);  // y += a x
    void (*scale)(float a, float* y, size_t n);                  // y *= a
    // Causal attention of one query tile over the paged KV cache (attention_tile.h).
    void (*attendTile)(const AttentionTile& tile);
};

const KernelTable& baselineKernels();
const KernelTable& avx2Kernels();
const KernelTable& avx512Kernels();
const KernelTable& avx512Bf16Kernels();
const KernelTable& amxKernels();

// The table for `isa`; the active one by default.
const KernelTable& kernelsFor(Isa isa);
const KernelTable& kernels();

}  // namespace pagoda::cpu
