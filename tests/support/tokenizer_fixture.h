// What the tokenizer suites share: each tokenizer loaded once per process, and ids as the
// expected-output files write them.
#pragma once

#include <QString>

#include <cstdint>
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/tokenizer/tokenizer.h"

namespace pagoda::test {

// The tokenizer of a model directory or GGUF file, loaded on first use (the Qwen3 one is
// 11 MB); a load failure ends the test run with its message.
const Tokenizer& cachedTokenizer(const std::filesystem::path& path);

std::vector<int32_t> idsOf(const nlohmann::json& j);

// "[1,2,3]", for failure messages.
QString show(const std::vector<int32_t>& ids);

}  // namespace pagoda::test
