// The paged-attention tile kernel (attention_tile.h), written once over simd.h and compiled
// per instruction set with the rest of kernels_impl.h (same anonymous-namespace rules).
// Flash-attention style: for each tile of kAttentionKeyTile keys, the scores of every row
// of the query tile (tokens × the query heads of one KV head) against every key, then an
// online softmax per row, then the weighted values added to each row's accumulator. Scores
// are laid out key by key with the rows across the vector lanes, so the softmax needs no
// horizontal operation; each key and value is read from the cache once per query tile.
#pragma once

#include "kernels/cpu/isa/attention_tile.h"
#include "kernels/cpu/isa/simd.h"

namespace pagoda::cpu {
namespace {

// The lane-wise max, round-to-nearest and 2^n that softmax needs and simd.h has no use for
// elsewhere.
#if defined(__AVX512F__)
inline VF vmaxLanes(VF a, VF b) { return _mm512_max_ps(a, b); }
inline VF vroundNearest(VF x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline VF vpow2(VF n) {
    const __m512i e = _mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127));
    return _mm512_castsi512_ps(_mm512_slli_epi32(e, 23));
}
#elif defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
inline VF vmaxLanes(VF a, VF b) { return _mm256_max_ps(a, b); }
inline VF vroundNearest(VF x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline VF vpow2(VF n) {
    const __m256i e = _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(e, 23));
}
#else
inline VF vmaxLanes(VF a, VF b) { return _mm_max_ps(a, b); }
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
// Keys × row vectors per score block: 16 accumulators where there are 32 registers, else 8
// (as many as two FMA ports of latency 4 keep busy).
constexpr size_t kScoreKeys = kLanes == 16 ? 8 : 4;
constexpr size_t kScoreRowVecs = 2;
constexpr size_t kValueRows = 4;
constexpr size_t kValueVecs = kLanes == 16 ? 4 : 2;  // 16 or 8 accumulators (32 or 16 registers)

// scores[j][r ..] = Σ_d keys[j][d] qT[d][r ..] for Keys keys × RowVecs vectors of rows: the
// queries are transposed once per tile ([headDim][rows]), so the keys are read where they
// are in the cache, one broadcast element at a time, and never transposed.
template <size_t Keys, size_t RowVecs>
inline void scoreBlock(const float* const* keys, const float* qT, size_t rowStride, size_t headDim, float* scores) {
    VF acc[Keys][RowVecs];
    for (auto& key : acc)
        for (VF& a : key) a = vzero();
    for (size_t d = 0; d < headDim; ++d) {
        VF q[RowVecs];
        for (size_t v = 0; v < RowVecs; ++v) q[v] = vload(qT + d * rowStride + v * kLanes);
        for (size_t j = 0; j < Keys; ++j) {
            const VF k = vset1(keys[j][d]);
            for (size_t v = 0; v < RowVecs; ++v) acc[j][v] = vfma(k, q[v], acc[j][v]);
        }
    }
    for (size_t j = 0; j < Keys; ++j)
        for (size_t v = 0; v < RowVecs; ++v) vstore(scores + j * rowStride + v * kLanes, acc[j][v]);
}

// acc[r][d0 ..] += Σ_j weights[j][r] values[j][d0 ..] over Vecs vectors of Rows rows.
template <size_t Rows, size_t Vecs>
inline void addWeightedValues(const float* weights, size_t weightStride, size_t numKeys, const float* const* values,
                              float* acc, size_t accStride, size_t d0) {
    VF o[Rows][Vecs];
    for (size_t r = 0; r < Rows; ++r)
        for (size_t v = 0; v < Vecs; ++v) o[r][v] = vload(acc + r * accStride + d0 + v * kLanes);
    for (size_t j = 0; j < numKeys; ++j) {
        VF x[Vecs];
        for (size_t v = 0; v < Vecs; ++v) x[v] = vload(values[j] + d0 + v * kLanes);
        for (size_t r = 0; r < Rows; ++r) {
            const VF w = vset1(weights[j * weightStride + r]);
            for (size_t v = 0; v < Vecs; ++v) o[r][v] = vfma(w, x[v], o[r][v]);
        }
    }
    for (size_t r = 0; r < Rows; ++r)
        for (size_t v = 0; v < Vecs; ++v) vstore(acc + r * accStride + d0 + v * kLanes, o[r][v]);
}

template <size_t Rows>
inline void addWeightedValueRows(const float* weights, size_t weightStride, size_t numKeys, const float* const* values,
                                 float* acc, size_t accStride) {
    size_t d0 = 0;
    for (; d0 + kValueVecs * kLanes <= accStride; d0 += kValueVecs * kLanes)
        addWeightedValues<Rows, kValueVecs>(weights, weightStride, numKeys, values, acc, accStride, d0);
    for (; d0 < accStride; d0 += kLanes)
        addWeightedValues<Rows, 1>(weights, weightStride, numKeys, values, acc, accStride, d0);
}

template <size_t Rows>
inline void addRemainingValueRows(size_t rows, const float* weights, size_t weightStride, size_t numKeys,
                                  const float* const* values, float* acc, size_t accStride) {
    if constexpr (Rows > 0) {
        if (rows == Rows)
            addWeightedValueRows<Rows>(weights, weightStride, numKeys, values, acc, accStride);
        else
            addRemainingValueRows<Rows - 1>(rows, weights, weightStride, numKeys, values, acc, accStride);
    }
}

void attendTile(const AttentionTile& t) {
    const size_t headDim = size_t(t.headDim), stride = (headDim + 15) / 16 * 16;
    const size_t group = size_t(t.groupSize), rows = size_t(t.numTokens) * group;
    // Rows padded to whole score blocks (two vectors, or one where one covers them all);
    // padded rows score zeros and are never read back.
    const size_t rowVecs = (rows + kLanes - 1) / kLanes;
    const bool pairs = rowVecs > 1;
    const size_t rowStride = pairs ? (rowVecs + 1) / 2 * 2 * kLanes : kLanes;
    // The scratch as attentionScratchFloats sizes it.
    float* qT = t.scratch;                            // [headDim][rowStride], pre-multiplied by the scale
    float* scores = qT + headDim * rowStride;         // [kKeyTile][rowStride], then the softmax weights
    float* rowMax = scores + kKeyTile * rowStride;    // [rowStride]
    float* rowSum = rowMax + rowStride;               // [rowStride]
    float* correction = rowSum + rowStride;           // [rowStride]
    float* acc = correction + rowStride;              // [rows][stride]
    float* values = acc + rows * stride;              // [kKeyTile][stride], when rows must be padded
    float* zeros = values + kKeyTile * stride;        // [stride]: the keys past the last one
    // Value rows of a multiple of 16 floats are read where they are in the cache; others are
    // copied to `values`, padded with zeros (summed into accumulator columns nobody reads).
    const bool copyValues = headDim % 16 != 0;
    const float* keyRows[kKeyTile];
    const float* valueRows[kKeyTile];
    const float negInf = -__builtin_inff();

    for (size_t r = 0; r < rowStride; ++r) {
        const float* src = r < rows ? t.q + (r / group) * t.qTokenStride + (r % group) * headDim : nullptr;
        for (size_t d = 0; d < headDim; ++d) qT[d * rowStride + r] = src ? src[d] * t.scale : 0.0f;
        rowMax[r] = negInf;
        rowSum[r] = 0.0f;
    }
    for (size_t i = 0; i < rows * stride; ++i) acc[i] = 0.0f;
    for (size_t d = 0; d < stride; ++d) zeros[d] = 0.0f;
    if (copyValues)
        for (size_t j = 0; j < kKeyTile; ++j)
            for (size_t d = headDim; d < stride; ++d) values[j * stride + d] = 0.0f;

    const size_t blockSize = size_t(t.blockSize);
    const size_t firstPosition = size_t(t.firstPosition);
    const size_t numKeys = firstPosition + size_t(t.numTokens);  // keys 0 .. the last position
    for (size_t key0 = 0; key0 < numKeys; key0 += kKeyTile) {
        const size_t count = numKeys - key0 < kKeyTile ? numKeys - key0 : kKeyTile;
        const size_t blockKeys = pairs ? kScoreKeys : 2 * kScoreKeys;
        const size_t scored = (count + blockKeys - 1) / blockKeys * blockKeys;
        for (size_t j = 0; j < count; ++j) {
            const size_t key = key0 + j;
            const size_t slot = size_t(t.blockTable[key / blockSize]) * blockSize + key % blockSize;
            keyRows[j] = t.kCache + slot * t.slotStride;
            valueRows[j] = t.vCache + slot * t.slotStride;
            if (copyValues) {
                for (size_t d = 0; d < headDim; ++d) values[j * stride + d] = valueRows[j][d];
                valueRows[j] = values + j * stride;
            }
        }
        for (size_t j = count; j < scored; ++j) keyRows[j] = zeros;

        for (size_t j = 0; j < scored; j += blockKeys)
            for (size_t r = 0; r < rowStride; r += (pairs ? kScoreRowVecs : 1) * kLanes) {
                if (pairs)
                    scoreBlock<kScoreKeys, kScoreRowVecs>(keyRows + j, qT + r, rowStride, headDim,
                                                          scores + j * rowStride + r);
                else
                    scoreBlock<2 * kScoreKeys, 1>(keyRows + j, qT + r, rowStride, headDim, scores + j * rowStride + r);
            }

        // Keys of this tile past some row's position: the tile crosses the diagonal.
        const bool masked = key0 + count - 1 > firstPosition;
        if (masked)
            for (size_t r = 0; r < rows; ++r) {
                const size_t seen = firstPosition + r / group + 1;  // keys row r attends to
                for (size_t j = seen > key0 ? seen - key0 : 0; j < count; ++j) scores[j * rowStride + r] = negInf;
            }

        // Online softmax, a vector of rows at a time: each row's weights relative to its
        // running maximum, its sum and accumulator rescaled when that maximum grows.
        for (size_t r = 0; r < rowStride; r += kLanes) {
            VF m = vload(rowMax + r);
            const VF previous = m;
            for (size_t j = 0; j < count; ++j) m = vmaxLanes(m, vload(scores + j * rowStride + r));
            vstore(rowMax + r, m);
            vstore(correction + r, vexpNonPositive(vadd(previous, vmul(m, vset1(-1.0f)))));
            const VF negMax = vmul(m, vset1(-1.0f));
            for (size_t j = 0; j < count; ++j)
                vstore(scores + j * rowStride + r, vexpNonPositive(vadd(vload(scores + j * rowStride + r), negMax)));
        }
        if (masked)  // e^-inf is not quite 0 in vexpNonPositive
            for (size_t r = 0; r < rows; ++r) {
                const size_t seen = firstPosition + r / group + 1;
                for (size_t j = seen > key0 ? seen - key0 : 0; j < count; ++j) scores[j * rowStride + r] = 0.0f;
            }
        for (size_t r = 0; r < rowStride; r += kLanes) {
            VF sum = vmul(vload(rowSum + r), vload(correction + r));
            for (size_t j = 0; j < count; ++j) sum = vadd(sum, vload(scores + j * rowStride + r));
            vstore(rowSum + r, sum);
        }
        if (key0 > 0)
            for (size_t r = 0; r < rows; ++r)
                if (correction[r] < 1.0f) {
                    const VF c = vset1(correction[r]);
                    float* o = acc + r * stride;
                    for (size_t d = 0; d < stride; d += kLanes) vstore(o + d, vmul(c, vload(o + d)));
                }

        size_t r = 0;
        for (; r + kValueRows <= rows; r += kValueRows)
            addWeightedValueRows<kValueRows>(scores + r, rowStride, count, valueRows, acc + r * stride, stride);
        addRemainingValueRows<kValueRows - 1>(rows - r, scores + r, rowStride, count, valueRows, acc + r * stride,
                                              stride);
    }

    for (size_t r = 0; r < rows; ++r) {
        const float inverse = 1.0f / rowSum[r];
        float* dst = t.out + (r / group) * t.outTokenStride + (r % group) * headDim;
        for (size_t d = 0; d < headDim; ++d) dst[d] = acc[r * stride + d] * inverse;
    }
}

}  // namespace
}  // namespace pagoda::cpu
