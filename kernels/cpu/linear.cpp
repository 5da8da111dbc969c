#include "kernels/cpu/linear.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/cpu/isa/kernel_table.h"

namespace pagoda::cpu {

namespace {

// Output rows one task handles. Prefill widens them to f32 once and multiplies every
// token against them while they sit in L2; decode streams them straight from memory.
constexpr size_t kRowTile = 32;
// Up to this many tokens the weights are read in their own dtype for each token (decode,
// small batches); from here on widening once and register-blocking wins.
constexpr size_t kMaxDirectTokens = 3;

}  // namespace

void linear(ThreadPool& pool, const float* x, size_t numTokens, const Matrix& w, const Vector& bias, float* y,
            size_t yStride, Activations activations) {
    const KernelTable& k = kernels();
    const WeightRows rows{w.data, w.type, w.rowScales, w.cols};
    const size_t numTiles = (w.rows + kRowTile - 1) / kRowTile;
    const bool direct = numTokens <= kMaxDirectTokens;
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
            if (bias.data) {
                for (size_t r = 0; r < rowCount; ++r) {
                    const float b = loadAsFloat(bias.data, bias.type, row0 + r);
                    for (size_t t = 0; t < numTokens; ++t) y[t * yStride + row0 + r] += b;
                }
            }
        }
    });
}

}  // namespace pagoda::cpu
