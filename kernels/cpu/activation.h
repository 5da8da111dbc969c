// The gated MLP activation: out = silu(gate) * up (HF `act_fn(gate_proj(x)) * up_proj(x)`).
#pragma once

#include <cstddef>

namespace pagoda::cpu {

// gate and up are rows of `width` floats with row stride `stride`; out is [rows, width].
void siluMul(const float* gate, const float* up, size_t rows, size_t width, size_t stride, float* out);

}  // namespace pagoda::cpu
