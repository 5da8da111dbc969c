// Binds a checkpoint's tensors onto DecoderWeights using each architecture's row of the
// tensor-name table, checking names, shapes and dtypes against the config.
#pragma once

#include "engine/common/result.h"
#include "engine/model/checkpoint.h"
#include "engine/model/decoder_weights.h"
#include "engine/model/model_config.h"

namespace pagoda {

// Fails with a message naming the file and tensor when a tensor is missing, unexpected,
// misshapen or of a dtype Pagoda cannot compute with.
Result<DecoderWeights> bindWeights(const ModelConfig& config, const Checkpoint& checkpoint);

}  // namespace pagoda
