#include "engine/tokenizer/decoder.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/common/utf8.h"
#include "engine/tokenizer/json_spec.h"

namespace pagoda {

namespace {

class IdentityDecoder final : public Decoder {
public:
    void decode(std::vector<std::string>&) const override {}
};

class ReplaceDecoder final : public Decoder {
public:
    ReplaceDecoder(ReplacePattern pattern, std::string content) : m_pattern(std::move(pattern)), m_content(std::move(content)) {}
    void decode(std::vector<std::string>& tokens) const override {
        for (std::string& t : tokens) t = m_pattern.replaceAll(t, m_content);
    }

private:
    ReplacePattern m_pattern;
    std::string m_content;
};

// "<0xAB>" tokens become the byte 0xAB; a run of them is decoded together, and any run that
// is not valid UTF-8 becomes one U+FFFD per byte, as HF's ByteFallback does.
class ByteFallbackDecoder final : public Decoder {
public:
    void decode(std::vector<std::string>& tokens) const override {
        std::vector<std::string> out;
        std::string bytes;
        size_t runLength = 0;
        auto flush = [&] {
            if (runLength == 0) return;
            if (firstInvalidUtf8Byte(bytes)) {
                for (size_t i = 0; i < runLength; ++i) out.emplace_back("\xef\xbf\xbd");
            } else {
                out.push_back(bytes);
            }
            bytes.clear();
            runLength = 0;
        };
        for (std::string& t : tokens) {
            if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>' && isxdigit(t[3]) && isxdigit(t[4])) {
                bytes += char(std::stoi(t.substr(3, 2), nullptr, 16));
                ++runLength;
            } else {
                flush();
                out.push_back(std::move(t));
            }
        }
        flush();
        tokens = std::move(out);
    }
};

class FuseDecoder final : public Decoder {
public:
    void decode(std::vector<std::string>& tokens) const override {
        std::string joined;
        for (const std::string& t : tokens) joined += t;
        tokens.assign(1, std::move(joined));
    }
};

// Strips up to `start` leading and `stop` trailing copies of `content` from each token.
class StripDecoder final : public Decoder {
public:
    StripDecoder(std::string content, size_t start, size_t stop) : m_content(std::move(content)), m_start(start), m_stop(stop) {}
    void decode(std::vector<std::string>& tokens) const override {
        for (std::string& t : tokens) {
            for (size_t i = 0; i < m_start && t.rfind(m_content, 0) == 0; ++i) t.erase(0, m_content.size());
            for (size_t i = 0; i < m_stop && t.size() >= m_content.size() &&
                               t.compare(t.size() - m_content.size(), m_content.size(), m_content) == 0;
                 ++i)
                t.erase(t.size() - m_content.size());
        }
    }

private:
    std::string m_content;
    size_t m_start, m_stop;
};

// ▁ → space, and the space a "first"/"always" prepend scheme added is dropped from the first token.
class MetaspaceDecoder final : public Decoder {
public:
    MetaspaceDecoder(std::string replacement, bool stripFirst) : m_replacement(std::move(replacement)), m_stripFirst(stripFirst) {}
    void decode(std::vector<std::string>& tokens) const override {
        for (size_t i = 0; i < tokens.size(); ++i) {
            std::string out;
            const std::string& t = tokens[i];
            for (size_t at = 0; at < t.size();) {
                if (t.compare(at, m_replacement.size(), m_replacement) == 0) {
                    out += ' ';
                    at += m_replacement.size();
                } else {
                    out += t[at++];
                }
            }
            if (i == 0 && m_stripFirst && !out.empty() && out[0] == ' ') out.erase(0, 1);
            tokens[i] = std::move(out);
        }
    }

private:
    std::string m_replacement;
    bool m_stripFirst;
};

class SequenceDecoder final : public Decoder {
public:
    explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps) : m_steps(std::move(steps)) {}
    void decode(std::vector<std::string>& tokens) const override {
        for (const auto& step : m_steps) step->decode(tokens);
    }

private:
    std::vector<std::unique_ptr<Decoder>> m_steps;
};

}  // namespace

Result<std::unique_ptr<Decoder>> parseDecoder(const nlohmann::json& spec, const std::string& where) {
    if (spec.is_null()) return std::unique_ptr<Decoder>();
    auto type = specType(spec, where);
    if (!type) return type.error();
    const std::string& t = *type;
    if (t == "ByteLevel") return std::unique_ptr<Decoder>(new IdentityDecoder());
    if (t == "ByteFallback") return std::unique_ptr<Decoder>(new ByteFallbackDecoder());
    if (t == "Fuse") return std::unique_ptr<Decoder>(new FuseDecoder());
    if (t == "Replace") {
        auto pattern = parseReplacePattern(spec, where);
        if (!pattern) return pattern.error();
        auto content = specString(spec, "content", where);
        if (!content) return content.error();
        return std::unique_ptr<Decoder>(new ReplaceDecoder(std::move(pattern).value(), *content));
    }
    if (t == "Strip") {
        auto content = specString(spec, "content", where);
        if (!content) return content.error();
        return std::unique_ptr<Decoder>(new StripDecoder(*content, spec.value("start", 0u), spec.value("stop", 0u)));
    }
    if (t == "Metaspace") {
        std::string scheme = spec.value("prepend_scheme", "");
        if (scheme.empty()) scheme = spec.value("add_prefix_space", true) ? "always" : "never";
        return std::unique_ptr<Decoder>(new MetaspaceDecoder(spec.value("replacement", "\u2581"), scheme != "never"));
    }
    if (t == "Sequence") {
        auto steps = parseSteps<Decoder>(spec, "decoders", where, parseDecoder);
        if (!steps) return steps.error();
        return std::unique_ptr<Decoder>(new SequenceDecoder(std::move(steps).value()));
    }
    return makeError(fmt::format("{}: decoder type '{}' is not supported (supported: ByteLevel, ByteFallback, Fuse, "
                                 "Replace, Strip, Metaspace, Sequence)",
                                 where, t));
}

}  // namespace pagoda
