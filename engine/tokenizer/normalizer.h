// Text normalizers of Hugging Face tokenizer.json ("normalizer"): Unicode forms, Prepend,
// Replace, Lowercase, Strip, and Sequence of them. Applied before pre-tokenization to the
// text between added tokens.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/common/result.h"

namespace pagoda {

class Normalizer {
public:
    virtual ~Normalizer() = default;
    virtual void normalize(std::string& text) const = 0;
};

// Builds the normalizer a tokenizer.json "normalizer" object describes; null JSON gives
// nullptr (no normalization). `where` prefixes error messages (file and JSON path).
Result<std::unique_ptr<Normalizer>> parseNormalizer(const nlohmann::json& spec, const std::string& where);

}  // namespace pagoda
