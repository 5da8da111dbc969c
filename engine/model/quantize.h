// Weight-only quantization of a 16-bit checkpoint, done once at load for every projection
// and the LM head. Decode is memory-bound, so fewer bytes per weight is speed; activations
// and the KV cache stay f32.
//   int8: each row int8 with one f32 scale (max|w| / 127), symmetric, round to nearest
//         (half of bf16's bytes).
//   int4: GGUF's Q4_0 blocks: 32 weights share one f16 scale, 4.5 bits per weight (under a
//         third of bf16's bytes), computed on by the block kernels with 8-bit activations.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "engine/model/decoder_weights.h"
#include "kernels/cpu/thread_pool.h"

namespace pagoda {

// Int4: GGUF's Q4_0 blocks (32 weights, one f16 scale), computed on by the block kernels.
enum class Quantization { None, Int8, Int4 };

const char* quantizationName(Quantization q);
std::optional<Quantization> parseQuantization(std::string_view name);  // "none" / "int8" / "int4"

struct QuantizedMatrix {
    DType type = DType::I8;             // I8, or Blocks in `format`
    cpu::BlockFormat format = cpu::BlockFormat::F32;
    std::vector<unsigned char> values;  // [rows, cols] int8, or rows of whole blocks
    std::vector<float> scales;          // I8: one per row
    int64_t rows = 0;
    int64_t cols = 0;

    TensorView view() const {
        TensorView v{values.data(), type, rows, cols, scales.empty() ? nullptr : scales.data()};
        v.format = format;
        return v;
    }
};

QuantizedMatrix quantizeRowsInt8(const TensorView& w, ThreadPool& pool);

// Nothing when the rows do not divide into Q4_0's 32-element blocks (no real model has
// such a projection; such a matrix stays as it is).
std::optional<QuantizedMatrix> quantizeRowsInt4(const TensorView& w, ThreadPool& pool);

}  // namespace pagoda
