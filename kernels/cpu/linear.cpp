#include "kernels/cpu/linear.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/cpu/convert.h"

namespace pagoda::cpu {

namespace {

// Output rows handled together: their widened weights stay in L2 while every token of the
// batch is multiplied against them, so weights are read from memory once per call.
constexpr size_t kRowTile = 32;
// Rows computed at once per token: one load of x feeds this many FMAs.
constexpr size_t kRowBlock = 4;

using Vec = float __attribute__((vector_size(32)));  // 8 lanes; one AVX register, two SSE ones

inline Vec loadVec(const float* p) {
    Vec v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

inline float horizontalSum(Vec v) {
    float s = 0.0f;
    for (int i = 0; i < 8; ++i) s += v[i];
    return s;
}

// One output y[t][r] = x[t] · w[r], for the edges the blocked kernel leaves.
inline float dotVec(const float* x, const float* w, size_t cols, size_t vecCols) {
    Vec a = {};
    for (size_t i = 0; i < vecCols; i += 8) a += loadVec(x + i) * loadVec(w + i);
    float s = horizontalSum(a);
    for (size_t i = vecCols; i < cols; ++i) s += x[i] * w[i];
    return s;
}

// y[t][row0 + r] = x[t] · rows[r] for a tile of widened f32 rows, in blocks of 4 tokens ×
// 4 rows: each loaded vector of x feeds four rows and each of w four tokens, so the loop
// runs on registers rather than on L2 bandwidth. Compiled for AVX-512, AVX2+FMA and the
// baseline; the loader picks the best this CPU runs (GCC target_clones).
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void multiplyTile(const float* x, size_t numTokens, size_t cols, const float* rows, size_t rowCount, float* y,
                  size_t yStride, size_t row0) {
    const size_t vecCols = cols / 8 * 8;
    size_t t = 0;
    for (; t + 4 <= numTokens; t += 4) {
        const float* x0 = x + t * cols;
        size_t r = 0;
        for (; r + kRowBlock <= rowCount; r += kRowBlock) {
            const float* w0 = rows + r * cols;
            Vec acc[4][kRowBlock] = {};
            for (size_t i = 0; i < vecCols; i += 8) {
                Vec xv[4];
                for (int k = 0; k < 4; ++k) xv[k] = loadVec(x0 + size_t(k) * cols + i);
                for (size_t j = 0; j < kRowBlock; ++j) {
                    const Vec wv = loadVec(w0 + j * cols + i);
                    for (int k = 0; k < 4; ++k) acc[k][j] += xv[k] * wv;
                }
            }
            for (int k = 0; k < 4; ++k)
                for (size_t j = 0; j < kRowBlock; ++j) {
                    float s = horizontalSum(acc[k][j]);
                    for (size_t i = vecCols; i < cols; ++i) s += x0[size_t(k) * cols + i] * w0[j * cols + i];
                    y[(t + size_t(k)) * yStride + row0 + r + j] = s;
                }
        }
        for (; r < rowCount; ++r)
            for (size_t k = 0; k < 4; ++k)
                y[(t + k) * yStride + row0 + r] = dotVec(x0 + k * cols, rows + r * cols, cols, vecCols);
    }
    for (; t < numTokens; ++t) {  // decode lands here: one token, every row once
        const float* xt = x + t * cols;
        float* yt = y + t * yStride + row0;
        size_t r = 0;
        for (; r + kRowBlock <= rowCount; r += kRowBlock) {
            const float* w0 = rows + r * cols;
            Vec acc[kRowBlock] = {};
            for (size_t i = 0; i < vecCols; i += 8) {
                const Vec xv = loadVec(xt + i);
                for (size_t j = 0; j < kRowBlock; ++j) acc[j] += xv * loadVec(w0 + j * cols + i);
            }
            for (size_t j = 0; j < kRowBlock; ++j) {
                float s = horizontalSum(acc[j]);
                for (size_t i = vecCols; i < cols; ++i) s += xt[i] * w0[j * cols + i];
                yt[r + j] = s;
            }
        }
        for (; r < rowCount; ++r) yt[r] = dotVec(xt, rows + r * cols, cols, vecCols);
    }
}

}  // namespace

void linear(ThreadPool& pool, const float* x, size_t numTokens, const Matrix& w, const Vector& bias, float* y,
            size_t yStride) {
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
            multiplyTile(x, numTokens, w.cols, rows, rowCount, y, yStride, row0);
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
