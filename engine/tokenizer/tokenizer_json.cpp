#include "engine/tokenizer/tokenizer_json.h"

#include <fmt/format.h>
#include <fmt/std.h>
#include <nlohmann/json.hpp>

#include "engine/common/mapped_file.h"
#include "engine/common/utf8.h"
#include "engine/tokenizer/bpe_tokenizer.h"
#include "engine/tokenizer/json_spec.h"
#include "engine/tokenizer/unicode.h"

namespace pagoda {

namespace {

using nlohmann::json;

// A byte-level vocabulary spells bytes with GPT-2's printable alphabet; turn a token back
// into its bytes. A token with characters outside the alphabet is kept as its UTF-8 (HF's
// ByteLevel decoder does the same).
std::string byteLevelToBytes(const std::string& token) {
    std::string bytes;
    for (char32_t c : decodeUtf8(token)) {
        const auto b = unicodeToByte(c);
        if (!b) return token;
        bytes += char(*b);
    }
    return bytes;
}

bool mentionsByteLevel(const json& spec) {
    if (spec.is_object()) {
        if (spec.value("type", "") == "ByteLevel") return true;
        for (const char* list : {"pretokenizers", "decoders"})
            if (spec.contains(list))
                for (const auto& step : spec[list])
                    if (mentionsByteLevel(step)) return true;
    }
    return false;
}

// TemplateProcessing / Bert / Roberta post-processors: the ids added around one sequence.
Status parsePostProcessor(const json& spec, const std::string& where, BpeTokenizerParts& parts) {
    if (spec.is_null()) return Ok{};
    auto type = specType(spec, where);
    if (!type) return type.error();
    if (*type == "ByteLevel") return Ok{};  // offsets only
    if (*type == "Sequence") {
        for (size_t i = 0; i < spec.value("processors", json::array()).size(); ++i)
            if (auto s = parsePostProcessor(spec["processors"][i], fmt::format("{}.processors[{}]", where, i), parts); !s)
                return s;
        return Ok{};
    }
    if (*type == "TemplateProcessing") {
        const json& single = spec.value("single", json::array());
        const json& specials = spec.value("special_tokens", json::object());
        bool afterSequence = false;
        for (const auto& item : single) {
            if (item.contains("Sequence")) {
                afterSequence = true;
                continue;
            }
            const std::string name = item.contains("SpecialToken") ? item["SpecialToken"].value("id", "") : "";
            if (!specials.contains(name) || !specials[name].contains("ids"))
                return makeError(fmt::format("{}: special token '{}' is not in special_tokens", where, name));
            for (const auto& id : specials[name]["ids"])
                (afterSequence ? parts.suffixIds : parts.prefixIds).push_back(id.get<int32_t>());
        }
        return Ok{};
    }
    if (*type == "BertProcessing" || *type == "RobertaProcessing") {
        parts.prefixIds.push_back(spec.at("cls").at(1).get<int32_t>());
        parts.suffixIds.push_back(spec.at("sep").at(1).get<int32_t>());
        return Ok{};
    }
    return makeError(fmt::format("{}: post-processor type '{}' is not supported", where, *type));
}

Status parseModel(const json& spec, const std::string& where, bool byteLevel, BpeTokenizerParts& parts) {
    auto type = specType(spec, where);
    if (!type) return type.error();
    if (*type != "BPE")
        return makeError(fmt::format("{}: model type '{}' is not supported (Pagoda reads BPE tokenizers)", where, *type));
    if (!spec.contains("vocab") || !spec["vocab"].is_object() || !spec.contains("merges") || !spec["merges"].is_array())
        return makeError(fmt::format("{}: a BPE model needs a 'vocab' object and a 'merges' list", where));
    for (const char* affix : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (spec.contains(affix) && spec[affix].is_string() && !spec[affix].get<std::string>().empty())
            return makeError(fmt::format("{}: '{}' is not supported", where, affix));

    std::unordered_map<std::string, int32_t> idsByText;
    std::vector<std::string> tokens;
    for (const auto& [text, idJson] : spec["vocab"].items()) {
        if (!idJson.is_number_integer() || idJson.get<int64_t>() < 0 || idJson.get<int64_t>() > (1 << 24))
            return makeError(fmt::format("{}.vocab['{}']: id must be a non-negative integer below 2^24", where, text));
        const auto id = idJson.get<int32_t>();
        if (size_t(id) >= tokens.size()) tokens.resize(size_t(id) + 1);
        tokens[size_t(id)] = byteLevel ? byteLevelToBytes(text) : text;
        idsByText.emplace(text, id);
    }

    std::vector<BpeModel::MergeRule> merges;
    merges.reserve(spec["merges"].size());
    for (size_t rank = 0; rank < spec["merges"].size(); ++rank) {
        const json& m = spec["merges"][rank];
        std::string left, right;
        if (m.is_string()) {
            const std::string s = m.get<std::string>();
            const size_t space = s.find(' ', 1);
            if (space == std::string::npos)
                return makeError(fmt::format("{}.merges[{}]: '{}' is not two tokens separated by a space", where, rank, s));
            left = s.substr(0, space);
            right = s.substr(space + 1);
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            left = m[0].get<std::string>();
            right = m[1].get<std::string>();
        } else {
            return makeError(fmt::format("{}.merges[{}]: expected \"a b\" or [\"a\", \"b\"]", where, rank));
        }
        const auto l = idsByText.find(left), r = idsByText.find(right);
        if (l == idsByText.end() || r == idsByText.end())
            return makeError(fmt::format("{}.merges[{}]: '{}' or '{}' is not in the vocabulary", where, rank, left, right));
        merges.push_back({l->second, r->second, int32_t(rank)});
    }

    BpeModel::Options options;
    options.byteLevel = byteLevel;
    options.byteFallback = spec.value("byte_fallback", false);
    options.fuseUnk = spec.value("fuse_unk", false);
    options.ignoreMerges = spec.value("ignore_merges", false);
    if (spec.contains("unk_token") && spec["unk_token"].is_string()) {
        const auto unk = idsByText.find(spec["unk_token"].get<std::string>());
        if (unk == idsByText.end()) return makeError(fmt::format("{}: unk_token is not in the vocabulary", where));
        options.unkId = unk->second;
    }
    auto model = BpeModel::create(std::move(tokens), merges, options);
    if (!model) return makeError(fmt::format("{}: {}", where, model.error().message));
    parts.model = std::move(model).value();
    return Ok{};
}

Status parseAddedTokens(const json& list, const std::string& where, bool byteLevel, BpeTokenizerParts& parts) {
    if (list.is_null()) return Ok{};
    if (!list.is_array()) return makeError(fmt::format("{}: expected a list", where));
    for (size_t i = 0; i < list.size(); ++i) {
        const json& t = list[i];
        if (!t.is_object() || !t.contains("id") || !t["id"].is_number_integer() || t["id"].get<int64_t>() < 0 ||
            !t.contains("content") || !t["content"].is_string())
            return makeError(fmt::format("{}[{}]: needs an integer 'id' and a string 'content'", where, i));
        AddedToken token;
        token.id = t["id"].get<int32_t>();
        token.content = t["content"].get<std::string>();
        token.special = t.value("special", false);
        token.lstrip = t.value("lstrip", false);
        token.rstrip = t.value("rstrip", false);
        token.singleWord = t.value("single_word", false);
        token.normalized = t.value("normalized", !token.special);
        if (byteLevel) parts.addedTokenBytes.emplace(token.id, byteLevelToBytes(token.content));
        parts.addedTokens.push_back(std::move(token));
    }
    return Ok{};
}


Result<std::unique_ptr<Tokenizer>> buildFromJson(const json& root, const std::string& where) {
    const bool byteLevel = mentionsByteLevel(root.value("pre_tokenizer", json())) ||
                           mentionsByteLevel(root.value("decoder", json()));
    BpeTokenizerParts parts;
    if (auto s = parseModel(root["model"], where + ": model", byteLevel, parts); !s) return s.error();
    if (auto s = parseAddedTokens(root.value("added_tokens", json()), where + ": added_tokens", byteLevel, parts); !s)
        return s.error();
    auto normalizer = parseNormalizer(root.value("normalizer", json()), where + ": normalizer");
    if (!normalizer) return normalizer.error();
    parts.normalizer = std::move(normalizer).value();
    auto preTokenizer = parsePreTokenizer(root.value("pre_tokenizer", json()), where + ": pre_tokenizer");
    if (!preTokenizer) return preTokenizer.error();
    parts.preTokenizer = std::move(preTokenizer).value();
    auto decoder = parseDecoder(root.value("decoder", json()), where + ": decoder");
    if (!decoder) return decoder.error();
    parts.decoder = std::move(decoder).value();
    if (auto s = parsePostProcessor(root.value("post_processor", json()), where + ": post_processor", parts); !s)
        return s.error();
    return std::unique_ptr<Tokenizer>(new BpeTokenizer(std::move(parts)));
}

}  // namespace

Result<std::unique_ptr<Tokenizer>> loadTokenizerJson(const std::filesystem::path& file) {
    auto mapped = MappedFile::open(file);
    if (!mapped) return mapped.error();
    json root;
    try {
        root = json::parse(mapped->data(), mapped->data() + mapped->size());
    } catch (const json::parse_error& e) {
        return makeError(fmt::format("{}: not valid JSON: {}", file, e.what()));
    }
    if (!root.is_object() || !root.contains("model"))
        return makeError(fmt::format("{}: expected an object with a 'model'", file));

    try {
        return buildFromJson(root, fmt::format("{}", file));
    } catch (const json::exception& e) {
        // A field of the wrong JSON type somewhere deep: still a clear error, never a crash.
        return makeError(fmt::format("{}: unexpected structure: {}", file, e.what()));
    }
}

}  // namespace pagoda
