#include "engine/tokenizer/pre_tokenizer.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/tokenizer/json_spec.h"

namespace pagoda {

namespace {

// GPT-2's pattern, used by ByteLevel when use_regex is true.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class SplitPreTokenizer final : public PreTokenizer {
public:
    SplitPreTokenizer(ReplacePattern pattern, SplitBehavior behavior, bool invert)
        : m_pattern(std::move(pattern)), m_behavior(behavior), m_invert(invert) {}

    void split(std::vector<std::string>& pieces) const override {
        std::vector<std::string> out;
        out.reserve(pieces.size() * 4);
        std::vector<std::pair<size_t, size_t>> matches;
        for (const std::string& piece : pieces) splitOne(piece, matches, out);
        pieces = std::move(out);
    }

private:
    // HF SplitDelimiterBehavior over the alternating match / non-match segments of `text`.
    void splitOne(const std::string& text, std::vector<std::pair<size_t, size_t>>& matches,
                  std::vector<std::string>& out) const {
        m_pattern.findAll(text, matches);
        const size_t firstOut = out.size();  // merging never reaches into earlier pieces
        bool previousWasDelimiter = false;
        bool mergeIntoNext = false;
        auto emit = [&](size_t begin, size_t end, bool delimiter) {
            if (end <= begin) return;
            const std::string_view segment(text.data() + begin, end - begin);
            const bool havePrevious = out.size() > firstOut;
            bool append = false;
            switch (m_behavior) {
                case SplitBehavior::Removed:
                    if (delimiter) return;
                    break;
                case SplitBehavior::Isolated: break;
                case SplitBehavior::MergedWithPrevious: append = delimiter && havePrevious && !previousWasDelimiter; break;
                case SplitBehavior::MergedWithNext: append = mergeIntoNext; break;
                case SplitBehavior::Contiguous: append = delimiter && previousWasDelimiter && havePrevious; break;
            }
            if (append)
                out.back().append(segment);
            else
                out.emplace_back(segment);
            mergeIntoNext = delimiter;
            previousWasDelimiter = delimiter;
        };
        size_t last = 0;
        for (auto [begin, end] : matches) {
            emit(last, begin, m_invert);
            emit(begin, end, !m_invert);
            last = end;
        }
        emit(last, text.size(), m_invert);
    }

    ReplacePattern m_pattern;
    SplitBehavior m_behavior;
    bool m_invert;
};

// Raw-byte ByteLevel: the byte→character mapping is implicit (vocabularies are converted
// to bytes at load), so what remains is the prefix space and the optional GPT-2 split.
class ByteLevelPreTokenizer final : public PreTokenizer {
public:
    ByteLevelPreTokenizer(bool addPrefixSpace, std::unique_ptr<PreTokenizer> gpt2Split)
        : m_addPrefixSpace(addPrefixSpace), m_gpt2Split(std::move(gpt2Split)) {}

    void split(std::vector<std::string>& pieces) const override {
        if (m_addPrefixSpace)
            for (std::string& piece : pieces)
                if (!piece.empty() && piece[0] != ' ') piece.insert(piece.begin(), ' ');
        if (m_gpt2Split) m_gpt2Split->split(pieces);
    }

private:
    bool m_addPrefixSpace;
    std::unique_ptr<PreTokenizer> m_gpt2Split;
};

// SentencePiece-style: spaces become the replacement character (▁), a leading one is added
// per prepend_scheme, and with `split` each ▁ starts a new piece.
class MetaspacePreTokenizer final : public PreTokenizer {
public:
    MetaspacePreTokenizer(std::string replacement, std::string prependScheme, bool split)
        : m_replacement(std::move(replacement)), m_prependScheme(std::move(prependScheme)), m_split(split) {}

    void split(std::vector<std::string>& pieces) const override {
        std::vector<std::string> out;
        for (size_t p = 0; p < pieces.size(); ++p) {
            std::string text;
            for (char c : pieces[p]) {
                if (c == ' ')
                    text += m_replacement;
                else
                    text += c;
            }
            const bool prepend = m_prependScheme == "always" || (m_prependScheme == "first" && p == 0);
            if (prepend && text.rfind(m_replacement, 0) != 0) text.insert(0, m_replacement);
            if (!m_split) {
                out.push_back(std::move(text));
                continue;
            }
            size_t start = 0;
            for (size_t at = text.find(m_replacement, 1); at != std::string::npos; at = text.find(m_replacement, at + 1)) {
                out.push_back(text.substr(start, at - start));
                start = at;
            }
            if (start < text.size()) out.push_back(text.substr(start));
        }
        pieces = std::move(out);
    }

private:
    std::string m_replacement;
    std::string m_prependScheme;
    bool m_split;
};

class SequencePreTokenizer final : public PreTokenizer {
public:
    explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps) : m_steps(std::move(steps)) {}
    void split(std::vector<std::string>& pieces) const override {
        for (const auto& step : m_steps) step->split(pieces);
    }

private:
    std::vector<std::unique_ptr<PreTokenizer>> m_steps;
};

Result<SplitBehavior> parseBehavior(const nlohmann::json& spec, const std::string& where) {
    const std::string name = spec.value("behavior", "Isolated");
    if (name == "Removed") return SplitBehavior::Removed;
    if (name == "Isolated") return SplitBehavior::Isolated;
    if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
    if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
    if (name == "Contiguous") return SplitBehavior::Contiguous;
    return makeError(fmt::format("{}: unknown split behavior '{}'", where, name));
}

std::unique_ptr<PreTokenizer> regexSplitOrDie(const std::string& pattern, SplitBehavior behavior) {
    auto split = makeRegexSplit(pattern, behavior, false);
    return split ? std::move(split).value() : nullptr;  // built-in patterns always compile
}

}  // namespace

Result<std::unique_ptr<PreTokenizer>> makeRegexSplit(const std::string& pattern, SplitBehavior behavior, bool invert) {
    auto compiled = ReplacePattern::parse(nlohmann::json{{"Regex", pattern}}, "pattern");
    if (!compiled) return compiled.error();
    return std::unique_ptr<PreTokenizer>(new SplitPreTokenizer(std::move(compiled).value(), behavior, invert));
}

Result<std::unique_ptr<PreTokenizer>> parsePreTokenizer(const nlohmann::json& spec, const std::string& where) {
    if (spec.is_null()) return std::unique_ptr<PreTokenizer>();
    auto type = specType(spec, where);
    if (!type) return type.error();
    const std::string& t = *type;
    if (t == "Split") {
        auto pattern = parseReplacePattern(spec, where);
        if (!pattern) return pattern.error();
        auto behavior = parseBehavior(spec, where);
        if (!behavior) return behavior.error();
        return std::unique_ptr<PreTokenizer>(
            new SplitPreTokenizer(std::move(pattern).value(), *behavior, spec.value("invert", false)));
    }
    if (t == "ByteLevel") {
        std::unique_ptr<PreTokenizer> gpt2;
        if (spec.value("use_regex", true)) gpt2 = regexSplitOrDie(kGpt2Pattern, SplitBehavior::Isolated);
        return std::unique_ptr<PreTokenizer>(new ByteLevelPreTokenizer(spec.value("add_prefix_space", true), std::move(gpt2)));
    }
    if (t == "Metaspace") {
        std::string scheme = spec.value("prepend_scheme", "");
        if (scheme.empty()) scheme = spec.value("add_prefix_space", true) ? "always" : "never";
        return std::unique_ptr<PreTokenizer>(
            new MetaspacePreTokenizer(spec.value("replacement", "\u2581"), scheme, spec.value("split", true)));
    }
    if (t == "Digits") {
        const bool individual = spec.value("individual_digits", false);
        return makeRegexSplit(individual ? R"(\p{N})" : R"(\p{N}+)", SplitBehavior::Isolated, false);
    }
    if (t == "Whitespace") return makeRegexSplit(R"(\w+|[^\w\s]+)", SplitBehavior::Removed, true);
    if (t == "WhitespaceSplit") return makeRegexSplit(R"(\s+)", SplitBehavior::Removed, false);
    if (t == "Sequence") {
        auto steps = parseSteps<PreTokenizer>(spec, "pretokenizers", where, parsePreTokenizer);
        if (!steps) return steps.error();
        return std::unique_ptr<PreTokenizer>(new SequencePreTokenizer(std::move(steps).value()));
    }
    return makeError(fmt::format("{}: pre-tokenizer type '{}' is not supported (supported: Split, ByteLevel, "
                                 "Metaspace, Digits, Whitespace, WhitespaceSplit, Sequence)",
                                 where, t));
}

}  // namespace pagoda
