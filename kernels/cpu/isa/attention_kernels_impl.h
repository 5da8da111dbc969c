// The paged-attention tile kernel (attention_tile.h), written once over simd.h and compiled
// per instruction set with the rest of kernels_impl.h (same anonymous-namespace rules).
// Flash-attention style: for each tile of kAttentionKeyTile keys, the scores of every row
// of the query tile (tokens × the query heads of one KV head), then an online softmax per
// row, then the weighted values added to each row's accumulator. Scores, keys and values
// of one key tile stay in L1; each key is read from the cache once per query tile.
#pragma once

#include "kernels/cpu/isa/attention_tile.h"
#include "kernels/cpu/isa/simd.h"

namespace pagoda::cpu {
namespace {

// The lane-wise max, horizontal max, round-to-nearest and 2^n that exp needs and simd.h
// has no use for elsewhere.
#if defined(__AVX512F__)
inline VF vmaxLanes(VF a, VF b) { return _mm512_max_ps(a, b); }
inline float vhmax(VF v) { return _mm512_reduce_max_ps(v); }
inline VF vroundNearest(VF x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline VF vpow2(VF n) {
    const __m512i e = _mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127));
    return _mm512_castsi512_ps(_mm512_slli_epi32(e, 23));
}
#elif defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
inline VF vmaxLanes(VF a, VF b) { return _mm256_max_ps(a, b); }
inline float vhmax(VF v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    return _mm_cvtss_f32(_mm_max_ss(m, _mm_shuffle_ps(m, m, 1)));
}
inline VF vroundNearest(VF x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline VF vpow2(VF n) {
    const __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
}
#else
inline VF vmaxLanes(VF a, VF b) { return _mm_max_ps(a, b); }
inline float vhmax(VF m) {
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    return _mm_cvtss_f32(_mm_max_ss(m, _mm_shuffle_ps(m, m, 1)));
}
inline VF vroundNearest(VF x) { return _mm_cvtepi32_ps(_mm_cvtps_epi32(x)); }  // MXCSR rounds to nearest
inline VF vpow2(VF n) {
    const __m128i e = _mm_add_epi32(_mm_cvtps_epi32(n), _mm_set1_epi32(127));
    return _mm_castsi128_ps(_mm_slli_epi32(e, 23));
}
#endif

// e^x for x <= 0 (softmax weights), within 2 ulp above e^-87; below that it returns about
// e^-87 (~1.6e-38) rather than 0, which no weight next to the row's maximum (e^0) notices.
// Cephes' expf: x = n ln2 + r with |r| <= ln2 / 2, ln2 split in two for an exact r.
inline VF vexpNonPositive(VF x) {
    x = vmaxLanes(x, vset1(-87.0f));
    const VF n = vroundNearest(vmul(x, vset1(1.44269504088896341f)));
    VF r = vfma(n, vset1(-0.693359375f), x);
    r = vfma(n, vset1(2.12194440e-4f), r);
    VF p = vset1(1.9875691500e-4f);
    p = vfma(p, r, vset1(1.3981999507e-3f));
    p = vfma(p, r, vset1(8.3334519073e-3f));
    p = vfma(p, r, vset1(4.1665795894e-2f));
    p = vfma(p, r, vset1(1.6666665459e-1f));
    p = vfma(p, r, vset1(5.0000001201e-1f));
    p = vfma(p, vmul(r, r), vadd(r, vset1(1.0f)));
    return vmul(p, vpow2(n));
}

constexpr size_t kKeyTile = kAttentionKeyTile;
constexpr size_t kKeyVecs = kKeyTile / kLanes;                     // 2, 4 or 8 vectors of scores per row
constexpr size_t kScoreRows = kKeyVecs >= 8 ? 1 : 12 / kKeyVecs;  // 12 accumulators: 6, 3 or 1 rows
constexpr size_t kValueRows = 4;
constexpr size_t kValueVecs = kLanes == 16 ? 4 : 2;  // 16 or 8 accumulators (32 or 16 registers)

// scores[r][j] = q[r] · key j for Rows rows, from keysT [headDim][kKeyTile]: each key vector
// is loaded once for all the rows, each query element broadcast once for all the keys.
template <size_t Rows>
inline void scoreRows(const float* q, size_t qStride, size_t headDim, const float* keysT, float* scores) {
    VF acc[Rows][kKeyVecs];
    for (auto& row : acc)
        for (VF& a : row) a = vzero();
    for (size_t d = 0; d < headDim; ++d) {
        VF keys[kKeyVecs];
        for (size_t v = 0; v < kKeyVecs; ++v) keys[v] = vload(keysT + d * kKeyTile + v * kLanes);
        for (size_t r = 0; r < Rows; ++r) {
            const VF qd = vset1(q[r * qStride + d]);
            for (size_t v = 0; v < kKeyVecs; ++v) acc[r][v] = vfma(qd, keys[v], acc[r][v]);
        }
    }
    for (size_t r = 0; r < Rows; ++r)
        for (size_t v = 0; v < kKeyVecs; ++v) vstore(scores + r * kKeyTile + v * kLanes, acc[r][v]);
}

template <size_t Rows>
inline void scoreRemainingRows(size_t rows, const float* q, size_t qStride, size_t headDim, const float* keysT,
                               float* scores) {
    if constexpr (Rows > 0) {
        if (rows == Rows)
            scoreRows<Rows>(q, qStride, headDim, keysT, scores);
        else
            scoreRemainingRows<Rows - 1>(rows, q, qStride, headDim, keysT, scores);
    }
}

// acc[r][d0 ..] += Σ_j weights[r][j] values[j][d0 ..] over Vecs vectors of Rows rows.
template <size_t Rows, size_t Vecs>
inline void addWeightedValues(const float* weights, size_t numKeys, const float* const* values, size_t stride,
                              float* acc, size_t d0) {
    VF o[Rows][Vecs];
    for (size_t r = 0; r < Rows; ++r)
        for (size_t v = 0; v < Vecs; ++v) o[r][v] = vload(acc + r * stride + d0 + v * kLanes);
    for (size_t j = 0; j < numKeys; ++j) {
        VF x[Vecs];
        for (size_t v = 0; v < Vecs; ++v) x[v] = vload(values[j] + d0 + v * kLanes);
        for (size_t r = 0; r < Rows; ++r) {
            const VF w = vset1(weights[r * kKeyTile + j]);
            for (size_t v = 0; v < Vecs; ++v) o[r][v] = vfma(w, x[v], o[r][v]);
        }
    }
    for (size_t r = 0; r < Rows; ++r)
        for (size_t v = 0; v < Vecs; ++v) vstore(acc + r * stride + d0 + v * kLanes, o[r][v]);
}

template <size_t Rows>
inline void addWeightedValueRows(const float* weights, size_t numKeys, const float* const* values, size_t stride,
                                 float* acc) {
    size_t d0 = 0;
    for (; d0 + kValueVecs * kLanes <= stride; d0 += kValueVecs * kLanes)
        addWeightedValues<Rows, kValueVecs>(weights, numKeys, values, stride, acc, d0);
    for (; d0 < stride; d0 += kLanes) addWeightedValues<Rows, 1>(weights, numKeys, values, stride, acc, d0);
}

template <size_t Rows>
inline void addRemainingValueRows(size_t rows, const float* weights, size_t numKeys, const float* const* values,
                                  size_t stride, float* acc) {
    if constexpr (Rows > 0) {
        if (rows == Rows)
            addWeightedValueRows<Rows>(weights, numKeys, values, stride, acc);
        else
            addRemainingValueRows<Rows - 1>(rows, weights, numKeys, values, stride, acc);
    }
}

void attendTile(const AttentionTile& t) {
    const size_t headDim = size_t(t.headDim), stride = (headDim + 15) / 16 * 16;
    const size_t group = size_t(t.groupSize), rows = size_t(t.numTokens) * group;
    // The scratch as attentionScratchFloats sizes it.
    float* queries = t.scratch;                   // [rows][stride], pre-multiplied by the scale
    float* acc = queries + rows * stride;         // [rows][stride]
    float* scores = acc + rows * stride;          // [rows][kKeyTile], then the softmax weights
    float* rowMax = scores + rows * kKeyTile;     // [rows]
    float* rowSums = rowMax + rows;               // [rows][16]: each row's sum of weights, by lane
    float* keysT = rowSums + rows * 16;           // [stride][kKeyTile]
    float* values = keysT + stride * kKeyTile;    // [kKeyTile][stride], when rows must be padded
    // Value rows of a multiple of 16 floats are read where they are in the cache; others are
    // copied to `values`, padded with zeros (summed into accumulator columns nobody reads).
    const bool copyValues = headDim % 16 != 0;
    const float* valueRows[kKeyTile];
    const float negInf = -__builtin_inff();

    for (size_t i = 0; i < size_t(t.numTokens); ++i)
        for (size_t g = 0; g < group; ++g) {
            const size_t r = i * group + g;
            const float* src = t.q + i * t.qTokenStride + g * headDim;
            for (size_t d = 0; d < headDim; ++d) queries[r * stride + d] = src[d] * t.scale;
            for (size_t d = 0; d < stride; ++d) acc[r * stride + d] = 0.0f;
            rowMax[r] = negInf;
            vstore(rowSums + r * 16, vzero());
        }
    if (copyValues)
        for (size_t j = 0; j < kKeyTile; ++j)
            for (size_t d = headDim; d < stride; ++d) values[j * stride + d] = 0.0f;

    const size_t blockSize = size_t(t.blockSize);
    const size_t numKeys = size_t(t.firstPosition) + size_t(t.numTokens);  // keys 0 .. the last position
    for (size_t key0 = 0; key0 < numKeys; key0 += kKeyTile) {
        const size_t count = numKeys - key0 < kKeyTile ? numKeys - key0 : kKeyTile;
        for (size_t j = 0; j < count; ++j) {
            const size_t key = key0 + j;
            const size_t slot = size_t(t.blockTable[key / blockSize]) * blockSize + key % blockSize;
            const float* k = t.kCache + slot * t.slotStride;
            for (size_t d = 0; d < headDim; ++d) keysT[d * kKeyTile + j] = k[d];
            valueRows[j] = t.vCache + slot * t.slotStride;
            if (copyValues) {
                for (size_t d = 0; d < headDim; ++d) values[j * stride + d] = valueRows[j][d];
                valueRows[j] = values + j * stride;
            }
        }
        for (size_t j = count; j < kKeyTile; ++j)  // scored, then masked: keep them finite
            for (size_t d = 0; d < headDim; ++d) keysT[d * kKeyTile + j] = 0.0f;

        size_t r = 0;
        for (; r + kScoreRows <= rows; r += kScoreRows)
            scoreRows<kScoreRows>(queries + r * stride, stride, headDim, keysT, scores + r * kKeyTile);
        scoreRemainingRows<kScoreRows - 1>(rows - r, queries + r * stride, stride, headDim, keysT,
                                           scores + r * kKeyTile);

        // Online softmax: each row's weights relative to its running maximum; the row's sum
        // and accumulator are rescaled only when that maximum grows.
        for (r = 0; r < rows; ++r) {
            float* s = scores + r * kKeyTile;
            const int64_t position = int64_t(t.firstPosition) + int64_t(r / group);
            const int64_t visible = position + 1 - int64_t(key0);  // keys of this tile the row may see
            if (visible <= 0) {
                for (size_t j = 0; j < kKeyTile; ++j) s[j] = 0.0f;
                continue;
            }
            const size_t valid = visible < int64_t(kKeyTile) ? size_t(visible) : kKeyTile;
            for (size_t j = valid; j < kKeyTile; ++j) s[j] = negInf;
            VF m = vload(s);
            for (size_t v = 1; v < kKeyVecs; ++v) m = vmaxLanes(m, vload(s + v * kLanes));
            const float tileMax = vhmax(m);
            if (tileMax > rowMax[r]) {
                if (rowMax[r] != negInf) {
                    const VF c = vset1(__builtin_expf(rowMax[r] - tileMax));
                    vstore(rowSums + r * 16, vmul(c, vload(rowSums + r * 16)));
                    float* o = acc + r * stride;
                    for (size_t d = 0; d < stride; d += kLanes) vstore(o + d, vmul(c, vload(o + d)));
                }
                rowMax[r] = tileMax;
            }
            const VF negMax = vset1(-rowMax[r]);
            for (size_t v = 0; v < kKeyVecs; ++v)
                vstore(s + v * kLanes, vexpNonPositive(vadd(vload(s + v * kLanes), negMax)));
            for (size_t j = valid; j < kKeyTile; ++j) s[j] = 0.0f;
            VF sum = vload(rowSums + r * 16);
            for (size_t v = 0; v < kKeyVecs; ++v) sum = vadd(sum, vload(s + v * kLanes));
            vstore(rowSums + r * 16, sum);
        }

        for (r = 0; r + kValueRows <= rows; r += kValueRows)
            addWeightedValueRows<kValueRows>(scores + r * kKeyTile, count, valueRows, stride, acc + r * stride);
        addRemainingValueRows<kValueRows - 1>(rows - r, scores + r * kKeyTile, count, valueRows, stride,
                                              acc + r * stride);
    }

    for (size_t i = 0; i < size_t(t.numTokens); ++i)
        for (size_t g = 0; g < group; ++g) {
            const size_t r = i * group + g;
            const float inverse = 1.0f / vsum(vload(rowSums + r * 16));
            float* dst = t.out + i * t.outTokenStride + g * headDim;
            for (size_t d = 0; d < headDim; ++d) dst[d] = acc[r * stride + d] * inverse;
        }
}

}  // namespace
}  // namespace pagoda::cpu
