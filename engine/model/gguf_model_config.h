// What a GGUF file's metadata says about its model (llama.cpp's `{arch}.*` keys and the
// tensors present), reduced to the same ModelConfig a config.json gives, so one decoder runs
// both. Architectures by their GGUF names: qwen2, qwen3, llama, glm4, chatglm.
#pragma once

#include <vector>

#include "engine/common/result.h"
#include "engine/model/gguf_file.h"
#include "engine/model/model_config.h"

namespace pagoda {

// `files` are a model's parts in order (gguf::openModelFiles); metadata comes from the first.
Result<ModelConfig> ggufModelConfig(const std::vector<gguf::File>& files);

}  // namespace pagoda
