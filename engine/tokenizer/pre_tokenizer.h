// Pre-tokenizers of Hugging Face tokenizer.json ("pre_tokenizer"): they cut normalized
// text into the pieces BPE runs on. Byte-level vocabularies are handled in raw bytes, so
// ByteLevel only adds its optional prefix space and GPT-2 split here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/common/result.h"

namespace pagoda {

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    // Replaces `pieces` by their subdivision.
    virtual void split(std::vector<std::string>& pieces) const = 0;
};

// The regex tiktoken-style and GPT-2 vocabularies split on, named for tokenizers that build
// their pipeline in code rather than from tokenizer.json.
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };
Result<std::unique_ptr<PreTokenizer>> makeRegexSplit(const std::string& pattern, SplitBehavior behavior, bool invert);

// nullptr for JSON null (the whole text is one piece).
Result<std::unique_ptr<PreTokenizer>> parsePreTokenizer(const nlohmann::json& spec, const std::string& where);

}  // namespace pagoda
