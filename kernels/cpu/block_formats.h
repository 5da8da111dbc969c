// The quantized block formats of GGUF files (ggml's Q4_0 … Q6_K) and their scalar
// reference decoding to f32. Each value is computed with the same f32 operations, in the
// same order, as gguf-py's numpy dequantizers, so the results are bit-identical to them
// (tests/engine/block_formats_test.cpp checks every format); faster kernels are checked
// against these.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pagoda::cpu {

enum class BlockFormat : uint8_t { F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K };

struct BlockLayout {
    uint32_t elements;  // per block
    uint32_t bytes;     // per block
};
BlockLayout blockLayout(BlockFormat format);
const char* blockFormatName(BlockFormat format);

// Decodes `blockCount` consecutive blocks at `blocks` into blockCount × elements floats.
void dequantizeBlocks(BlockFormat format, const void* blocks, size_t blockCount, float* out);

}  // namespace pagoda::cpu
