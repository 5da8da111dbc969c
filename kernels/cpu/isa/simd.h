// The few SIMD operations the CPU kernels are written in, for the instruction set the
// including file is compiled for (-march=x86-64-v4 → 16 lanes, x86-64-v3 → 8, baseline
// SSE2 → 4). Everything is in an anonymous namespace on purpose: each kernels_<isa>.cpp
// gets its own copy, so the linker can never hand an AVX-512 instance of a helper to
// baseline code (the classic one-definition trap of per-file -march flags). For the same
// reason files including this must not call inline functions from shared headers.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace pagoda::cpu {
namespace {

#if defined(__AVX512F__)

constexpr size_t kLanes = 16;
using VF = __m512;
inline VF vzero() { return _mm512_setzero_ps(); }
inline VF vset1(float a) { return _mm512_set1_ps(a); }
inline VF vload(const float* p) { return _mm512_loadu_ps(p); }
inline void vstore(float* p, VF v) { _mm512_storeu_ps(p, v); }
inline VF vmul(VF a, VF b) { return _mm512_mul_ps(a, b); }
inline VF vdiv(VF a, VF b) { return _mm512_div_ps(a, b); }
inline VF vadd(VF a, VF b) { return _mm512_add_ps(a, b); }
inline VF vfma(VF a, VF b, VF c) { return _mm512_fmadd_ps(a, b, c); }
inline float vsum(VF v) { return _mm512_reduce_add_ps(v); }
inline VF vloadBf16(const void* p) {
    const __m512i wide = _mm512_cvtepu16_epi32(_mm256_loadu_si256(static_cast<const __m256i*>(p)));
    return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
}
inline VF vloadF16(const void* p) { return _mm512_cvtph_ps(_mm256_loadu_si256(static_cast<const __m256i*>(p))); }
inline VF vloadI8(const void* p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p))));
}

#elif defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)

constexpr size_t kLanes = 8;
using VF = __m256;
inline VF vzero() { return _mm256_setzero_ps(); }
inline VF vset1(float a) { return _mm256_set1_ps(a); }
inline VF vload(const float* p) { return _mm256_loadu_ps(p); }
inline void vstore(float* p, VF v) { _mm256_storeu_ps(p, v); }
inline VF vmul(VF a, VF b) { return _mm256_mul_ps(a, b); }
inline VF vdiv(VF a, VF b) { return _mm256_div_ps(a, b); }
inline VF vadd(VF a, VF b) { return _mm256_add_ps(a, b); }
inline VF vfma(VF a, VF b, VF c) { return _mm256_fmadd_ps(a, b, c); }
inline float vsum(VF v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}
inline VF vloadBf16(const void* p) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}
inline VF vloadF16(const void* p) { return _mm256_cvtph_ps(_mm_loadu_si128(static_cast<const __m128i*>(p))); }
inline VF vloadI8(const void* p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(static_cast<const __m128i*>(p))));
}

#else  // SSE2, which every x86-64 has

constexpr size_t kLanes = 4;
using VF = __m128;
inline VF vzero() { return _mm_setzero_ps(); }
inline VF vset1(float a) { return _mm_set1_ps(a); }
inline VF vload(const float* p) { return _mm_loadu_ps(p); }
inline void vstore(float* p, VF v) { _mm_storeu_ps(p, v); }
inline VF vmul(VF a, VF b) { return _mm_mul_ps(a, b); }
inline VF vdiv(VF a, VF b) { return _mm_div_ps(a, b); }
inline VF vadd(VF a, VF b) { return _mm_add_ps(a, b); }
inline VF vfma(VF a, VF b, VF c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
inline float vsum(VF s) {
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}
inline VF vloadBf16(const void* p) {
    // Interleaving zeros below each 16-bit value puts it in the top half of a 32-bit lane.
    return _mm_castsi128_ps(_mm_unpacklo_epi16(_mm_setzero_si128(), _mm_loadl_epi64(static_cast<const __m128i*>(p))));
}
float scalarF16(uint16_t h);
inline VF vloadF16(const void* p) {
    uint16_t h[4];
    __builtin_memcpy(h, p, sizeof h);
    return _mm_setr_ps(scalarF16(h[0]), scalarF16(h[1]), scalarF16(h[2]), scalarF16(h[3]));
}
inline VF vloadI8(const void* p) {
    int32_t packed;
    __builtin_memcpy(&packed, p, 4);
    __m128i x = _mm_cvtsi32_si128(packed);
    x = _mm_unpacklo_epi8(x, x);
    x = _mm_unpacklo_epi16(x, x);
    return _mm_cvtepi32_ps(_mm_srai_epi32(x, 24));  // sign-extends each byte
}

#endif

// Scalar element reads for the tails the vectors leave (this file's own copies; see above).
inline float scalarBf16(uint16_t h) {
    const uint32_t bits = uint32_t(h) << 16;
    float f;
    __builtin_memcpy(&f, &bits, 4);
    return f;
}

inline float scalarF16(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000u) << 16, exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else {
        const float magnitude = float(mantissa) * 5.9604644775390625e-8f;  // subnormal: mantissa * 2^-24
        return sign ? -magnitude : magnitude;
    }
    float f;
    __builtin_memcpy(&f, &bits, 4);
    return f;
}

}  // namespace
}  // namespace pagoda::cpu
