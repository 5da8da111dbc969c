// A chat-capable model directory for app-level tests: a fixture model (512-token vocabulary),
// the SentencePiece fixture tokenizer with the same vocabulary, and a small Llama-2-style
// chat template written into its tokenizer_config.json.
#pragma once

#include <filesystem>

namespace pagoda::test {

// Fills `dir` (which must exist and be empty) and returns it.
std::filesystem::path makeChatModelDir(const std::filesystem::path& dir, const char* fixtureModel = "qwen3-f32");

}  // namespace pagoda::test
