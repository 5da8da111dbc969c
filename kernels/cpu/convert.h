// Widening of checkpoint-dtype rows to f32, the one place CPU kernels read weights.
#pragma once

#include <cstddef>

#include "kernels/common/dtype.h"
#include "kernels/cpu/block_formats.h"

namespace pagoda::cpu {

// dst[i] = element (offset + i) of `src` for i < n.
void convertToFloat(const void* src, DType type, size_t offset, size_t n, float* dst);

// dst[i] = element i of row `row` of a [rows, cols] matrix stored as `type` (and, for
// DType::Blocks, in `format`, whose rows are whole blocks): the embedding lookup.
void rowToFloat(const void* src, DType type, BlockFormat format, size_t row, size_t cols, float* dst);

}  // namespace pagoda::cpu
