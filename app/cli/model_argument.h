// What --model accepts in every command: a model folder, a .gguf file (the first part of a
// split one), or the id of a model in the library ("Qwen/Qwen2.5-0.5B-Instruct",
// "modelscope:Qwen/Qwen3-0.6B", "Qwen/Qwen3-8B-GGUF:Q4_K_M" for one quant of a GGUF repo)
// that was pulled or sits in a Hugging Face / ModelScope cache.
#pragma once

#include <QString>

#include "engine/common/result.h"

namespace pagoda::cli {

// The folder or .gguf file to load; an error says why a named model cannot be used and what to run.
Result<std::string> resolveModelArgument(const QString& value);

}  // namespace pagoda::cli
