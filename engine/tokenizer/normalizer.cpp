#include "engine/tokenizer/normalizer.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <utf8proc.h>

#include "engine/common/utf8.h"
#include "engine/tokenizer/json_spec.h"
#include "engine/tokenizer/regex.h"
#include "engine/tokenizer/unicode.h"

namespace pagoda {

namespace {

class UnicodeNormalizer final : public Normalizer {
public:
    explicit UnicodeNormalizer(NormalForm form) : m_form(form) {}
    void normalize(std::string& text) const override { text = normalizeUnicode(text, m_form); }

private:
    NormalForm m_form;
};

class PrependNormalizer final : public Normalizer {
public:
    explicit PrependNormalizer(std::string prefix) : m_prefix(std::move(prefix)) {}
    // As HF: nothing is prepended to an empty string.
    void normalize(std::string& text) const override {
        if (!text.empty()) text.insert(0, m_prefix);
    }

private:
    std::string m_prefix;
};

class ReplaceNormalizer final : public Normalizer {
public:
    ReplaceNormalizer(ReplacePattern pattern, std::string content)
        : m_pattern(std::move(pattern)), m_content(std::move(content)) {}
    void normalize(std::string& text) const override { text = m_pattern.replaceAll(text, m_content); }

private:
    ReplacePattern m_pattern;
    std::string m_content;
};

class LowercaseNormalizer final : public Normalizer {
public:
    void normalize(std::string& text) const override {
        std::string out;
        out.reserve(text.size());
        for (char32_t c : decodeUtf8(text)) appendUtf8(out, char32_t(utf8proc_tolower(utf8proc_int32_t(c))));
        text = std::move(out);
    }
};

class StripNormalizer final : public Normalizer {
public:
    StripNormalizer(bool left, bool right) : m_left(left), m_right(right) {}
    void normalize(std::string& text) const override {
        const std::u32string chars = decodeUtf8(text);
        size_t begin = 0, end = chars.size();
        auto isSpace = [](char32_t c) {
            return utf8proc_category(utf8proc_int32_t(c)) == UTF8PROC_CATEGORY_ZS || (c >= 9 && c <= 13) ||
                   c == 0x85 || c == 0x2028 || c == 0x2029;
        };
        if (m_left)
            while (begin < end && isSpace(chars[begin])) ++begin;
        if (m_right)
            while (end > begin && isSpace(chars[end - 1])) --end;
        std::string out;
        for (size_t i = begin; i < end; ++i) appendUtf8(out, chars[i]);
        text = std::move(out);
    }

private:
    bool m_left, m_right;
};

class SequenceNormalizer final : public Normalizer {
public:
    explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps) : m_steps(std::move(steps)) {}
    void normalize(std::string& text) const override {
        for (const auto& step : m_steps) step->normalize(text);
    }

private:
    std::vector<std::unique_ptr<Normalizer>> m_steps;
};

}  // namespace

Result<std::unique_ptr<Normalizer>> parseNormalizer(const nlohmann::json& spec, const std::string& where) {
    if (spec.is_null()) return std::unique_ptr<Normalizer>();
    auto type = specType(spec, where);
    if (!type) return type.error();
    const std::string& t = *type;
    if (t == "NFC") return std::unique_ptr<Normalizer>(new UnicodeNormalizer(NormalForm::NFC));
    if (t == "NFD") return std::unique_ptr<Normalizer>(new UnicodeNormalizer(NormalForm::NFD));
    if (t == "NFKC") return std::unique_ptr<Normalizer>(new UnicodeNormalizer(NormalForm::NFKC));
    if (t == "NFKD") return std::unique_ptr<Normalizer>(new UnicodeNormalizer(NormalForm::NFKD));
    if (t == "Lowercase") return std::unique_ptr<Normalizer>(new LowercaseNormalizer());
    if (t == "Prepend") {
        auto prefix = specString(spec, "prepend", where);
        if (!prefix) return prefix.error();
        return std::unique_ptr<Normalizer>(new PrependNormalizer(*prefix));
    }
    if (t == "Replace") {
        auto pattern = parseReplacePattern(spec, where);
        if (!pattern) return pattern.error();
        auto content = specString(spec, "content", where);
        if (!content) return content.error();
        return std::unique_ptr<Normalizer>(new ReplaceNormalizer(std::move(pattern).value(), *content));
    }
    if (t == "Strip") {
        return std::unique_ptr<Normalizer>(
            new StripNormalizer(spec.value("strip_left", true), spec.value("strip_right", true)));
    }
    if (t == "Sequence") {
        auto steps = parseSteps<Normalizer>(spec, "normalizers", where, parseNormalizer);
        if (!steps) return steps.error();
        return std::unique_ptr<Normalizer>(new SequenceNormalizer(std::move(steps).value()));
    }
    return makeError(fmt::format("{}: normalizer type '{}' is not supported (supported: NFC, NFD, NFKC, NFKD, "
                                 "Lowercase, Prepend, Replace, Strip, Sequence)",
                                 where, t));
}

}  // namespace pagoda
