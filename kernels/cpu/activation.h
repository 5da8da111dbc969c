// The gated MLP activation: out = silu(gate) * up (HF `act_fn(gate_proj(x)) * up_proj(x)`).
#pragma once

#include <cstddef>

#include "kernels/cpu/thread_pool.h"

namespace pagoda::cpu {

// gate and up are rows of `width` floats with row stride `stride`; out is [rows, width].
// With std::exp: the reference the CUDA kernels are checked against bit for bit.
void siluMul(const float* gate, const float* up, size_t rows, size_t width, size_t stride, float* out);

// The same over the pool with the active instruction set's vector exp (a few ulp from the
// reference): what the CPU backend runs, where one scalar exp per element cost 5-10 % of a step.
void siluMul(ThreadPool& pool, const float* gate, const float* up, size_t rows, size_t width, size_t stride,
             float* out);

}  // namespace pagoda::cpu
