// Weight-only int8 quantization (`--quantization int8`), done once at load: each row of
// every projection and of the LM head becomes int8 with one f32 scale (max|w| / 127),
// symmetric, round to nearest. Decode is memory-bound, and this halves the bytes it reads
// from bf16 weights; activations and the KV cache stay f32.
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
    std::vector<int8_t> values;  // [rows, cols]
    std::vector<float> scales;   // [rows]
    int64_t rows = 0;
    int64_t cols = 0;

    TensorView view() const { return {values.data(), DType::I8, rows, cols, scales.data()}; }
};

QuantizedMatrix quantizeRowsInt8(const TensorView& w, ThreadPool& pool);

}  // namespace pagoda
