// What --model accepts in every command: a model folder, or the id of a model in the
// library ("Qwen/Qwen2.5-0.5B-Instruct", "modelscope:Qwen/Qwen3-0.6B") that was pulled
// or sits in a Hugging Face / ModelScope cache.
#pragma once

#include <QString>

#include "engine/common/result.h"

namespace pagoda::cli {

// The folder to load; an error says why a named model cannot be used and what to run.
Result<std::string> resolveModelArgument(const QString& value);

}  // namespace pagoda::cli
