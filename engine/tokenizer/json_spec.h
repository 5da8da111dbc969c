// Reading the component objects of tokenizer.json ({"type": ..., ...}) with errors that
// say where in the file the problem is, and the String-or-Regex pattern several use.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

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

// The steps of a Sequence component: spec[listKey] parsed one by one with `parse`
// (which returns Result<std::unique_ptr<T>>, null for JSON null), null steps dropped.
template <class T, class Parse>
Result<std::vector<std::unique_ptr<T>>> parseSteps(const nlohmann::json& spec, const char* listKey,
                                                   const std::string& where, Parse parse) {
    if (!spec.contains(listKey) || !spec[listKey].is_array())
        return makeError(where + ": Sequence needs a '" + listKey + "' list");
    std::vector<std::unique_ptr<T>> steps;
    for (size_t i = 0; i < spec[listKey].size(); ++i) {
        auto step = parse(spec[listKey][i], where + "." + listKey + "[" + std::to_string(i) + "]");
        if (!step) return step.error();
        if (*step) steps.push_back(std::move(step).value());
    }
    return steps;
}

// spec["pattern"] of a Replace or Split component.
Result<ReplacePattern> parseReplacePattern(const nlohmann::json& spec, const std::string& where);

}  // namespace pagoda
