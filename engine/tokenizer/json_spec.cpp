#include "engine/tokenizer/json_spec.h"

#include <fmt/format.h>

namespace pagoda {

Result<std::string> specType(const nlohmann::json& spec, const std::string& where) {
    if (!spec.is_object() || !spec.contains("type") || !spec["type"].is_string())
        return makeError(fmt::format("{}: expected an object with a string 'type'", where));
    return spec["type"].get<std::string>();
}

Result<std::string> specString(const nlohmann::json& spec, const char* key, const std::string& where) {
    if (!spec.contains(key) || !spec[key].is_string())
        return makeError(fmt::format("{}: '{}' must be a string", where, key));
    return spec[key].get<std::string>();
}

Result<ReplacePattern> ReplacePattern::parse(const nlohmann::json& pattern, const std::string& where) {
    ReplacePattern p;
    if (pattern.is_object() && pattern.contains("String") && pattern["String"].is_string()) {
        p.m_literal = pattern["String"].get<std::string>();
        if (p.m_literal.empty()) return makeError(fmt::format("{}: empty String pattern", where));
        return p;
    }
    if (pattern.is_object() && pattern.contains("Regex") && pattern["Regex"].is_string()) {
        auto regex = Regex::compile(pattern["Regex"].get<std::string>());
        if (!regex) return makeError(fmt::format("{}: {}", where, regex.error().message));
        p.m_regex = std::move(regex).value();
        return p;
    }
    return makeError(fmt::format("{}: pattern must be {{\"String\": ...}} or {{\"Regex\": ...}}", where));
}

void ReplacePattern::findAll(std::string_view text, std::vector<std::pair<size_t, size_t>>& matches) const {
    if (m_regex) {
        m_regex->findAll(text, matches);
        return;
    }
    matches.clear();
    for (size_t at = text.find(m_literal); at != std::string_view::npos; at = text.find(m_literal, at + m_literal.size()))
        matches.emplace_back(at, at + m_literal.size());
}

std::string ReplacePattern::replaceAll(std::string_view text, std::string_view replacement) const {
    std::vector<std::pair<size_t, size_t>> matches;
    findAll(text, matches);
    std::string out;
    out.reserve(text.size());
    size_t last = 0;
    for (auto [begin, end] : matches) {
        out.append(text.substr(last, begin - last));
        out.append(replacement);
        last = end;
    }
    out.append(text.substr(last));
    return out;
}

Result<ReplacePattern> parseReplacePattern(const nlohmann::json& spec, const std::string& where) {
    if (!spec.contains("pattern")) return makeError(fmt::format("{}: missing 'pattern'", where));
    return ReplacePattern::parse(spec["pattern"], where + ".pattern");
}

}  // namespace pagoda
