// A loaded model: its config, its memory-mapped checkpoint, and the canonical decoder
// weights viewing into that checkpoint.
#pragma once

#include <filesystem>
#include <memory>

#include "engine/common/result.h"
#include "engine/model/checkpoint.h"
#include "engine/model/decoder_weights.h"
#include "engine/model/model_config.h"
#include "engine/model/quantize.h"

namespace pagoda {

struct Model {
    std::filesystem::path directory;
    ModelConfig config;
    Checkpoint checkpoint;   // owns the mappings `weights` points into
    DecoderWeights weights;
    Quantization quantization = Quantization::None;
    std::vector<QuantizedMatrix> quantized;  // owns what quantized views in `weights` point into
};

// Shared so several executors and threads can read one mapping; it is immutable once loaded.
Result<std::shared_ptr<const Model>> loadModel(const std::filesystem::path& modelDir,
                                               Quantization quantization = Quantization::None);

}  // namespace pagoda
