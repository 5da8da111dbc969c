// A loaded model: its config, its memory-mapped checkpoint (safetensors or GGUF), and the
// canonical decoder weights viewing into that checkpoint.
#pragma once

#include <filesystem>
#include <memory>

#include "engine/common/result.h"
#include "engine/model/checkpoint.h"
#include "engine/model/decoder_weights.h"
#include "engine/model/gguf_file.h"
#include "engine/model/model_config.h"
#include "engine/model/quantize.h"

namespace pagoda {

struct Model {
    std::filesystem::path directory;
    ModelConfig config;
    Checkpoint checkpoint;   // owns the mappings `weights` points into (safetensors models)
    std::vector<gguf::File> ggufFiles;  // the same for GGUF models: the parts, in order
    DecoderWeights weights;
    Quantization quantization = Quantization::None;
    std::vector<QuantizedMatrix> quantized;  // owns what quantized views in `weights` point into
};

// `modelPath` is a model directory (safetensors, or one GGUF model) or a .gguf file (any
// part of a split one). Shared so several executors and threads can read one mapping; it is
// immutable once loaded.
Result<std::shared_ptr<const Model>> loadModel(const std::filesystem::path& modelPath,
                                               Quantization quantization = Quantization::None);

// Whether any matrix is stored in a GGUF block format (such models run on the CPU).
bool hasBlockWeights(const Model& model);

}  // namespace pagoda
