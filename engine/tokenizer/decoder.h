// Decoders of Hugging Face tokenizer.json ("decoder"): turn token strings back into text.
// Byte-level tokens are already raw bytes here, so ByteLevel is the identity; the
// SentencePiece family (Replace ▁, ByteFallback, Fuse, Strip, Metaspace) works on strings.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/common/result.h"

namespace pagoda {

class Decoder {
public:
    virtual ~Decoder() = default;
    // HF `decode_chain`: rewrites the token list in place (possibly fusing it).
    virtual void decode(std::vector<std::string>& tokens) const = 0;
};

// nullptr for JSON null (tokens are concatenated as they are).
Result<std::unique_ptr<Decoder>> parseDecoder(const nlohmann::json& spec, const std::string& where);

}  // namespace pagoda
