// RMSNorm over rows, computed in f32 as HF's Qwen2/Llama/Glm RMSNorm:
// x * rsqrt(mean(x²) + eps) * weight.
#pragma once

#include <cstddef>

#include "kernels/cpu/linear.h"

namespace pagoda::cpu {

// x and y are [rows, weight.size]; y may equal x.
void rmsNorm(const float* x, size_t rows, const Vector& weight, float eps, float* y);

// The residual step and the next norm in one pass: residual += delta, then
// y = rmsNorm(residual). Every layer boundary is one of these.
void addRmsNorm(float* residual, const float* delta, size_t rows, const Vector& weight, float eps, float* y);

}  // namespace pagoda::cpu
