// The tokenizer a GGUF file carries in its `tokenizer.ggml.*` metadata, read and checked
// (types, lengths, ids in range) into plain values; gguf_tokenizer builds a Tokenizer from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/result.h"
#include "engine/model/gguf_file.h"

namespace pagoda {

// llama.cpp's token types (llama_token_type / gguf.TokenType).
enum class GgufTokenType : int32_t { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };

struct GgufVocab {
    std::string where;  // "<file>" for error messages
    std::string model;  // tokenizer.ggml.model: "gpt2" (byte-level BPE) or "llama" (SentencePiece BPE)
    std::string pre;    // tokenizer.ggml.pre; empty when absent
    std::vector<std::string> tokens;
    std::vector<GgufTokenType> types;  // one per token (Normal when the file has none)
    std::vector<float> scores;         // one per token, or empty
    std::vector<std::string> merges;   // "left right", gpt2 only
    std::optional<int32_t> bosId, eosId, eotId, padId, unkId;
    std::optional<bool> addBos, addEos, addSpacePrefix;
};

// Fails naming the file and the key when the metadata has no tokenizer, a value of the
// wrong type, arrays whose lengths disagree, or special-token ids outside the vocabulary.
Result<GgufVocab> readGgufVocab(const gguf::File& file);

}  // namespace pagoda
