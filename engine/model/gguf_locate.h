// Where a model path names a GGUF model: the path of a .gguf file (for a split model, any
// of its parts), or a directory holding exactly one GGUF model and no safetensors
// checkpoint. Every loader (weights, config, tokenizer, chat template) asks here first, so
// the same path means the same model to all of them.
#pragma once

#include <filesystem>
#include <optional>

#include "engine/common/result.h"

namespace pagoda {

// The model's first (or only) .gguf file; nothing when the path is a safetensors model
// directory (or holds no GGUF at all); an error when a directory holds several GGUF
// models, naming them, so the user can pick one by its file.
Result<std::optional<std::filesystem::path>> locateGgufModel(const std::filesystem::path& modelPath);

}  // namespace pagoda
