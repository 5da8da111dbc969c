#include "kernels/cpu/activation.h"

#include <cmath>

#include "kernels/cpu/isa/kernel_table.h"

namespace pagoda::cpu {

void siluMul(const float* gate, const float* up, size_t rows, size_t width, size_t stride, float* out) {
    for (size_t r = 0; r < rows; ++r) {
        const float* g = gate + r * stride;
        const float* u = up + r * stride;
        float* o = out + r * width;
        for (size_t i = 0; i < width; ++i) o[i] = g[i] / (1.0f + std::exp(-g[i])) * u[i];
    }
}

void siluMul(ThreadPool& pool, const float* gate, const float* up, size_t rows, size_t width, size_t stride,
             float* out) {
    const KernelTable& k = kernels();
    pool.parallelFor(rows, [&](size_t begin, size_t end) {
        for (size_t r = begin; r < end; ++r) k.siluMul(gate + r * stride, up + r * stride, width, out + r * width);
    });
}

}  // namespace pagoda::cpu
