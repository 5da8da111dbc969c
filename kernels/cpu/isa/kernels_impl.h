// The CPU kernels, written once over simd.h and compiled once per instruction set by
// kernels_<isa>.cpp (which defines PAGODA_KERNEL_ISA first). Anonymous namespace and no
// calls into shared inline code: see simd.h for why.
#pragma once

#include "kernels/cpu/isa/attention_kernels_impl.h"
#include "kernels/cpu/isa/block_kernels_impl.h"
#include "kernels/cpu/isa/kernel_table.h"
#include "kernels/cpu/isa/packed_kernels_impl.h"
#include "kernels/cpu/isa/simd.h"

namespace pagoda::cpu {
namespace {

// Vector and scalar reads of element i of a weight matrix stored as T.
template <DType T>
inline VF loadWeights(const void* base, size_t i) {
    const auto* bytes = static_cast<const unsigned char*>(base);
    if constexpr (T == DType::F32) return vload(reinterpret_cast<const float*>(bytes) + i);
    if constexpr (T == DType::BF16) return vloadBf16(bytes + 2 * i);
    if constexpr (T == DType::F16) return vloadF16(bytes + 2 * i);
    if constexpr (T == DType::I8) return vloadI8(bytes + i);
}

template <DType T>
inline float loadWeight(const void* base, size_t i) {
    const auto* bytes = static_cast<const unsigned char*>(base);
    if constexpr (T == DType::F32) {
        float f;
        __builtin_memcpy(&f, bytes + 4 * i, 4);
        return f;
    } else if constexpr (T == DType::I8) {
        return float(static_cast<int8_t>(bytes[i]));
    } else {
        uint16_t h;
        __builtin_memcpy(&h, bytes + 2 * i, 2);
        return T == DType::BF16 ? scalarBf16(h) : scalarF16(h);
    }
}

template <DType T>
inline const unsigned char* weightAddress(const void* base, size_t i) {
    constexpr size_t size = T == DType::F32 ? 4 : T == DType::I8 ? 1 : 2;
    return static_cast<const unsigned char*>(base) + i * size;
}

// Decode rows are short (896-4864 elements), so four of them make one contiguous block
// read as four interleaved streams, which the hardware prefetcher follows poorly; the loop
// therefore asks for the block after next itself, as fast as it consumes this one.
constexpr size_t kPrefetchBlocks = 2;
template <DType T>
constexpr size_t kBytesPerStep = 8 * kLanes * (T == DType::F32 ? 4 : T == DType::I8 ? 1 : 2);

inline float rowScale(const WeightRows& w, size_t row) { return w.rowScales ? w.rowScales[row] : 1.0f; }

template <DType T>
void widenRowsAs(const WeightRows& w, size_t row0, size_t rowCount, float* dst) {
    const size_t cols = w.cols, vecCols = cols / kLanes * kLanes;
    for (size_t r = 0; r < rowCount; ++r) {
        const size_t base = (row0 + r) * cols;
        const float s = rowScale(w, row0 + r);
        const VF sv = vset1(s);
        float* out = dst + r * cols;
        for (size_t i = 0; i < vecCols; i += kLanes) vstore(out + i, vmul(loadWeights<T>(w.data, base + i), sv));
        for (size_t i = vecCols; i < cols; ++i) out[i] = loadWeight<T>(w.data, base + i) * s;
    }
}

// Rows in blocks of four, so each load of x feeds four weight streams; every token of the
// (small) batch runs over the block while its rows are still in L1, so weights come from
// memory once per call. The memory-bound decode step lives here.
template <DType T>
void multiplyRowsAs(const float* x, size_t numTokens, const WeightRows& w, size_t row0, size_t rowCount, float* y,
                    size_t yStride) {
    constexpr size_t kBlock = 8;
    const size_t cols = w.cols, vecCols = cols / kLanes * kLanes;
    size_t r = 0;
    for (; r + kBlock <= rowCount; r += kBlock) {
        const size_t base = (row0 + r) * cols;
        for (size_t t = 0; t < numTokens; ++t) {
            const float* xt = x + t * cols;
            VF acc[kBlock];
            for (auto& a : acc) a = vzero();
            for (size_t i = 0; i < vecCols; i += kLanes) {
                const VF xv = vload(xt + i);
                const unsigned char* ahead = weightAddress<T>(w.data, base + kPrefetchBlocks * kBlock * cols) +
                                             i / kLanes * kBytesPerStep<T>;
                for (size_t line = 0; line < kBytesPerStep<T>; line += 64) __builtin_prefetch(ahead + line);
                for (size_t j = 0; j < kBlock; ++j) acc[j] = vfma(xv, loadWeights<T>(w.data, base + j * cols + i), acc[j]);
            }
            for (size_t j = 0; j < kBlock; ++j) {
                float s = vsum(acc[j]);
                for (size_t i = vecCols; i < cols; ++i) s += xt[i] * loadWeight<T>(w.data, base + j * cols + i);
                y[t * yStride + row0 + r + j] = s * rowScale(w, row0 + r + j);
            }
        }
    }
    for (; r < rowCount; ++r) {
        const size_t base = (row0 + r) * cols;
        for (size_t t = 0; t < numTokens; ++t) {
            const float* xt = x + t * cols;
            VF acc = vzero();
            for (size_t i = 0; i < vecCols; i += kLanes) acc = vfma(vload(xt + i), loadWeights<T>(w.data, base + i), acc);
            float s = vsum(acc);
            for (size_t i = vecCols; i < cols; ++i) s += xt[i] * loadWeight<T>(w.data, base + i);
            y[t * yStride + row0 + r] = s * rowScale(w, row0 + r);
        }
    }
}

void widenRows(const WeightRows& w, size_t row0, size_t rowCount, float* dst) {
    switch (w.type) {
        case DType::F32: return widenRowsAs<DType::F32>(w, row0, rowCount, dst);
        case DType::BF16: return widenRowsAs<DType::BF16>(w, row0, rowCount, dst);
        case DType::F16: return widenRowsAs<DType::F16>(w, row0, rowCount, dst);
        case DType::I8: return widenRowsAs<DType::I8>(w, row0, rowCount, dst);
        case DType::Blocks: return widenBlockRows(w, row0, rowCount, dst);
    }
}

void multiplyRows(const float* x, size_t numTokens, const WeightRows& w, size_t row0, size_t rowCount, float* y,
                  size_t yStride) {
    switch (w.type) {
        case DType::F32: return multiplyRowsAs<DType::F32>(x, numTokens, w, row0, rowCount, y, yStride);
        case DType::BF16: return multiplyRowsAs<DType::BF16>(x, numTokens, w, row0, rowCount, y, yStride);
        case DType::F16: return multiplyRowsAs<DType::F16>(x, numTokens, w, row0, rowCount, y, yStride);
        case DType::I8: return multiplyRowsAs<DType::I8>(x, numTokens, w, row0, rowCount, y, yStride);
        case DType::Blocks: break;  // linear() hands block formats to their own kernels
    }
}

// Blocks of 4 tokens × 4 rows: each loaded vector of x feeds four rows and each of w four
// tokens, sixteen accumulators in registers, so prefill runs on the FMA units rather than
// on cache bandwidth. Tokens left over go through the one-token loop.
void multiplyWidened(const float* x, size_t numTokens, size_t cols, const float* rows, size_t rowCount, float* y,
                     size_t yStride, size_t row0) {
    constexpr size_t kTokens = 4, kRows = 4;
    const size_t vecCols = cols / kLanes * kLanes;
    size_t t = 0;
    for (; t + kTokens <= numTokens; t += kTokens) {
        const float* x0 = x + t * cols;
        size_t r = 0;
        for (; r + kRows <= rowCount; r += kRows) {
            const float* w0 = rows + r * cols;
            VF acc[kTokens][kRows];
            for (auto& row : acc)
                for (auto& a : row) a = vzero();
            for (size_t i = 0; i < vecCols; i += kLanes) {
                VF xv[kTokens];
                for (size_t k = 0; k < kTokens; ++k) xv[k] = vload(x0 + k * cols + i);
                for (size_t j = 0; j < kRows; ++j) {
                    const VF wv = vload(w0 + j * cols + i);
                    for (size_t k = 0; k < kTokens; ++k) acc[k][j] = vfma(xv[k], wv, acc[k][j]);
                }
            }
            for (size_t k = 0; k < kTokens; ++k)
                for (size_t j = 0; j < kRows; ++j) {
                    float s = vsum(acc[k][j]);
                    for (size_t i = vecCols; i < cols; ++i) s += x0[k * cols + i] * w0[j * cols + i];
                    y[(t + k) * yStride + row0 + r + j] = s;
                }
        }
        if (r < rowCount) {
            const WeightRows rest{rows, DType::F32, nullptr, cols};
            multiplyRowsAs<DType::F32>(x0, kTokens, rest, r, rowCount - r, y + t * yStride + row0, yStride);
        }
    }
    if (t < numTokens) {
        const WeightRows widened{rows, DType::F32, nullptr, cols};
        multiplyRowsAs<DType::F32>(x + t * cols, numTokens - t, widened, 0, rowCount, y + t * yStride + row0, yStride);
    }
}

#if defined(__AVX512BF16__)
// y = x · w with x and w in bf16: vdpbf16ps multiplies 32 pairs per instruction into 16 f32
// lanes, twice the work of an f32 FMA, and the weights are used as stored (no widening).
// Blocks of 4 tokens × 4 rows as in multiplyWidened; a tail of cols % 32 goes scalar.
inline __m512bh loadBf16Pairs(const uint16_t* p) { return (__m512bh)_mm512_loadu_si512(p); }

constexpr size_t kPairLanes = 32;

// The scalar tail of a row past its last whole vector.
inline float bf16Dot(const uint16_t* x, const uint16_t* w, size_t from, size_t cols) {
    float s = 0.0f;
    for (size_t i = from; i < cols; ++i) s += scalarBf16(x[i]) * scalarBf16(w[i]);
    return s;
}

// One token against one row: what the blocks leave over.
inline float bf16RowDot(const uint16_t* x, const uint16_t* w, size_t cols) {
    const size_t vecCols = cols / kPairLanes * kPairLanes;
    __m512 acc = _mm512_setzero_ps();
    for (size_t i = 0; i < vecCols; i += kPairLanes) acc = _mm512_dpbf16_ps(acc, loadBf16Pairs(x + i), loadBf16Pairs(w + i));
    return vsum(acc) + bf16Dot(x, w, vecCols, cols);
}

void multiplyBf16(const uint16_t* xBf16, size_t numTokens, const WeightRows& w, size_t row0, size_t rowCount,
                  float* y, size_t yStride) {
    constexpr size_t kTokens = 4, kRows = 4;
    const size_t cols = w.cols, vecCols = cols / kPairLanes * kPairLanes;
    const auto* weights = static_cast<const uint16_t*>(w.data);
    size_t t = 0;
    for (; t + kTokens <= numTokens; t += kTokens) {
        const uint16_t* x0 = xBf16 + t * cols;
        size_t r = 0;
        for (; r + kRows <= rowCount; r += kRows) {
            const uint16_t* w0 = weights + (row0 + r) * cols;
            __m512 acc[kTokens][kRows];
            for (auto& row : acc)
                for (auto& a : row) a = _mm512_setzero_ps();
            for (size_t i = 0; i < vecCols; i += kPairLanes) {
                __m512bh xv[kTokens];
                for (size_t k = 0; k < kTokens; ++k) xv[k] = loadBf16Pairs(x0 + k * cols + i);
                for (size_t j = 0; j < kRows; ++j) {
                    const __m512bh wv = loadBf16Pairs(w0 + j * cols + i);
                    for (size_t k = 0; k < kTokens; ++k) acc[k][j] = _mm512_dpbf16_ps(acc[k][j], xv[k], wv);
                }
            }
            for (size_t k = 0; k < kTokens; ++k)
                for (size_t j = 0; j < kRows; ++j)
                    y[(t + k) * yStride + row0 + r + j] =
                        vsum(acc[k][j]) + bf16Dot(x0 + k * cols, w0 + j * cols, vecCols, cols);
        }
        for (; r < rowCount; ++r)
            for (size_t k = 0; k < kTokens; ++k)
                y[(t + k) * yStride + row0 + r] = bf16RowDot(x0 + k * cols, weights + (row0 + r) * cols, cols);
    }
    for (; t < numTokens; ++t)
        for (size_t r = 0; r < rowCount; ++r)
            y[t * yStride + row0 + r] = bf16RowDot(xBf16 + t * cols, weights + (row0 + r) * cols, cols);
}
constexpr auto kMultiplyBf16 = multiplyBf16;
#else
constexpr decltype(KernelTable::multiplyBf16) kMultiplyBf16 = nullptr;
#endif

// silu(g) = g · sigmoid(g), with sigmoid(g) = e^min(g, 0) / (1 + e^-|g|): both exponents are
// at most 0, where vexpNonPositive is accurate and nothing overflows.
void siluMul(const float* gate, const float* up, size_t n, float* out) {
    const size_t vecN = n / kLanes * kLanes;
    const VF minusOne = vset1(-1.0f), one = vset1(1.0f);
    for (size_t i = 0; i < vecN; i += kLanes) {
        const VF g = vload(gate + i), minusG = vmul(g, minusOne);
        const VF negativeAbs = vmul(vmaxLanes(g, minusG), minusOne);
        const VF negativePart = vmul(vmaxLanes(vzero(), minusG), minusOne);
        const VF sigmoid = vdiv(vexpNonPositive(negativePart), vadd(one, vexpNonPositive(negativeAbs)));
        vstore(out + i, vmul(vmul(g, sigmoid), vload(up + i)));
    }
    for (size_t i = vecN; i < n; ++i) out[i] = gate[i] / (1.0f + __builtin_expf(-gate[i])) * up[i];
}

float dot(const float* a, const float* b, size_t n) {
    const size_t vecN = n / kLanes * kLanes;
    VF acc = vzero();
    for (size_t i = 0; i < vecN; i += kLanes) acc = vfma(vload(a + i), vload(b + i), acc);
    float s = vsum(acc);
    for (size_t i = vecN; i < n; ++i) s += a[i] * b[i];
    return s;
}

void axpy(float a, const float* x, float* y, size_t n) {
    const size_t vecN = n / kLanes * kLanes;
    const VF av = vset1(a);
    for (size_t i = 0; i < vecN; i += kLanes) vstore(y + i, vfma(av, vload(x + i), vload(y + i)));
    for (size_t i = vecN; i < n; ++i) y[i] += a * x[i];
}

void scale(float a, float* y, size_t n) {
    const size_t vecN = n / kLanes * kLanes;
    const VF av = vset1(a);
    for (size_t i = 0; i < vecN; i += kLanes) vstore(y + i, vmul(av, vload(y + i)));
    for (size_t i = vecN; i < n; ++i) y[i] *= a;
}

const KernelTable kTable{
    .isa = PAGODA_KERNEL_ISA,
    .widenRows = widenRows,
    .multiplyRows = multiplyRows,
    .multiplyWidened = multiplyWidened,
    .multiplyBf16 = kMultiplyBf16,
    .multiplyPacked = kMultiplyPacked,
    .multiplyPackedBf16 = kMultiplyPackedBf16,
    .roundToBf16 = kRoundToBf16,
    .quantizeActivations = quantizeActivations,
    .multiplyBlocks = multiplyBlocks,
    .siluMul = siluMul,
    .dot = dot,
    .axpy = axpy,
    .scale = scale,
    .attendTile = attendTile,
};

}  // namespace
}  // namespace pagoda::cpu
