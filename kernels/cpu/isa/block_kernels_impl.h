// The kernels for weights in GGUF's block formats (DType::Blocks), written once over the
// instruction set and compiled per table like kernels_impl.h, which includes this file (same
// anonymous-namespace rule: see simd.h).
//
// Every format reads as   w[e] = d · sc[s] · q[e] − dmin · mn[s]   (s = e / 16),
// with q[e] an unsigned integer below 256 and sc[s], mn[s] small integers per 16 elements:
//   Q4_0  q = the nibble,               sc = 1,             dmin = d,   mn = 8
//   Q5_0  q = nibble + fifth bit,       sc = 1,             dmin = d,   mn = 16
//   Q8_0  q = the stored int8 + 128,    sc = 1,             dmin = d,   mn = 128
//   Q4_1, Q5_1  as Q4_0, Q5_0 with      sc = 1,             dmin = −m,  mn = 1
//   Q2_K  q = 2 bits,                   sc, mn = the 4-bit scale and minimum of each 16
//   Q3_K  q = 2 bits + 4 · high bit,    sc = 6-bit scale − 32, dmin = d, mn = 4 · sc
//   Q4_K, Q5_K  q = 4 or 5 bits,        sc, mn = the 6-bit scale and minimum of each 32
//   Q6_K  q = 6 bits,                   sc = the int8 scale,  dmin = d, mn = 32 · sc
// Activations come quantized per group of the block's size (QuantizedActivations: x ≈ dx · qx,
// with the sums of qx over each 16), so one block contributes
//   dx · (d · Σ_s sc[s] · Σ_{e∈s} q[e] · qx[e]  −  dmin · Σ_s mn[s] · Σ_{e∈s} qx[e]),
// two exact integer sums (u8 × s8 products: vpmaddubsw, vpdpbusd) and a few float operations.
// The row kernels (decode, small batches) take the 32-element formats as signed bytes (q − mn,
// so the offset term vanishes) and fold each 16's scale of the K formats in with vpmaddwd /
// vpdpwssd, converting once per 256 elements; prefill first rearranges a tile's rows so that one
// vpdpbusd serves eight rows ("Prefill: rows interleaved" below).
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/cpu/isa/kernel_table.h"
#include "kernels/cpu/isa/simd.h"

namespace pagoda::cpu {
namespace {

template <BlockFormat F>
constexpr bool kSuperBlock = F >= BlockFormat::Q2_K;  // the K formats: 256 elements per block
template <BlockFormat F>
constexpr size_t kBlockElements = kSuperBlock<F> ? 256 : 32;
template <BlockFormat F>
constexpr size_t kBlockBytes = F == BlockFormat::Q4_0   ? 18
                               : F == BlockFormat::Q4_1 ? 20
                               : F == BlockFormat::Q5_0 ? 22
                               : F == BlockFormat::Q5_1 ? 24
                               : F == BlockFormat::Q8_0 ? 34
                               : F == BlockFormat::Q2_K ? 84
                               : F == BlockFormat::Q3_K ? 110
                               : F == BlockFormat::Q4_K ? 144
                               : F == BlockFormat::Q5_K ? 176
                                                        : 210;
// Tokens whose dot products share one pass over a row (each block is decoded once for them).
constexpr size_t kTokenGroup = 4;

// Decode streams the rows of a tile from memory; each block asks for the bytes this far ahead
// (into the next rows) as it is read. Measured on the Qwen2.5 shapes (block_linear_bench, 2
// threads, 35 GB/s): 2 KiB reached 59-73% of the read bandwidth, 4 KiB 63-80%, 8 KiB no more.
constexpr size_t kPrefetchAhead = 4096;
template <BlockFormat F>
inline void prefetchAheadOf(const uint8_t* block) {
    for (size_t line = 0; line < kBlockBytes<F>; line += 64) __builtin_prefetch(block + kPrefetchAhead + line);
}

inline uint16_t u16At(const uint8_t* p) {
    uint16_t v;
    __builtin_memcpy(&v, p, 2);
    return v;
}

inline uint32_t u32At(const uint8_t* p) {
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

inline float halfAt(const uint8_t* p) {
#if defined(__F16C__)
    return _cvtsh_ss(u16At(p));
#else
    return scalarF16(u16At(p));
#endif
}

// d, dmin and the per-16 sc and mn of a block (see the top of the file).
template <BlockFormat F>
inline void blockScales(const uint8_t* b, float& d, float& dmin, int16_t sc[16], int16_t mn[16]) {
    using enum BlockFormat;
    if constexpr (!kSuperBlock<F>) {
        constexpr bool hasMin = F == Q4_1 || F == Q5_1;
        d = halfAt(b);
        dmin = hasMin ? -halfAt(b + 2) : d;
        const int16_t m = hasMin ? 1 : F == Q4_0 ? 8 : F == Q5_0 ? 16 : 128;
        sc[0] = sc[1] = 1;
        mn[0] = mn[1] = m;
    } else if constexpr (F == Q2_K) {
        d = halfAt(b + 80);
        dmin = halfAt(b + 82);
        for (int s = 0; s < 16; ++s) {
            sc[s] = int16_t(b[s] & 0x0f);
            mn[s] = int16_t(b[s] >> 4);
        }
    } else if constexpr (F == Q3_K) {
        const uint8_t* scales = b + 96;
        d = dmin = halfAt(b + 108);
        for (int k = 0; k < 16; ++k) {  // 4 low bits from bytes 0–7, 2 high from bytes 8–11
            const int low = (k < 8 ? scales[k] : scales[k - 8] >> 4) & 0x0f;
            const int high = (scales[8 + k % 4] >> (2 * (k / 4))) & 3;
            sc[k] = int16_t((low | high << 4) - 32);
            mn[k] = int16_t(4 * sc[k]);
        }
    } else if constexpr (F == Q4_K || F == Q5_K) {
        const uint8_t* packed = b + 4;
        d = halfAt(b);
        dmin = halfAt(b + 2);
        for (int j = 0; j < 4; ++j) {  // eight 6-bit scales and minimums in 12 bytes
            sc[2 * j] = sc[2 * j + 1] = int16_t(packed[j] & 0x3f);
            mn[2 * j] = mn[2 * j + 1] = int16_t(packed[4 + j] & 0x3f);
            sc[8 + 2 * j] = sc[9 + 2 * j] = int16_t((packed[8 + j] & 0x0f) | ((packed[j] >> 2) & 0x30));
            mn[8 + 2 * j] = mn[9 + 2 * j] = int16_t((packed[8 + j] >> 4) | ((packed[4 + j] >> 2) & 0x30));
        }
    } else {
        static_assert(F == Q6_K);
        d = dmin = halfAt(b + 208);
        for (int s = 0; s < 16; ++s) {
            sc[s] = int16_t(int8_t(b[192 + s]));
            mn[s] = int16_t(32 * sc[s]);
        }
    }
}

// q[e] of a block, portably (the baseline kernel's decoding).
template <BlockFormat F>
inline void blockQuants(const uint8_t* b, uint8_t* q) {
    using enum BlockFormat;
    auto nibble = [](const uint8_t* qs, int i) { return i < 16 ? qs[i] & 0x0f : qs[i - 16] >> 4; };
    auto twoBits = [](const uint8_t* qs, int e) { return (qs[(e / 128) * 32 + e % 32] >> (2 * ((e % 128) / 32))) & 3; };
    if constexpr (F == Q4_0 || F == Q4_1 || F == Q5_0 || F == Q5_1) {
        constexpr bool fifth = F == Q5_0 || F == Q5_1;
        const uint8_t* p = b + (F == Q4_1 || F == Q5_1 ? 4 : 2);
        const uint32_t high = fifth ? u32At(p) : 0;
        if (fifth) p += 4;
        for (int i = 0; i < 32; ++i) q[i] = uint8_t(nibble(p, i) | ((high >> i) & 1) << 4);
    } else if constexpr (F == Q8_0) {
        for (int i = 0; i < 32; ++i) q[i] = uint8_t(b[2 + i] ^ 0x80);
    } else if constexpr (F == Q2_K) {
        for (int e = 0; e < 256; ++e) q[e] = uint8_t(twoBits(b + 16, e));
    } else if constexpr (F == Q3_K) {
        for (int e = 0; e < 256; ++e) q[e] = uint8_t(twoBits(b + 32, e) | ((b[e % 32] >> (e / 32)) & 1) << 2);
    } else if constexpr (F == Q4_K || F == Q5_K) {
        const uint8_t* qh = b + 16;
        const uint8_t* qs = F == Q5_K ? b + 48 : b + 16;
        for (int j = 0; j < 8; ++j)
            for (int i = 0; i < 32; ++i) {
                int v = (qs[(j / 2) * 32 + i] >> (4 * (j % 2))) & 0x0f;
                if (F == Q5_K) v |= ((qh[i] >> j) & 1) << 4;
                q[j * 32 + i] = uint8_t(v);
            }
    } else {
        static_assert(F == Q6_K);
        for (int e = 0; e < 256; ++e) {
            const int half = e / 128, within = e % 128;
            const int low = (b[half * 64 + within % 64] >> (4 * (within / 64))) & 0x0f;
            const int high = (b[128 + half * 32 + e % 32] >> (2 * (within / 32))) & 3;
            q[e] = uint8_t(low | high << 4);
        }
    }
}

// One token's view of the quantized activations.
struct TokenActivations {
    const int8_t* q;
    const float* scales;  // one per block
    const int16_t* sums;  // one per 16 elements
};

inline TokenActivations tokenActivations(const QuantizedActivations& x, size_t t) {
    return {x.q + t * x.cols, x.scales + t * (x.cols / x.group), x.sums + t * (x.cols / 16)};
}

#if defined(__AVX2__)

#if defined(__AVX512VNNI__)
constexpr bool kVnni = true;
#else
constexpr bool kVnni = false;
#endif

// ---- x86-64-v3 and up: 32 bytes per integer vector, one 32-element block or run of a K block, the
// same code for AVX2 and AVX-512 (whose tables add VNNI and take 512 bits where that measured
// faster: the 32-element formats' decode). ----

using VI = __m256i;
inline VI loadI(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
inline VI bytes(int v) { return _mm256_set1_epi8(char(v)); }

// acc (s32 lanes) += the sums of u · s over each four bytes, u unsigned and s signed. Without
// VNNI the pairs pass through s16 (vpmaddubsw saturates), so u · s pair sums must stay below
// 2^15: u is at most 128 (|w| of a signed 32-element block) or 63 (K formats), s at most 127.
inline VI dotBytes(VI acc, VI u, VI s) {
#if defined(__AVX512VNNI__)
    return _mm256_dpbusd_epi32(acc, u, s);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
#endif
}

// acc (s32 lanes) += the sums of a · b over each pair of s16.
inline VI dotWords(VI acc, VI a, VI b) {
#if defined(__AVX512VNNI__)
    return _mm256_dpwssd_epi32(acc, a, b);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
#endif
}

inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}

// Moves bit From of every byte to bit To (other bits are garbage: mask after). Shifting 16-bit
// lanes by less than 8 keeps each byte's wanted bit inside that byte.
template <int From, int To>
inline VI moveBit(VI v) {
    if constexpr (To > From) return _mm256_slli_epi16(v, To - From);
    else if constexpr (To < From) return _mm256_srli_epi16(v, From - To);
    else return v;
}

// `value` in byte i where bit i of `bits` is set, 0 elsewhere.
inline VI bitBytes(uint32_t bits, uint8_t value) {
#if defined(__AVX512BW__) && defined(__AVX512VL__)
    return _mm256_maskz_mov_epi8(__mmask32(bits), bytes(value));
#else
    const VI spread = _mm256_shuffle_epi8(_mm256_set1_epi32(int(bits)),
                                          _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202,
                                                            0x0101010101010101, 0x0000000000000000));
    const VI withOthers = _mm256_or_si256(spread, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
    return _mm256_and_si256(_mm256_cmpeq_epi8(withOthers, _mm256_set1_epi64x(-1)), bytes(value));
#endif
}

// The 32 weights of a 32-element block as bytes: signed q − mn for the formats with an offset
// (Q4_0: nibble − 8, Q5_0: 5 bits − 16, Q8_0: as stored), unsigned q for Q4_1 and Q5_1.
template <BlockFormat F>
inline VI smallQuants(const uint8_t* b) {
    using enum BlockFormat;
    if constexpr (F == Q8_0) {
        return loadI(b + 2);
    } else {
        constexpr bool hasMin = F == Q4_1 || F == Q5_1, fifth = F == Q5_0 || F == Q5_1;
        const uint8_t* qs = b + (hasMin ? 4 : 2) + (fifth ? 4 : 0);
        const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
        const VI q = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(packed, 4), packed), bytes(0x0f));
        if constexpr (F == Q4_0) return _mm256_sub_epi8(q, bytes(8));
        else if constexpr (F == Q4_1) return q;
        else if constexpr (F == Q5_0) return _mm256_or_si256(q, bitBytes(~u32At(qs - 4), 0xf0));  // clear bit: − 16
        else return _mm256_or_si256(q, bitBytes(u32At(qs - 4), 0x10));
    }
}

// x[t] · row for N tokens, 32-element formats: per block one integer dot per token, turned into
// f32 with d · dx, into two accumulators (even and odd blocks) so consecutive blocks overlap.
// Signed weights meet the activations as |w| · (x with w's sign), so no offset term remains; the
// f16 minimum of Q4_1 and Q5_1 adds m · dx · Σqx in f32.
template <BlockFormat F, size_t N>
void smallRowDots(const uint8_t* row, size_t blocks, const TokenActivations* x, float* out) {
    constexpr bool hasMin = F == BlockFormat::Q4_1 || F == BlockFormat::Q5_1;
    __m256 even[N], odd[N];
    float accMin[N];
    for (size_t k = 0; k < N; ++k) {
        even[k] = odd[k] = _mm256_setzero_ps();
        accMin[k] = 0.0f;
    }
    auto step = [&]<bool Odd>(size_t b) {
        const uint8_t* block = row + b * kBlockBytes<F>;
        prefetchAheadOf<F>(block);
        const float d = halfAt(block);
        const VI q = smallQuants<F>(block);
        const VI qAbs = hasMin ? q : _mm256_sign_epi8(q, q);
        for (size_t k = 0; k < N; ++k) {
            const VI xv = loadI(x[k].q + 32 * b);
            const float dx = x[k].scales[b];
            const VI i = dotBytes(_mm256_setzero_si256(), qAbs, hasMin ? xv : _mm256_sign_epi8(xv, q));
            __m256& a = Odd ? odd[k] : even[k];
            a = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i), _mm256_set1_ps(d * dx), a);
            if constexpr (hasMin) accMin[k] += halfAt(block + 2) * dx * float(x[k].sums[2 * b] + x[k].sums[2 * b + 1]);
        }
    };
    size_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
        step.template operator()<false>(b);
        step.template operator()<true>(b + 1);
    }
    if (b < blocks) step.template operator()<false>(b);
    for (size_t k = 0; k < N; ++k) out[k] = sum8(_mm256_add_ps(even[k], odd[k])) + accMin[k];
}

// The 64 q of elements 64C … 64C+63 of a K block, as elements 64C … +31 and 64C+32 … +63.
template <BlockFormat F, int C>
inline void superQuants(const uint8_t* b, VI& q0, VI& q1) {
    using enum BlockFormat;
    if constexpr (F == Q4_K || F == Q5_K) {  // chunk C: 32 bytes whose nibbles are the two runs
        const VI v = loadI(b + (F == Q5_K ? 48 : 16) + 32 * C);
        q0 = _mm256_and_si256(v, bytes(0x0f));
        q1 = _mm256_and_si256(_mm256_srli_epi16(v, 4), bytes(0x0f));
        if constexpr (F == Q5_K) {  // run j's fifth bits are bit j of the 32 bytes at 16
            const VI high = loadI(b + 16);
            q0 = _mm256_or_si256(q0, _mm256_and_si256(moveBit<2 * C, 4>(high), bytes(0x10)));
            q1 = _mm256_or_si256(q1, _mm256_and_si256(moveBit<2 * C + 1, 4>(high), bytes(0x10)));
        }
    } else if constexpr (F == Q6_K) {  // half C / 2: 64 bytes of low nibbles, 32 of high bit pairs
        const uint8_t* ql = b + 64 * (C / 2);
        const VI high = loadI(b + 128 + 32 * (C / 2));
        constexpr int shift = 4 * (C % 2);
        q0 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(loadI(ql), shift), bytes(0x0f)),
                             _mm256_and_si256(moveBit<shift, 4>(high), bytes(0x30)));
        q1 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(loadI(ql + 32), shift), bytes(0x0f)),
                             _mm256_and_si256(moveBit<shift + 2, 4>(high), bytes(0x30)));
    } else {  // Q2_K, Q3_K: 32 bytes per 128 elements, four runs of 32 in their bit pairs
        const VI v = loadI(b + (F == Q3_K ? 32 : 16) + 32 * (C / 2));
        constexpr int shift = 4 * (C % 2);
        q0 = _mm256_and_si256(_mm256_srli_epi16(v, shift), bytes(0x03));
        q1 = _mm256_and_si256(_mm256_srli_epi16(v, shift + 2), bytes(0x03));
        if constexpr (F == Q3_K) {  // high bit of element e: bit e / 32 of byte e % 32
            const VI mask = loadI(b);
            q0 = _mm256_or_si256(q0, _mm256_and_si256(moveBit<2 * C, 2>(mask), bytes(0x04)));
            q1 = _mm256_or_si256(q1, _mm256_and_si256(moveBit<2 * C + 1, 2>(mask), bytes(0x04)));
        }
    }
}

// A K block's d, dmin and its scales and minimums as s16 vectors, unpacked once per block.
// Q4_K and Q5_K keep a scale per 32 elements: `scales` holds the eight in both 128-bit lanes.
// The others keep one per 16: `halves[h]` holds scales 8h … 8h+7 in both lanes. `mins` is mn of
// each 16, in order, for one vpmaddwd with the activations' sums.
template <BlockFormat F>
constexpr bool kScalePer32 = F == BlockFormat::Q4_K || F == BlockFormat::Q5_K;

struct SuperScales {
    float d, dmin;
    VI scales;    // per-32 formats
    VI halves[2];  // per-16 formats
    VI mins;
};

template <BlockFormat F>
inline SuperScales superScales(const uint8_t* b) {
    using enum BlockFormat;
    SuperScales s;
    if constexpr (kScalePer32<F>) {  // eight 6-bit scales and minimums in 12 bytes (see blockScales)
        const uint32_t u0 = u32At(b + 4), u1 = u32At(b + 8), u2 = u32At(b + 12);
        const uint32_t scLow = u0 & 0x3f3f3f3fu, scHigh = (u2 & 0x0f0f0f0fu) | ((u0 >> 6) & 0x03030303u) << 4;
        const uint32_t mnLow = u1 & 0x3f3f3f3fu, mnHigh = ((u2 >> 4) & 0x0f0f0f0fu) | ((u1 >> 6) & 0x03030303u) << 4;
        const VI both = _mm256_cvtepu8_epi16(_mm_set_epi32(int(mnHigh), int(mnLow), int(scHigh), int(scLow)));
        s.d = halfAt(b);
        s.dmin = halfAt(b + 2);
        s.scales = _mm256_permute4x64_epi64(both, 0x44);
        // Each 32's minimum for both its 16s: words 0,0,1,1,… of the minimums in the high lane.
        s.mins = _mm256_shuffle_epi8(_mm256_permute4x64_epi64(both, 0xee),
                                     _mm256_setr_epi8(0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7, 8, 9, 8, 9, 10, 11,
                                                      10, 11, 12, 13, 12, 13, 14, 15, 14, 15));
        return s;
    } else {
        VI scales16;
        if constexpr (F == Q6_K) {
            scales16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 192)));
            s.d = s.dmin = halfAt(b + 208);
            s.mins = _mm256_slli_epi16(scales16, 5);  // 32 · sc
        } else if constexpr (F == Q2_K) {
            const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
            scales16 = _mm256_cvtepu8_epi16(_mm_and_si128(packed, _mm_set1_epi8(0x0f)));
            s.mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), _mm_set1_epi8(0x0f)));
            s.d = halfAt(b + 80);
            s.dmin = halfAt(b + 82);
        } else {
            static_assert(F == Q3_K);
            alignas(32) int16_t sc[16], mn[16];
            blockScales<F>(b, s.d, s.dmin, sc, mn);
            scales16 = _mm256_load_si256(reinterpret_cast<const __m256i*>(sc));
            s.mins = _mm256_load_si256(reinterpret_cast<const __m256i*>(mn));
        }
        s.halves[0] = _mm256_permute2x128_si256(scales16, scales16, 0x00);
        s.halves[1] = _mm256_permute2x128_si256(scales16, scales16, 0x11);
        return s;
    }
}

// The s16 scales for vpmaddwd against vector V (elements 32V … 32V+31) of a K block, whose
// vpmaddubsw pairs hold elements 0–15 in the low lane and 16–31 in the high one.
template <BlockFormat F, int V>
inline VI scaleVector(const SuperScales& s) {
    if constexpr (kScalePer32<F>) {  // scale V in every word
        return _mm256_shuffle_epi8(s.scales, _mm256_set1_epi16(short(0x0100 * (2 * V + 1) + 2 * V)));
    } else {  // scale 2V in the low lane, 2V + 1 in the high one
        constexpr int w = 2 * (V % 4);
        return _mm256_shuffle_epi8(s.halves[V / 4], _mm256_setr_epi8(2 * w, 2 * w + 1, 2 * w, 2 * w + 1, 2 * w, 2 * w + 1,
                                                                     2 * w, 2 * w + 1, 2 * w, 2 * w + 1, 2 * w, 2 * w + 1,
                                                                     2 * w, 2 * w + 1, 2 * w, 2 * w + 1, 2 * w + 2, 2 * w + 3,
                                                                     2 * w + 2, 2 * w + 3, 2 * w + 2, 2 * w + 3, 2 * w + 2,
                                                                     2 * w + 3, 2 * w + 2, 2 * w + 3, 2 * w + 2, 2 * w + 3,
                                                                     2 * w + 2, 2 * w + 3, 2 * w + 2, 2 * w + 3));
    }
}

// x[t] · row for N tokens, K formats: per 256 elements, s32 sums of sc · (q · qx) per token
// (vpmaddubsw, then vpmaddwd with the scales), the minimums' Σ mn · Σqx beside them, and one
// conversion to f32 with d · dx and dmin · dx.
template <BlockFormat F, size_t N>
void superRowDots(const uint8_t* row, size_t blocks, const TokenActivations* x, float* out) {
    __m256 acc[N];
    for (auto& a : acc) a = _mm256_setzero_ps();
    for (size_t b = 0; b < blocks; ++b) {
        const uint8_t* block = row + b * kBlockBytes<F>;
        prefetchAheadOf<F>(block);
        const SuperScales scales = superScales<F>(block);
        VI sums[N];
        for (auto& s : sums) s = _mm256_setzero_si256();
        auto chunk = [&]<int C>() {
            VI q0, q1;
            superQuants<F, C>(block, q0, q1);
            const VI s0 = scaleVector<F, 2 * C>(scales), s1 = scaleVector<F, 2 * C + 1>(scales);
            for (size_t k = 0; k < N; ++k) {
                const int8_t* xq = x[k].q + 256 * b + 64 * C;
                sums[k] = dotWords(sums[k], _mm256_maddubs_epi16(q0, loadI(xq)), s0);
                sums[k] = dotWords(sums[k], _mm256_maddubs_epi16(q1, loadI(xq + 32)), s1);
            }
        };
        chunk.template operator()<0>();
        chunk.template operator()<1>();
        chunk.template operator()<2>();
        chunk.template operator()<3>();
        for (size_t k = 0; k < N; ++k) {
            const float dx = x[k].scales[b];
            const VI minSums = _mm256_madd_epi16(scales.mins, loadI(x[k].sums + 16 * b));
            acc[k] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums[k]), _mm256_set1_ps(scales.d * dx), acc[k]);
            acc[k] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(minSums), _mm256_set1_ps(-scales.dmin * dx), acc[k]);
        }
    }
    for (size_t k = 0; k < N; ++k) out[k] = sum8(acc[k]);
}

#if defined(__AVX512BW__)
// The 32-element formats with AVX-512: two blocks per 512-bit vector, fewer instructions per
// block in the decode step (from cache, one core: Q5_0 12.8 → 14.1 GB/s, Q8_0 25 → 27). AVX-512
// has no vpsignb: x takes w's sign through a mask of w's sign bits.
template <BlockFormat F>
inline __m512i smallQuantsPair(const uint8_t* b0) {
    using enum BlockFormat;
    const uint8_t* b1 = b0 + kBlockBytes<F>;
    if constexpr (F == Q8_0) {
        return _mm512_inserti64x4(_mm512_castsi256_si512(loadI(b0 + 2)), loadI(b1 + 2), 1);
    } else {
        constexpr bool hasMin = F == Q4_1 || F == Q5_1, fifth = F == Q5_0 || F == Q5_1;
        constexpr size_t at = (hasMin ? 4 : 2) + (fifth ? 4 : 0);
        // Each block's 16 packed bytes in two 128-bit lanes, the second shifted by 4: [b0 low nibbles,
        // b0 high, b1 low, b1 high], elements in order (broadcast loads keep this off the shuffle port).
        __m512i packed = _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b0 + at)));
        packed = _mm512_mask_broadcast_i32x4(packed, 0xff00, _mm_loadu_si128(reinterpret_cast<const __m128i*>(b1 + at)));
        const __m512i q = _mm512_and_si512(_mm512_srlv_epi16(packed, _mm512_setr_epi64(0, 0, 0x0004000400040004, 0x0004000400040004, 0, 0,
                                                                                         0x0004000400040004, 0x0004000400040004)),
                                           _mm512_set1_epi8(0x0f));
        if constexpr (F == Q4_0) return _mm512_sub_epi8(q, _mm512_set1_epi8(8));
        else if constexpr (F == Q4_1) return q;
        else {
            const __mmask64 high = __mmask64(u32At(b0 + at - 4)) | __mmask64(u32At(b1 + at - 4)) << 32;
            if constexpr (F == Q5_0) return _mm512_or_si512(q, _mm512_maskz_mov_epi8(~high, _mm512_set1_epi8(char(0xf0))));
            else return _mm512_or_si512(q, _mm512_maskz_mov_epi8(high, _mm512_set1_epi8(0x10)));
        }
    }
}

template <BlockFormat F, size_t N>
void smallRowDotsWide(const uint8_t* row, size_t blocks, const TokenActivations* x, float* out) {
    constexpr bool hasMin = F == BlockFormat::Q4_1 || F == BlockFormat::Q5_1;
    __m512 acc[N];
    float accMin[N];
    for (size_t k = 0; k < N; ++k) {
        acc[k] = _mm512_setzero_ps();
        accMin[k] = 0.0f;
    }
    size_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
        const uint8_t* block = row + b * kBlockBytes<F>;
        prefetchAheadOf<F>(block);
        prefetchAheadOf<F>(block + kBlockBytes<F>);
        const float d0 = halfAt(block), d1 = halfAt(block + kBlockBytes<F>);
        const __m512i q = smallQuantsPair<F>(block);
        const __m512i qAbs = hasMin ? q : _mm512_abs_epi8(q);
        const __mmask64 negative = _mm512_movepi8_mask(q);
        for (size_t k = 0; k < N; ++k) {
            __m512i xv = _mm512_loadu_si512(x[k].q + 32 * b);
            if constexpr (!hasMin) xv = _mm512_mask_sub_epi8(xv, negative, _mm512_setzero_si512(), xv);
#if defined(__AVX512VNNI__)
            const __m512i i = _mm512_dpbusd_epi32(_mm512_setzero_si512(), qAbs, xv);
#else
            const __m512i i = _mm512_madd_epi16(_mm512_maddubs_epi16(qAbs, xv), _mm512_set1_epi16(1));
#endif
            const float* dx = x[k].scales + b;
            const __m512 scale = _mm512_insertf32x8(_mm512_set1_ps(d0 * dx[0]), _mm256_set1_ps(d1 * dx[1]), 1);
            acc[k] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(i), scale, acc[k]);
            if constexpr (hasMin) {
                const int16_t* sx = x[k].sums + 2 * b;
                accMin[k] += halfAt(block + 2) * dx[0] * float(sx[0] + sx[1]) +
                             halfAt(block + kBlockBytes<F> + 2) * dx[1] * float(sx[2] + sx[3]);
            }
        }
    }
    float tail[N] = {};
    if (b < blocks) {
        TokenActivations rest[N];
        for (size_t k = 0; k < N; ++k) rest[k] = {x[k].q + 32 * b, x[k].scales + b, x[k].sums + 2 * b};
        smallRowDots<F, N>(row + b * kBlockBytes<F>, 1, rest, tail);
    }
    for (size_t k = 0; k < N; ++k) out[k] = _mm512_reduce_add_ps(acc[k]) + accMin[k] + tail[k];
}
#endif

template <BlockFormat F, size_t N>
void rowDots(const uint8_t* row, size_t blocks, const TokenActivations* x, float* out) {
    if constexpr (kSuperBlock<F>) superRowDots<F, N>(row, blocks, x, out);
#if defined(__AVX512BW__)
    else smallRowDotsWide<F, N>(row, blocks, x, out);
#else
    else smallRowDots<F, N>(row, blocks, x, out);
#endif
}

// ---- Prefill: rows interleaved. ----
// Per block and token, the row-at-a-time kernels above spend about as many instructions turning
// integer dots into f32 as computing them. For prefill a tile's rows are first rearranged (once
// per call) so that one vector holds the same four elements of eight rows: vpdpbusd against
// those four activation bytes, broadcast, gives eight rows' partial dots at once, and the f32
// work is done once per eight rows.
//   q: per group of 8 rows, block, and 4-element step s, a 32-byte vector holding row r's
//      unsigned q[4s .. 4s+3] at byte 4r.
//   32-element formats (w = d · q + m): scales = d and mins = m, per block, 8 rows side by side.
//   K formats: scales = d · sc per scale group (32 elements for Q4_K and Q5_K, 16 for the
//      others) and 8 rows; minPairs = the s16 pair (mn[2p], mn[2p+1]) of each 32 elements for
//      8 rows, for one vpmaddwd with the activations' sums of both 16s; dmins = dmin of 8 rows.
// Without VNNI the byte products pass through s16 pairs, which Q8_0's unsigned q (0–255) would
// saturate: that table keeps Q8_0 on the row kernel.
#if defined(__AVX512VNNI__)
template <BlockFormat F>
constexpr bool kInterleavedPrefill = true;
#else
template <BlockFormat F>
constexpr bool kInterleavedPrefill = F != BlockFormat::Q8_0;
#endif
constexpr size_t kGroupRows = 8;
// Row groups and tokens one pass keeps in registers (3 × groups × tokens vectors).
#if defined(__AVX512F__)
constexpr size_t kPassGroups = 2;
#else
constexpr size_t kPassGroups = 1;
#endif
constexpr size_t kPassTokens = 4;

template <BlockFormat F>
constexpr size_t kScaleGroup = kSuperBlock<F> ? (kScalePer32<F> ? 32 : 16) : 32;  // elements per scale
template <BlockFormat F>
constexpr size_t kScaleGroups = kBlockElements<F> / kScaleGroup<F>;  // per block

struct InterleavedTile {
    std::vector<uint8_t> q;
    std::vector<float> scales, mins, dmins;
    std::vector<int16_t> minPairs;
};

// The unsigned q of a 32-element block (see the top of the file).
template <BlockFormat F>
inline VI unsignedQuants(const uint8_t* b) {
    using enum BlockFormat;
    if constexpr (F == Q8_0) return _mm256_xor_si256(loadI(b + 2), bytes(0x80));
    else if constexpr (F == Q4_0) return _mm256_add_epi8(smallQuants<F>(b), bytes(8));
    else if constexpr (F == Q5_0) return _mm256_add_epi8(smallQuants<F>(b), bytes(16));
    else return smallQuants<F>(b);
}

// Eight rows' vectors of 32 q → eight vectors of one 4-element step each (an 8 × 8 transpose
// of four-byte words).
inline void interleaveWords(const VI q[8], uint8_t* out) {
    const VI a0 = _mm256_unpacklo_epi32(q[0], q[1]), a1 = _mm256_unpackhi_epi32(q[0], q[1]);
    const VI a2 = _mm256_unpacklo_epi32(q[2], q[3]), a3 = _mm256_unpackhi_epi32(q[2], q[3]);
    const VI a4 = _mm256_unpacklo_epi32(q[4], q[5]), a5 = _mm256_unpackhi_epi32(q[4], q[5]);
    const VI a6 = _mm256_unpacklo_epi32(q[6], q[7]), a7 = _mm256_unpackhi_epi32(q[6], q[7]);
    const VI b0 = _mm256_unpacklo_epi64(a0, a2), b1 = _mm256_unpackhi_epi64(a0, a2);
    const VI b2 = _mm256_unpacklo_epi64(a1, a3), b3 = _mm256_unpackhi_epi64(a1, a3);
    const VI b4 = _mm256_unpacklo_epi64(a4, a6), b5 = _mm256_unpackhi_epi64(a4, a6);
    const VI b6 = _mm256_unpacklo_epi64(a5, a7), b7 = _mm256_unpackhi_epi64(a5, a7);
    auto store = [&](size_t s, VI v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 32 * s), v); };
    store(0, _mm256_permute2x128_si256(b0, b4, 0x20));
    store(1, _mm256_permute2x128_si256(b1, b5, 0x20));
    store(2, _mm256_permute2x128_si256(b2, b6, 0x20));
    store(3, _mm256_permute2x128_si256(b3, b7, 0x20));
    store(4, _mm256_permute2x128_si256(b0, b4, 0x31));
    store(5, _mm256_permute2x128_si256(b1, b5, 0x31));
    store(6, _mm256_permute2x128_si256(b2, b6, 0x31));
    store(7, _mm256_permute2x128_si256(b3, b7, 0x31));
}

// Rows [0, rowCount) of a tile into `tile`, padded with zero rows to whole groups of eight.
template <BlockFormat F>
void interleaveRows(const uint8_t* rows, size_t rowBytes, size_t rowCount, size_t blocks, InterleavedTile& tile) {
    using enum BlockFormat;
    constexpr size_t vectors = kBlockElements<F> / 32, S = kScaleGroups<F>;
    const size_t groups = (rowCount + kGroupRows - 1) / kGroupRows, groupBlocks = groups * blocks;
    tile.q.resize(groupBlocks * kBlockElements<F> * kGroupRows);
    tile.scales.resize(groupBlocks * S * kGroupRows);
    if constexpr (kSuperBlock<F>) {
        tile.dmins.resize(groupBlocks * kGroupRows);
        tile.minPairs.resize(groupBlocks * 8 * kGroupRows * 2);
    } else {
        tile.mins.resize(groupBlocks * kGroupRows);
    }
    for (size_t g = 0; g < groups; ++g)
        for (size_t b = 0; b < blocks; ++b) {
            const size_t gb = g * blocks + b;
            alignas(32) uint8_t q[kGroupRows][kBlockElements<F>];
            for (size_t r = 0; r < kGroupRows; ++r) {
                const size_t row = g * kGroupRows + r;
                float* scales = &tile.scales[gb * S * kGroupRows + r];
                if (row >= rowCount) {
                    __builtin_memset(q[r], 0, sizeof q[r]);
                    for (size_t sg = 0; sg < S; ++sg) scales[sg * kGroupRows] = 0.0f;
                    if constexpr (kSuperBlock<F>) {
                        tile.dmins[gb * kGroupRows + r] = 0.0f;
                        for (size_t p = 0; p < 8; ++p) tile.minPairs[((gb * 8 + p) * kGroupRows + r) * 2] = tile.minPairs[((gb * 8 + p) * kGroupRows + r) * 2 + 1] = 0;
                    } else {
                        tile.mins[gb * kGroupRows + r] = 0.0f;
                    }
                    continue;
                }
                const uint8_t* block = rows + row * rowBytes + b * kBlockBytes<F>;
                if constexpr (kSuperBlock<F>) {
                    auto chunk = [&]<int C>() {
                        VI q0, q1;
                        superQuants<F, C>(block, q0, q1);
                        _mm256_store_si256(reinterpret_cast<__m256i*>(q[r] + 64 * C), q0);
                        _mm256_store_si256(reinterpret_cast<__m256i*>(q[r] + 64 * C + 32), q1);
                    };
                    chunk.template operator()<0>();
                    chunk.template operator()<1>();
                    chunk.template operator()<2>();
                    chunk.template operator()<3>();
                    float d, dmin;
                    int16_t sc[16], mn[16];
                    blockScales<F>(block, d, dmin, sc, mn);
                    for (size_t sg = 0; sg < S; ++sg) scales[sg * kGroupRows] = d * float(sc[sg * kScaleGroup<F> / 16]);
                    tile.dmins[gb * kGroupRows + r] = dmin;
                    for (size_t p = 0; p < 8; ++p) {
                        int16_t* pair = &tile.minPairs[((gb * 8 + p) * kGroupRows + r) * 2];
                        pair[0] = mn[2 * p];
                        pair[1] = mn[2 * p + 1];
                    }
                } else {
                    _mm256_store_si256(reinterpret_cast<__m256i*>(q[r]), unsignedQuants<F>(block));
                    scales[0] = halfAt(block);
                    tile.mins[gb * kGroupRows + r] =
                        F == Q4_1 || F == Q5_1 ? halfAt(block + 2) : -(F == Q4_0 ? 8.0f : F == Q5_0 ? 16.0f : 128.0f) * scales[0];
                }
            }
            for (size_t v = 0; v < vectors; ++v) {
                VI rowsOfV[kGroupRows];
                for (size_t r = 0; r < kGroupRows; ++r) rowsOfV[r] = _mm256_load_si256(reinterpret_cast<const __m256i*>(q[r] + 32 * v));
                interleaveWords(rowsOfV, &tile.q[(gb * vectors + v) * 256]);
            }
        }
}

// G groups of eight rows (from group g0) × N tokens over all blocks; y gets rows [8 g0, 8 (g0 + G))
// of each token, clipped to rowCount.
template <BlockFormat F, size_t G, size_t N>
void interleavedDots(const InterleavedTile& tile, size_t blocks, size_t g0, const TokenActivations* x, size_t rowCount,
                     float* y, size_t yStride) {
    constexpr size_t S = kScaleGroups<F>, stepsPerScale = kScaleGroup<F> / 4, E = kBlockElements<F>;
    __m256 acc[G][N];
    for (auto& group : acc)
        for (auto& a : group) a = _mm256_setzero_ps();
    for (size_t b = 0; b < blocks; ++b) {
        if constexpr (kSuperBlock<F>) {  // the minimums: dmin · Σ_p (mn pair) · (sums pair), per row
            VI mins[G][N];
            for (auto& group : mins)
                for (auto& m : group) m = _mm256_setzero_si256();
            for (size_t p = 0; p < 8; ++p)
                for (size_t k = 0; k < N; ++k) {
                    const VI sumPair = _mm256_set1_epi32(int(u32At(reinterpret_cast<const uint8_t*>(x[k].sums + 16 * b + 2 * p))));
                    for (size_t g = 0; g < G; ++g)
                        mins[g][k] = dotWords(mins[g][k], loadI(&tile.minPairs[(((g0 + g) * blocks + b) * 8 + p) * kGroupRows * 2]), sumPair);
                }
            for (size_t k = 0; k < N; ++k)
                for (size_t g = 0; g < G; ++g) {
                    const __m256 dmin = _mm256_loadu_ps(&tile.dmins[((g0 + g) * blocks + b) * kGroupRows]);
                    acc[g][k] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(mins[g][k]), _mm256_mul_ps(dmin, _mm256_set1_ps(-x[k].scales[b])), acc[g][k]);
                }
        }
        __m256 partial[G][N];  // Σ over scale groups of (d · sc) · integer dot, before dx
        for (auto& group : partial)
            for (auto& a : group) a = _mm256_setzero_ps();
        for (size_t sg = 0; sg < S; ++sg) {
            VI sums[G][N];
            for (auto& group : sums)
                for (auto& v : group) v = _mm256_setzero_si256();
            for (size_t st = 0; st < stepsPerScale; ++st) {
                const size_t step = sg * stepsPerScale + st;
                VI w[G];
                for (size_t g = 0; g < G; ++g) w[g] = loadI(&tile.q[(((g0 + g) * blocks + b) * E / 4 + step) * 32]);
                for (size_t k = 0; k < N; ++k) {
                    const VI xv = _mm256_set1_epi32(int(u32At(reinterpret_cast<const uint8_t*>(x[k].q + E * b + 4 * step))));
                    for (size_t g = 0; g < G; ++g) sums[g][k] = dotBytes(sums[g][k], w[g], xv);
                }
            }
            for (size_t g = 0; g < G; ++g) {
                const __m256 scale = _mm256_loadu_ps(&tile.scales[(((g0 + g) * blocks + b) * S + sg) * kGroupRows]);
                for (size_t k = 0; k < N; ++k) partial[g][k] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums[g][k]), scale, partial[g][k]);
            }
        }
        for (size_t k = 0; k < N; ++k) {
            const float dx = x[k].scales[b];
            for (size_t g = 0; g < G; ++g) {
                acc[g][k] = _mm256_fmadd_ps(partial[g][k], _mm256_set1_ps(dx), acc[g][k]);
                if constexpr (!kSuperBlock<F>) {  // m · dx · Σqx
                    const float dxSum = dx * float(x[k].sums[2 * b] + x[k].sums[2 * b + 1]);
                    acc[g][k] = _mm256_fmadd_ps(_mm256_loadu_ps(&tile.mins[((g0 + g) * blocks + b) * kGroupRows]),
                                                _mm256_set1_ps(dxSum), acc[g][k]);
                }
            }
        }
    }
    for (size_t k = 0; k < N; ++k)
        for (size_t g = 0; g < G; ++g) {
            const size_t r0 = (g0 + g) * kGroupRows;
            float* out = y + k * yStride + r0;
            if (r0 + kGroupRows <= rowCount) {
                _mm256_storeu_ps(out, acc[g][k]);
            } else {
                alignas(32) float lanes[kGroupRows];
                _mm256_store_ps(lanes, acc[g][k]);
                for (size_t r = 0; r0 + r < rowCount; ++r) out[r] = lanes[r];
            }
        }
}

template <BlockFormat F>
void multiplyBlocksInterleaved(const QuantizedActivations& x, size_t numTokens, const uint8_t* rows, size_t rowBytes,
                               size_t blocks, size_t rowCount, float* y, size_t yStride) {
    thread_local InterleavedTile tile;
    interleaveRows<F>(rows, rowBytes, rowCount, blocks, tile);
    const size_t groups = (rowCount + kGroupRows - 1) / kGroupRows;
    for (size_t t = 0; t < numTokens; t += kPassTokens) {
        TokenActivations xs[kPassTokens];
        const size_t n = numTokens - t < kPassTokens ? numTokens - t : kPassTokens;
        for (size_t k = 0; k < n; ++k) xs[k] = tokenActivations(x, t + k);
        float* yt = y + t * yStride;
        size_t g = 0;
        auto pass = [&]<size_t G>() {
            switch (n) {
                case 1: interleavedDots<F, G, 1>(tile, blocks, g, xs, rowCount, yt, yStride); break;
                case 2: interleavedDots<F, G, 2>(tile, blocks, g, xs, rowCount, yt, yStride); break;
                case 3: interleavedDots<F, G, 3>(tile, blocks, g, xs, rowCount, yt, yStride); break;
                default: interleavedDots<F, G, 4>(tile, blocks, g, xs, rowCount, yt, yStride); break;
            }
        };
        for (; g + kPassGroups <= groups; g += kPassGroups) pass.template operator()<kPassGroups>();
        for (; g < groups; ++g) pass.template operator()<1>();
    }
}

#else  // baseline: portable scalar, the same integer sums

template <BlockFormat F, size_t N>
void rowDots(const uint8_t* row, size_t blocks, const TokenActivations* x, float* out) {
    constexpr size_t E = kBlockElements<F>;
    uint8_t q[E];
    int16_t sc[16], mn[16];
    for (size_t k = 0; k < N; ++k) out[k] = 0.0f;
    for (size_t b = 0; b < blocks; ++b) {
        const uint8_t* block = row + b * kBlockBytes<F>;
        float d, dmin;
        blockScales<F>(block, d, dmin, sc, mn);
        blockQuants<F>(block, q);
        for (size_t k = 0; k < N; ++k) {
            const int8_t* xq = x[k].q + E * b;
            const int16_t* xs = x[k].sums + E / 16 * b;
            int32_t scaled = 0, mins = 0;
            for (size_t s = 0; s < E / 16; ++s) {
                int32_t p = 0;
                for (size_t e = 16 * s; e < 16 * s + 16; ++e) p += int32_t(q[e]) * xq[e];
                scaled += sc[s] * p;
                mins += mn[s] * xs[s];
            }
            out[k] += x[k].scales[b] * (d * float(scaled) - dmin * float(mins));
        }
    }
}

template <BlockFormat F>
constexpr bool kInterleavedPrefill = false;
template <BlockFormat F>
void multiplyBlocksInterleaved(const QuantizedActivations&, size_t, const uint8_t*, size_t, size_t, size_t, float*, size_t) {}

#endif

// From this many tokens a call rearranges its tiles' rows (measured on the Qwen2.5-3B matrices
// with the avx512bf16 table, 4 to 24 tokens: the 32-element formats gain from 6, Q4_K from 12,
// Q6_K from 16, where the row kernel had been 8-20% faster below).
template <BlockFormat F>
constexpr size_t kInterleavedMinTokens = !kSuperBlock<F> ? 6 : F == BlockFormat::Q4_K || F == BlockFormat::Q5_K ? 12 : 16;

// Rows of the tile inside groups of tokens: a group's quantized activations (4 × cols bytes) stay
// in L1 while the tile's rows pass through them from L2, so prefill reads each activation from
// memory once per tile rather than once per row.
template <BlockFormat F>
void multiplyBlocksAs(const QuantizedActivations& x, size_t numTokens, const WeightRows& w, size_t row0,
                      size_t rowCount, float* y, size_t yStride) {
    const size_t blocks = w.cols / kBlockElements<F>, rowBytes = blocks * kBlockBytes<F>;
    const auto* base = static_cast<const uint8_t*>(w.data) + row0 * rowBytes;
    if (kInterleavedPrefill<F> && numTokens >= kInterleavedMinTokens<F>)
        return multiplyBlocksInterleaved<F>(x, numTokens, base, rowBytes, blocks, rowCount, y + row0, yStride);
    for (size_t t = 0; t < numTokens; t += kTokenGroup) {
        const size_t n = numTokens - t < kTokenGroup ? numTokens - t : kTokenGroup;
        TokenActivations xs[kTokenGroup];
        for (size_t k = 0; k < n; ++k) xs[k] = tokenActivations(x, t + k);
        for (size_t r = 0; r < rowCount; ++r) {
            const uint8_t* row = base + r * rowBytes;
            float out[kTokenGroup];
            switch (n) {
                case 1: rowDots<F, 1>(row, blocks, xs, out); break;
                case 2: rowDots<F, 2>(row, blocks, xs, out); break;
                case 3: rowDots<F, 3>(row, blocks, xs, out); break;
                default: rowDots<F, 4>(row, blocks, xs, out); break;
            }
            for (size_t k = 0; k < n; ++k) y[(t + k) * yStride + row0 + r] = out[k];
        }
    }
}

void multiplyBlocks(const QuantizedActivations& x, size_t numTokens, const WeightRows& w, size_t row0, size_t rowCount,
                    float* y, size_t yStride) {
    using enum BlockFormat;
    switch (w.format) {
        case Q4_0: return multiplyBlocksAs<Q4_0>(x, numTokens, w, row0, rowCount, y, yStride);
        case Q4_1: return multiplyBlocksAs<Q4_1>(x, numTokens, w, row0, rowCount, y, yStride);
        case Q5_0: return multiplyBlocksAs<Q5_0>(x, numTokens, w, row0, rowCount, y, yStride);
        case Q5_1: return multiplyBlocksAs<Q5_1>(x, numTokens, w, row0, rowCount, y, yStride);
        case Q8_0: return multiplyBlocksAs<Q8_0>(x, numTokens, w, row0, rowCount, y, yStride);
        case Q2_K: return multiplyBlocksAs<Q2_K>(x, numTokens, w, row0, rowCount, y, yStride);
        case Q3_K: return multiplyBlocksAs<Q3_K>(x, numTokens, w, row0, rowCount, y, yStride);
        case Q4_K: return multiplyBlocksAs<Q4_K>(x, numTokens, w, row0, rowCount, y, yStride);
        case Q5_K: return multiplyBlocksAs<Q5_K>(x, numTokens, w, row0, rowCount, y, yStride);
        case Q6_K: return multiplyBlocksAs<Q6_K>(x, numTokens, w, row0, rowCount, y, yStride);
        case F32:
        case F16:
        case BF16: break;  // not block formats: the loader gives these their own DType
    }
}

// Activations to 8 bits (QuantizedActivations): d = max |x| / 127 per group, q = x · (1 / d)
// rounded to nearest even, the same f32 operations on every instruction set.
void quantizeActivations(const float* x, size_t cols, size_t group, int8_t* q, float* scales, int16_t* sums) {
    for (size_t g = 0; g < cols / group; ++g) {
        const float* xg = x + g * group;
        int8_t* qg = q + g * group;
        float amax = 0.0f;
#if defined(__AVX512F__)
        __m512 m = _mm512_setzero_ps();
        for (size_t i = 0; i < group; i += 16) m = _mm512_max_ps(m, _mm512_abs_ps(_mm512_loadu_ps(xg + i)));
        amax = _mm512_reduce_max_ps(m);
#elif defined(__AVX2__)
        const __m256 signBit = _mm256_set1_ps(-0.0f);
        __m256 m = _mm256_setzero_ps();
        for (size_t i = 0; i < group; i += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(signBit, _mm256_loadu_ps(xg + i)));
        __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        h = _mm_max_ps(h, _mm_movehl_ps(h, h));
        amax = _mm_cvtss_f32(_mm_max_ss(h, _mm_shuffle_ps(h, h, 1)));
#else
        for (size_t i = 0; i < group; ++i) amax = __builtin_fmaxf(amax, __builtin_fabsf(xg[i]));
#endif
        const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
        scales[g] = d;
        for (size_t i = 0; i < group; i += 16) {  // cvtps rounds to nearest even, as lrintf
            int32_t total;
#if defined(__AVX512F__)
            const __m512i v = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(xg + i), _mm512_set1_ps(id)));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(qg + i), _mm512_cvtepi32_epi8(v));
            total = _mm512_reduce_add_epi32(v);
#elif defined(__AVX2__)
            const __m256 idv = _mm256_set1_ps(id);
            const __m256i a = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(xg + i), idv));
            const __m256i b = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(xg + i + 8), idv));
            const __m256i words = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xd8);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(qg + i),
                             _mm_packs_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1)));
            const __m256i s = _mm256_add_epi32(a, b);
            __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
            t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4e));
            total = _mm_cvtsi128_si32(_mm_add_epi32(t, _mm_shuffle_epi32(t, 0xb1)));
#else
            total = 0;
            for (size_t e = i; e < i + 16; ++e) {
                qg[e] = int8_t(__builtin_lrintf(xg[e] * id));
                total += qg[e];
            }
#endif
            sums[(g * group + i) / 16] = int16_t(total);
        }
    }
}

// Block rows decoded to f32 by the reference decoders (bit-exact with gguf-py): the prefill
// path that multiplies them with multiplyWidened.
void widenBlockRows(const WeightRows& w, size_t row0, size_t rowCount, float* dst) {
    const BlockLayout layout = blockLayout(w.format);
    const size_t blocks = w.cols / layout.elements, rowBytes = blocks * layout.bytes;
    const auto* base = static_cast<const uint8_t*>(w.data);
    for (size_t r = 0; r < rowCount; ++r) dequantizeBlocks(w.format, base + (row0 + r) * rowBytes, blocks, dst + r * w.cols);
}

}  // namespace
}  // namespace pagoda::cpu
