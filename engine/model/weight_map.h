// Binds a checkpoint's tensors (safetensors or GGUF) onto DecoderWeights using each
// architecture's row of the tensor-name table, checking names, shapes and dtypes against the config.
#pragma once

#include "engine/common/result.h"
#include "engine/model/checkpoint.h"
#include "engine/model/decoder_weights.h"
#include "engine/model/gguf_file.h"
#include "engine/model/model_config.h"

namespace pagoda {

// Fails with a message naming the file and tensor when a tensor is missing, unexpected,
// misshapen or of a dtype Pagoda cannot compute with.
Result<DecoderWeights> bindWeights(const ModelConfig& config, const Checkpoint& checkpoint);

// The same from a GGUF model's files (llama.cpp's tensor names); quantized tensors become
// DType::Blocks views carrying their block format, any other type is an error naming it.
Result<DecoderWeights> bindGgufWeights(const ModelConfig& config, const std::vector<gguf::File>& files);

}  // namespace pagoda
