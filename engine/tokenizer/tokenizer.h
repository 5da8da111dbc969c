// Text ↔ token ids for a model directory, whatever format it ships: Hugging Face
// tokenizer.json, a SentencePiece tokenizer.model, or a tiktoken-style tokenizer.model.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/result.h"

namespace pagoda {

// What tokenizer_config.json (or a GGUF file's tokenizer.ggml.*) says about the special tokens.
struct SpecialTokens {
    std::optional<int32_t> bosId;
    std::optional<int32_t> eosId;
    std::optional<int32_t> eotId;  // end of turn (Llama 3's <|eot_id|>); GGUF files name it
    std::optional<int32_t> padId;  // GGUF only
    std::optional<int32_t> unkId;  // GGUF only
    std::string bosToken;
    std::string eosToken;
    std::optional<bool> addBosToken;  // unset: the tokenizer's own post-processor decides
    std::optional<bool> addEosToken;
};

class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // Fails on text that is not valid UTF-8 (naming the byte offset). Special tokens written
    // in the text are recognised, as HF tokenizers does by default. addSpecialTokens adds
    // what the tokenizer adds around a sequence (BOS for Llama 2, nothing for Qwen).
    virtual Result<std::vector<int32_t>> encode(std::string_view text, bool addSpecialTokens) const = 0;

    // The raw bytes the ids stand for (may end inside a UTF-8 character). Fails on ids
    // outside the vocabulary.
    virtual Result<std::string> decodeBytes(std::span<const int32_t> ids, bool skipSpecialTokens) const = 0;

    // decodeBytes with malformed UTF-8 replaced by U+FFFD, as HF decode does.
    Result<std::string> decode(std::span<const int32_t> ids, bool skipSpecialTokens) const;

    virtual size_t vocabSize() const = 0;  // one past the largest id
    virtual std::optional<int32_t> tokenToId(std::string_view token) const = 0;
    virtual bool isSpecial(int32_t id) const = 0;

    const SpecialTokens& specialTokens() const { return m_special; }
    // loadTokenizer fills this in from tokenizer_config.json once the vocabulary is known.
    void setSpecialTokens(SpecialTokens special) { m_special = std::move(special); }

private:
    SpecialTokens m_special;
};

// A GGUF model (a .gguf file, any part of a split one, or a directory holding one; see
// locateGgufModel) gives the tokenizer in its metadata. Otherwise picks tokenizer.json, else
// tokenizer.model (SentencePiece or tiktoken, told apart by content), and reads
// tokenizer_config.json for the special tokens.
Result<std::unique_ptr<Tokenizer>> loadTokenizer(const std::filesystem::path& modelPath);

}  // namespace pagoda
