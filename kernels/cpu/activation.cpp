#include "kernels/cpu/activation.h"

#include <cmath>

namespace pagoda::cpu {

void siluMul(const float* gate, const float* up, size_t rows, size_t width, size_t stride, float* out) {
    for (size_t r = 0; r < rows; ++r) {
        const float* g = gate + r * stride;
        const float* u = up + r * stride;
        float* o = out + r * width;
        for (size_t i = 0; i < width; ++i) o[i] = g[i] / (1.0f + std::exp(-g[i])) * u[i];
    }
}

}  // namespace pagoda::cpu
