// Reading the component objects of tokenizer.json ({"type": ..., ...}) with errors that
// say where in the file the problem is, and the String-or-Regex pattern several use.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/common/result.h"
#include "engine/tokenizer/regex.h"

namespace pagoda {

Result<std::string> specType(const nlohmann::json& spec, const std::string& where);
Result<std::string> specString(const nlohmann::json& spec, const char* key, const std::string& where);

// {"String": "x"} (literal) or {"Regex": "..."}, as Replace and Split take.
class ReplacePattern {
public:
    static Result<ReplacePattern> parse(const nlohmann::json& pattern, const std::string& where);

    // Byte ranges of non-overlapping matches, left to right.
    void findAll(std::string_view text, std::vector<std::pair<size_t, size_t>>& matches) const;
    std::string replaceAll(std::string_view text, std::string_view replacement) const;

private:
    std::string m_literal;
    std::optional<Regex> m_regex;
};

// spec["pattern"] of a Replace or Split component.
Result<ReplacePattern> parseReplacePattern(const nlohmann::json& spec, const std::string& where);

}  // namespace pagoda
