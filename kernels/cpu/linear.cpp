#include "kernels/cpu/linear.h"

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/cpu/isa/kernel_table.h"

namespace pagoda::cpu {

namespace {

// Output rows one task handles. Prefill widens them to f32 once and multiplies every
// token against them while they sit in L2; decode streams them straight from memory.
constexpr size_t kRowTile = 32;
// Block-format decode splits its rows finer (see linearIntegerBlocks).
constexpr size_t kDecodeRowTile = 16;
// Up to this many tokens the weights are read in their own dtype for each token (decode,
// small batches); from here on widening once and register-blocking wins.
constexpr size_t kMaxDirectTokens = 3;
// From this many tokens Q8_0 on the avx512 table is dequantized (integerBlocks).
constexpr size_t kMinDequantizeTokens = 64;
// Tokens quantized per task when a call has many.
constexpr size_t kTokensPerQuantizeTask = 8;

// Which strategy multiplies block-format weights (BlockStrategy::Auto). Measured with
// tests/perf/block_linear_bench on the Qwen2.5-0.5B and 3B matrices, 25 and 512 tokens, on a
// 2-core Xeon (Emerald Rapids): the integer kernels were faster in every case on the avx512bf16
// table (VNNI; 1.7-3.3x at 512 tokens, 2.3-8x at 25) and on the avx2 one (1.3-2.1x), and on the
// avx512 table (no VNNI) in every case but Q8_0, whose unsigned bytes only VNNI multiplies
// without saturating: there dequantizing to f32 was 1.05-1.4x faster at 512 tokens and even
// at 25.
bool integerBlocks(const KernelTable& k, const Matrix& w, size_t numTokens, BlockStrategy strategy) {
    if (strategy != BlockStrategy::Auto) return strategy == BlockStrategy::Integer;
    return !(k.isa == Isa::Avx512 && w.format == BlockFormat::Q8_0 && numTokens >= kMinDequantizeTokens);
}

void addBias(const Vector& bias, size_t row0, size_t rowCount, size_t numTokens, float* y, size_t yStride) {
    for (size_t r = 0; r < rowCount; ++r) {
        const float b = loadAsFloat(bias.data, bias.type, row0 + r);
        for (size_t t = 0; t < numTokens; ++t) y[t * yStride + row0 + r] += b;
    }
}

// Blocks × activations quantized once here: every task reads the same quantized x.
void linearIntegerBlocks(ThreadPool& pool, const KernelTable& k, const float* x, size_t numTokens, const Matrix& w,
                         const Vector& bias, float* y, size_t yStride) {
    const size_t cols = w.cols, group = activationGroup(w.format);
    // Grown to the largest call, never shrunk.
    thread_local std::vector<int8_t> q;
    thread_local std::vector<float> scales;
    thread_local std::vector<int16_t> sums;
    q.resize(numTokens * cols);
    scales.resize(numTokens * cols / group);
    sums.resize(numTokens * cols / 16);
    int8_t* qData = q.data();
    float* scaleData = scales.data();
    int16_t* sumData = sums.data();
    auto quantize = [&](size_t begin, size_t end) {
        for (size_t t = begin; t < end; ++t)
            k.quantizeActivations(x + t * cols, cols, group, qData + t * cols, scaleData + t * (cols / group),
                                  sumData + t * (cols / 16));
    };
    if (numTokens <= kTokensPerQuantizeTask) {
        quantize(0, numTokens);
    } else {
        pool.parallelFor((numTokens + kTokensPerQuantizeTask - 1) / kTokensPerQuantizeTask, [&](size_t b, size_t e) {
            quantize(b * kTokensPerQuantizeTask, std::min(numTokens, e * kTokensPerQuantizeTask));
        });
    }
    const QuantizedActivations xq{qData, scaleData, sumData, cols, group};
    const WeightRows rows{w.data, w.type, nullptr, cols, w.format};
    // Decode tiles are smaller: the pool hands out a few tiles per chunk, and 896-row matrices in
    // 32-row tiles left one of two threads a chunk more than the other (2 threads, Qwen2.5-0.5B
    // ffn_down: 66-70% of the read bandwidth with 32 rows, 72-77% with 16; 8 gained nothing).
    const size_t rowTile = numTokens <= kMaxDirectTokens ? kDecodeRowTile : kRowTile;
    const size_t numTiles = (w.rows + rowTile - 1) / rowTile;
    pool.parallelFor(numTiles, [&](size_t tileBegin, size_t tileEnd) {
        for (size_t tile = tileBegin; tile < tileEnd; ++tile) {
            const size_t row0 = tile * rowTile;
            const size_t rowCount = std::min(rowTile, w.rows - row0);
            k.multiplyBlocks(xq, numTokens, rows, row0, rowCount, y, yStride);
            if (bias.data) addBias(bias, row0, rowCount, numTokens, y, yStride);
        }
    });
}

// Packed bf16 weights, several matrices over the same x in one parallel loop (linearGroup).
// F32 activations: one panel per item, the exact kernel for any token count, which computes
// each token alone in one order, so a sequence's logits do not depend on how it was cut into
// steps or who shares its batch. Bf16: x rounded once for every matrix, and tokens taken in
// chunks whose bf16 rows fit in L2 beside a few panels, so a chunk's activations come from
// cache for every panel; items are (chunk, matrix, group of panels), chunk-major.
constexpr size_t kPanelsPerItem = 4;
constexpr size_t kChunkBytes = size_t(1) << 20;

void linearPacked(ThreadPool& pool, const KernelTable& k, const float* x, size_t numTokens,
                  std::span<const LinearTarget> targets, Activations activations) {
    if (numTokens == 0) return;  // a prefill chunk that wants no logits
    const size_t cols = targets[0].w.cols, stride = targets[0].w.packed->paddedCols();
    const bool bf16 = activations == Activations::Bf16 && numTokens > kMaxDirectTokens;
    // (Thread-local buffers are named through pointers: inside the lambdas the name would mean
    // each worker's own, empty vector.)
    thread_local std::vector<float> paddedX;
    thread_local std::vector<uint16_t> roundedX;
    const float* xf = x;
    const uint16_t* xb = nullptr;
    if (!bf16 && stride != cols) {
        // The kernel reads whole tiles of x: pad rows whose length is not a multiple of 32.
        paddedX.assign(numTokens * stride, 0.0f);
        for (size_t t = 0; t < numTokens; ++t) std::copy_n(x + t * cols, cols, paddedX.data() + t * stride);
        xf = paddedX.data();
    }
    if (bf16) {
        // Rows padded to the tile width, and up to a multiple of 16 with zeros (AMX reads whole tiles).
        const size_t paddedTokens = (numTokens + kPanelRows - 1) / kPanelRows * kPanelRows;
        roundedX.resize(paddedTokens * stride);
        uint16_t* out = roundedX.data();
        pool.parallelFor(paddedTokens, [&](size_t begin, size_t end) {
            for (size_t t = begin; t < end; ++t) {
                if (t < numTokens) k.roundToBf16(x + t * cols, cols, out + t * stride);
                std::fill(out + t * stride + (t < numTokens ? cols : 0), out + (t + 1) * stride, uint16_t(0));
            }
        });
        xb = out;
    }
    const size_t panelsPerItem = bf16 ? kPanelsPerItem : 1;
    const size_t chunkTokens =
        bf16 ? std::clamp(kChunkBytes / (stride * sizeof(uint16_t)) / 32 * 32, size_t(32), size_t(256))
                                 : numTokens;
    const size_t numChunks = (numTokens + chunkTokens - 1) / chunkTokens;
    // firstGroup[i]: the first item (within a chunk) of target i.
    std::vector<size_t> firstGroup(targets.size() + 1, 0);
    for (size_t i = 0; i < targets.size(); ++i)
        firstGroup[i + 1] = firstGroup[i] + (targets[i].w.packed->numPanels() + panelsPerItem - 1) / panelsPerItem;
    const size_t groups = firstGroup.back();
    pool.parallelFor(numChunks * groups, [&](size_t begin, size_t end) {
        for (size_t item = begin; item < end; ++item) {
            const size_t t0 = item / groups * chunkTokens, tokens = std::min(chunkTokens, numTokens - t0);
            const size_t group = item % groups;
            const size_t i = size_t(std::upper_bound(firstGroup.begin(), firstGroup.end(), group) - firstGroup.begin()) - 1;
            const LinearTarget& target = targets[i];
            const PackedBf16& packed = *target.w.packed;
            const size_t panel0 = (group - firstGroup[i]) * panelsPerItem;
            const size_t panelCount = std::min(panelsPerItem, packed.numPanels() - panel0);
            float* y = target.y + t0 * target.yStride;
            if (bf16)
                k.multiplyPackedBf16(xb + t0 * stride, stride, tokens, packed.view(), panel0, panelCount, y, target.yStride);
            else
                k.multiplyPacked(xf, stride, tokens, packed.view(), panel0, panelCount, y, target.yStride);
            if (target.bias.data) {
                const size_t row0 = panel0 * kPanelRows;
                addBias(target.bias, row0, std::min(panelCount * kPanelRows, target.w.rows - row0), tokens, y, target.yStride);
            }
        }
    });
}

}  // namespace

void linear(ThreadPool& pool, const float* x, size_t numTokens, const Matrix& w, const Vector& bias, float* y,
            size_t yStride, Activations activations, BlockStrategy blockStrategy) {
    const KernelTable& k = kernels();
    if (w.packed) {
        const LinearTarget target{w, bias, y, yStride};
        return linearPacked(pool, k, x, numTokens, std::span(&target, 1), activations);
    }
    if (w.type == DType::Blocks && integerBlocks(k, w, numTokens, blockStrategy))
        return linearIntegerBlocks(pool, k, x, numTokens, w, bias, y, yStride);
    const WeightRows rows{w.data, w.type, w.rowScales, w.cols, w.format};
    const size_t numTiles = (w.rows + kRowTile - 1) / kRowTile;
    const bool direct = numTokens <= kMaxDirectTokens && w.type != DType::Blocks;
    const bool bf16 = activations == Activations::Bf16 && w.type == DType::BF16 && k.multiplyBf16 && !direct;
    // Rounded once here, read by every task; grown to the largest call, never shrunk.
    thread_local std::vector<uint16_t> roundedX;
    if (bf16) {
        roundedX.resize(numTokens * w.cols);
        for (size_t i = 0; i < numTokens * w.cols; ++i) roundedX[i] = floatToBf16(x[i]);
    }
    const uint16_t* xBf16 = roundedX.data();
    // f32 rows are used in place when aligned; a file may legally place them anywhere.
    const bool inPlace = w.type == DType::F32 && reinterpret_cast<uintptr_t>(w.data) % alignof(float) == 0;
    pool.parallelFor(numTiles, [&](size_t tileBegin, size_t tileEnd) {
        thread_local std::vector<float> widened;
        for (size_t tile = tileBegin; tile < tileEnd; ++tile) {
            const size_t row0 = tile * kRowTile;
            const size_t rowCount = std::min(kRowTile, w.rows - row0);
            if (direct) {
                k.multiplyRows(x, numTokens, rows, row0, rowCount, y, yStride);
            } else if (bf16) {
                k.multiplyBf16(xBf16, numTokens, rows, row0, rowCount, y, yStride);
            } else {
                const float* tileRows;
                if (inPlace) {
                    tileRows = static_cast<const float*>(w.data) + row0 * w.cols;
                } else {
                    widened.resize(kRowTile * w.cols);
                    k.widenRows(rows, row0, rowCount, widened.data());
                    tileRows = widened.data();
                }
                k.multiplyWidened(x, numTokens, w.cols, tileRows, rowCount, y, yStride, row0);
            }
            if (bias.data) addBias(bias, row0, rowCount, numTokens, y, yStride);
        }
    });
}

void linearGroup(ThreadPool& pool, const float* x, size_t numTokens, std::span<const LinearTarget> targets,
                 Activations activations) {
    const bool allPacked = std::all_of(targets.begin(), targets.end(), [&](const LinearTarget& t) {
        return t.w.packed && t.w.cols == targets[0].w.cols;
    });
    if (!targets.empty() && allPacked) return linearPacked(pool, kernels(), x, numTokens, targets, activations);
    for (const LinearTarget& t : targets) linear(pool, x, numTokens, t.w, t.bias, t.y, t.yStride, activations);
}

}  // namespace pagoda::cpu
