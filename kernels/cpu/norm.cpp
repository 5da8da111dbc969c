#include "kernels/cpu/norm.h"

#include <cmath>

namespace pagoda::cpu {

void rmsNorm(const float* x, size_t rows, const Vector& weight, float eps, float* y) {
    const size_t n = weight.size;
    for (size_t r = 0; r < rows; ++r) {
        const float* xr = x + r * n;
        float* yr = y + r * n;
        double sumSquares = 0.0;
        for (size_t i = 0; i < n; ++i) sumSquares += double(xr[i]) * xr[i];
        const float inv = 1.0f / std::sqrt(float(sumSquares / double(n)) + eps);
        for (size_t i = 0; i < n; ++i) yr[i] = (xr[i] * inv) * loadAsFloat(weight.data, weight.type, i);
    }
}

}  // namespace pagoda::cpu
