// RMSNorm over rows, computed in f32 as HF's Qwen2/Llama/Glm RMSNorm:
// x * rsqrt(mean(x²) + eps) * weight.
#pragma once

#include <cstddef>

#include "kernels/cpu/linear.h"

namespace pagoda::cpu {

// x and y are [rows, weight.size]; y may equal x.
void rmsNorm(const float* x, size_t rows, const Vector& weight, float eps, float* y);

}  // namespace pagoda::cpu
