// Quantizing f32 values into GGUF block formats: `--quantization int4` (Q4_0) at load, and
// test data for the block kernels.
#pragma once

#include <cstddef>

#include "kernels/cpu/block_formats.h"

namespace pagoda::cpu {

// Writes n values (a whole number of blocks) as n / elements blocks at dst, as ggml's reference
// quantizers do: per block the scale comes from the element of largest magnitude (Q8_0: d =
// max|x| / 127, q = x / d in [-127, 127]; Q4_0: d = x_max / -8 for the x_max of largest
// magnitude, q = x / d + 8 clamped to [0, 15]), rounded to nearest, and d stored as f16. The
// elements are divided by the f16 scale that is stored (ggml divides by the f32 one), so every
// element inside the representable range decodes within half a step of its value. Returns false,
// writing nothing, for a format it does not write (only Q4_0 and Q8_0) or n not whole blocks.
bool quantizeToBlocks(BlockFormat format, const float* src, size_t n, void* dst);

}  // namespace pagoda::cpu
