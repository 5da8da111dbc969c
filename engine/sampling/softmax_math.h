// The vocabulary-wide loops of the sampler: max, exp and sums over ~150k logits per token.
// Written with independent lanes and branch-free selects so that g++ vectorizes them without
// -ffast-math (the same habit as kernels/cpu/vector_math.h); sums accumulate in double.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace pagoda::sampling {

constexpr size_t kLanes = 8;

// cond ? a : b through bit masks. g++ will not if-convert a floating-point ?: under its
// default -ftrapping-math, which keeps these loops scalar; integer masks it vectorizes.
inline float select(bool cond, float a, float b) {
    const uint32_t mask = 0u - uint32_t(cond);
    return std::bit_cast<float>((std::bit_cast<uint32_t>(a) & mask) | (std::bit_cast<uint32_t>(b) & ~mask));
}

// exp(x) for x <= 0, within a few ulp of std::exp. Cephes expf: x = n ln2 + r with
// |r| <= ln2/2 (Cody-Waite split of ln2), a degree-7 polynomial for e^r, then 2^n through the
// exponent bits. Below -87 (e^x near FLT_MIN, -inf included) the result is 0, so no denormal
// ever enters a later sum. Unlike a call into libm it inlines, and the loops around it vectorize.
inline float expNonPositive(float x) {
    const bool underflow = x < -87.0f;  // false for NaN, which stays NaN
    x = select(underflow, 0.0f, x);
    constexpr float kRoundingShift = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
    const float shifted = x * 1.44269504088896341f + kRoundingShift;
    const float n = shifted - kRoundingShift;
    const uint32_t exponent = std::bit_cast<uint32_t>(shifted) - std::bit_cast<uint32_t>(kRoundingShift) + 127u;
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const float e = p * (r * r) + r + 1.0f;
    return select(underflow, 0.0f, e * std::bit_cast<float>(exponent << 23));
}

// The largest value; NaN never wins; -inf for an empty or all -inf/NaN input. Compared as
// integers whose order is the floats' order (flip the magnitude bits of negatives), which g++
// vectorizes as a plain integer max reduction; a float max reduction it leaves scalar.
inline float maxValue(const float* x, size_t n) {
    constexpr int32_t kNothing = std::numeric_limits<int32_t>::min();  // the key of a NaN only
    int32_t best = kNothing;
    for (size_t i = 0; i < n; ++i) {
        const int32_t bits = std::bit_cast<int32_t>(x[i]);
        const int32_t key = bits ^ ((bits >> 31) & 0x7fffffff);
        const int32_t isNumber = -int32_t(x[i] == x[i]);
        best = std::max(best, (key & isNumber) | (kNothing & ~isNumber));
    }
    if (best == kNothing) return -std::numeric_limits<float>::infinity();
    return std::bit_cast<float>(best ^ ((best >> 31) & 0x7fffffff));
}

// out[i] = exp((x[i] - shift) * scale), for shift >= every x[i] and scale > 0 (1/temperature:
// a multiply, as a divide would cost more than the polynomial).
inline void expShifted(const float* x, float* out, size_t n, float shift, float scale) {
    for (size_t i = 0; i < n; ++i) out[i] = expNonPositive((x[i] - shift) * scale);
}

// out[i] = 0 where out[i] < threshold.
inline void zeroBelow(float* out, size_t n, float threshold) {
    for (size_t i = 0; i < n; ++i) out[i] = select(out[i] < threshold, 0.0f, out[i]);
}

inline double sum(const float* x, size_t n) {
    double acc[kLanes] = {};
    size_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (size_t j = 0; j < kLanes; ++j) acc[j] += double(x[i + j]);
    double total = 0.0;
    for (; i < n; ++i) total += double(x[i]);
    for (double a : acc) total += a;
    return total;
}

}  // namespace pagoda::sampling
