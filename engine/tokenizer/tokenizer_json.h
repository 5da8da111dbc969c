// Builds a BpeTokenizer from a Hugging Face tokenizer.json.
#pragma once

#include <filesystem>
#include <memory>

#include "engine/tokenizer/tokenizer.h"

namespace pagoda {

Result<std::unique_ptr<Tokenizer>> loadTokenizerJson(const std::filesystem::path& file);

}  // namespace pagoda
