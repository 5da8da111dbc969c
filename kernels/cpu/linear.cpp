#include "kernels/cpu/linear.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/cpu/convert.h"
#include "kernels/cpu/vector_math.h"

namespace pagoda::cpu {

namespace {

// Output rows handled together: their widened weights stay in L1/L2 while every token
// of the batch is multiplied against them, so weights are read from memory once per call.
constexpr size_t kRowTile = 8;

}  // namespace

void linear(ThreadPool& pool, const float* x, size_t numTokens, const Matrix& w, const Vector& bias,
            float* y, size_t yStride) {
    const size_t numTiles = (w.rows + kRowTile - 1) / kRowTile;
    // f32 rows are used in place when aligned; a file may legally place them anywhere.
    const bool direct = w.type == DType::F32 && reinterpret_cast<uintptr_t>(w.data) % alignof(float) == 0;
    pool.parallelFor(numTiles, [&](size_t tileBegin, size_t tileEnd) {
        thread_local std::vector<float> widened;
        if (!direct) widened.resize(kRowTile * w.cols);
        for (size_t tile = tileBegin; tile < tileEnd; ++tile) {
            const size_t row0 = tile * kRowTile;
            const size_t rowCount = std::min(kRowTile, w.rows - row0);
            const float* rows;
            if (direct) {
                rows = static_cast<const float*>(w.data) + row0 * w.cols;
            } else {
                convertToFloat(w.data, w.type, row0 * w.cols, rowCount * w.cols, widened.data());
                rows = widened.data();
            }
            for (size_t t = 0; t < numTokens; ++t) {
                const float* xt = x + t * w.cols;
                float* yt = y + t * yStride;
                for (size_t r = 0; r < rowCount; ++r) yt[row0 + r] = dot(xt, rows + r * w.cols, w.cols);
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
