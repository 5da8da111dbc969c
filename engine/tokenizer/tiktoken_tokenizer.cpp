#include "engine/tokenizer/tiktoken_tokenizer.h"

#include <map>
#include <sstream>

#include <fmt/format.h>
#include <fmt/std.h>
#include <nlohmann/json.hpp>

#include "engine/common/mapped_file.h"
#include "engine/tokenizer/bpe_tokenizer.h"

namespace pagoda {

namespace {

// THUDM tokenization_chatglm.py (glm-4-9b-chat): its pat_str and special tokens, which
// take the ids right after the ranks.
constexpr const char* kGlm4Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kGlm4SpecialTokens[] = {
    "<|endoftext|>", "[MASK]",          "[gMASK]",          "[sMASK]",          "<sop>",
    "<eop>",         "<|system|>",      "<|user|>",         "<|assistant|>",    "<|observation|>",
    "<|begin_of_image|>", "<|end_of_image|>", "<|begin_of_video|>", "<|end_of_video|>"};

std::optional<std::string> decodeBase64(std::string_view text) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=') break;
        const int v = value(c);
        if (v < 0) return std::nullopt;
        buffer = (buffer << 6) | uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char((buffer >> bits) & 0xff);
        }
    }
    return out;
}

}  // namespace

Result<std::unique_ptr<Tokenizer>> loadTiktoken(const std::filesystem::path& file, const nlohmann::json& config) {
    const auto text = readRegularFile(file);
    if (!text) return text.error();
    std::istringstream in(*text);
    std::vector<std::string> tokens;
    std::map<std::string, int32_t> ranks;
    std::string line;
    for (size_t lineNumber = 1; std::getline(in, line); ++lineNumber) {
        if (line.empty()) continue;
        const size_t space = line.find(' ');
        auto bytes = space == std::string::npos ? std::nullopt : decodeBase64(std::string_view(line).substr(0, space));
        char* end = nullptr;
        const long rank = space == std::string::npos ? -1 : std::strtol(line.c_str() + space + 1, &end, 10);
        if (!bytes || bytes->empty() || rank < 0 || rank > (1 << 24) || *end != '\0')
            return makeError(fmt::format("{}: line {}: expected '<base64 token> <rank>'", file, lineNumber));
        if (size_t(rank) >= tokens.size()) tokens.resize(size_t(rank) + 1);
        if (!tokens[size_t(rank)].empty() || !ranks.emplace(*bytes, int32_t(rank)).second)
            return makeError(fmt::format("{}: line {}: rank {} or its token appears twice", file, lineNumber, rank));
        tokens[size_t(rank)] = std::move(bytes).value();
    }

    // tiktoken merges the adjacent pair whose concatenation has the lowest rank: every way
    // of splitting a token into two tokens is a merge ranked by the whole token.
    std::vector<BpeModel::MergeRule> merges;
    for (size_t id = 0; id < tokens.size(); ++id) {
        const std::string& t = tokens[id];
        for (size_t cut = 1; cut < t.size(); ++cut) {
            const auto left = ranks.find(t.substr(0, cut)), right = ranks.find(t.substr(cut));
            if (left != ranks.end() && right != ranks.end()) merges.push_back({left->second, right->second, int32_t(id)});
        }
    }
    BpeModel::Options options;
    options.byteLevel = true;
    options.ignoreMerges = true;  // tiktoken returns a piece that is itself a token directly
    auto model = BpeModel::create(std::move(tokens), merges, options);
    if (!model) return makeError(fmt::format("{}: {}", file, model.error().message));

    BpeTokenizerParts parts;
    parts.model = std::move(model).value();
    const auto& decoder = config.contains("added_tokens_decoder") ? config["added_tokens_decoder"] : nlohmann::json();
    if (decoder.is_object() && !decoder.empty()) {
        for (const auto& [idText, spec] : decoder.items()) {
            AddedToken token;
            token.id = std::stoi(idText);
            token.content = spec.value("content", "");
            token.special = spec.value("special", true);
            parts.addedTokens.push_back(std::move(token));
        }
    } else {
        int32_t id = int32_t(parts.model->size());
        for (const char* content : kGlm4SpecialTokens) parts.addedTokens.push_back({id++, content, true});
    }
    auto split = makeRegexSplit(kGlm4Pattern, SplitBehavior::Isolated, false);
    if (!split) return split.error();
    parts.preTokenizer = std::move(split).value();
    return std::unique_ptr<Tokenizer>(new BpeTokenizer(std::move(parts)));
}

}  // namespace pagoda
