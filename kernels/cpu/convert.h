// Widening of checkpoint-dtype rows to f32, the one place CPU kernels read weights.
#pragma once

#include <cstddef>

#include "kernels/common/dtype.h"

namespace pagoda::cpu {

// dst[i] = element (offset + i) of `src` for i < n.
void convertToFloat(const void* src, DType type, size_t offset, size_t n, float* dst);

}  // namespace pagoda::cpu
