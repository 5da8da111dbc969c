// tiktoken-format tokenizer.model files ("<base64 token bytes> <rank>" per line), as THUDM's
// glm-4-9b-chat ships, with special tokens numbered after the ranks.
#pragma once

#include <filesystem>
#include <memory>

#include <nlohmann/json_fwd.hpp>

#include "engine/tokenizer/tokenizer.h"

namespace pagoda {

// `tokenizerConfig` (tokenizer_config.json) supplies the special tokens through its
// added_tokens_decoder; without one, THUDM's GLM-4 list is used.
Result<std::unique_ptr<Tokenizer>> loadTiktoken(const std::filesystem::path& file, const nlohmann::json& tokenizerConfig);

}  // namespace pagoda
