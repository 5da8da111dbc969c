// Models that ship only a SentencePiece tokenizer.model, through libsentencepiece.
#pragma once

#include <filesystem>
#include <memory>

#include "engine/tokenizer/tokenizer.h"

namespace pagoda {

Result<std::unique_ptr<Tokenizer>> loadSentencePiece(const std::filesystem::path& file);

}  // namespace pagoda
