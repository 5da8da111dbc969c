// The canonical decoder's weights as views into the mapped checkpoint. Every supported
// architecture is bound onto these fields by the tensor-name table in weight_map.cpp.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/common/dtype.h"
#include "kernels/cpu/block_formats.h"

namespace pagoda {

// A 1-D or 2-D tensor in its checkpoint dtype. A fused checkpoint tensor (GLM's
// gate_up_proj, ChatGLM's query_key_value) is split into row ranges, which are
// contiguous, so no view ever needs a copy.
struct TensorView {
    const void* data = nullptr;  // null when the architecture has no such tensor
    DType type = DType::F32;
    int64_t rows = 0;            // elements of a 1-D tensor
    int64_t cols = 1;
    const float* rowScales = nullptr;  // I8 (quantized) matrices: one scale per row
    cpu::BlockFormat format = cpu::BlockFormat::F32;  // DType::Blocks: GGUF's block format
    explicit operator bool() const { return data != nullptr; }
};

struct LayerWeights {
    TensorView attnNorm;      // before attention
    TensorView q, k, v, o;
    TensorView qBias, kBias, vBias;
    TensorView oBias;         // Llama/Qwen3 with attention_bias (Qwen2 and GLM have none)
    TensorView qNorm, kNorm;  // Qwen3 per-head norms
    TensorView postAttnNorm;  // GLM-4-0414 sandwich norm on the attention output
    TensorView mlpNorm;       // before the MLP
    TensorView gate, up, down;
    TensorView postMlpNorm;   // GLM-4-0414 sandwich norm on the MLP output
};

struct DecoderWeights {
    TensorView embed;
    std::vector<LayerWeights> layers;
    TensorView finalNorm;
    TensorView lmHead;  // the embedding itself when tied
};

}  // namespace pagoda
