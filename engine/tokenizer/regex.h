// A compiled Unicode regular expression (PCRE2 with JIT), the engine behind the
// tokenizers' Split pre-tokenizers. Patterns come from tokenizer files written for
// Oniguruma/fancy-regex; PCRE2 in UTF + UCP mode accepts the same syntax they use.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/common/result.h"

namespace pagoda {

class Regex {
public:
    static Result<Regex> compile(const std::string& pattern);

    // Byte ranges [begin, end) of successive non-overlapping matches in `text` (valid UTF-8).
    // Empty matches are skipped, as the tokenizers' Split does.
    void findAll(std::string_view text, std::vector<std::pair<size_t, size_t>>& matches) const;

private:
    struct Compiled;
    explicit Regex(std::shared_ptr<const Compiled> compiled) : m_compiled(std::move(compiled)) {}
    std::shared_ptr<const Compiled> m_compiled;  // shared: a compiled pattern is immutable
};

}  // namespace pagoda
