// Small f32 vector primitives the CPU kernels are built from. Several independent
// accumulators let the compiler vectorize without -ffast-math reassociation.
#pragma once

#include <cstddef>

namespace pagoda::cpu {

inline float dot(const float* a, const float* b, size_t n) {
    float acc[16] = {};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (size_t j = 0; j < 16; ++j) acc[j] += a[i + j] * b[i + j];
    float sum = 0.0f;
    for (; i < n; ++i) sum += a[i] * b[i];
    for (float v : acc) sum += v;
    return sum;
}

// y += alpha * x
inline void axpy(float alpha, const float* x, float* y, size_t n) {
    for (size_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

inline void scale(float alpha, float* y, size_t n) {
    for (size_t i = 0; i < n; ++i) y[i] *= alpha;
}

}  // namespace pagoda::cpu
