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

// The two big tables of a BPE tokenizer.json (about 150k entries each in Qwen's) are taken
// out of the parse as they stream by rather than built into JSON objects first, which
// roughly halves the load time of an 11 MB file.
struct BpeTables {
    std::vector<std::pair<std::string, json>> vocab;  // in file order
    std::vector<json> merges;
    bool sawVocab = false;
    bool sawMerges = false;
};

// SAX handler that builds the JSON document as nlohmann's DOM parser does, except for the
// entries of model.vocab and model.merges, which go straight into BpeTables. Entries that
// are containers where a scalar belongs are recorded as null, so parseModel names them.
class TokenizerJsonReader {
public:
    explicit TokenizerJsonReader(BpeTables& tables) : m_dom(m_root), m_tables(tables) {}
    json takeRoot() { return std::move(m_root); }

    bool null() { return inTable() ? tableValue(json()) : m_dom.null(); }
    bool boolean(bool v) { return inTable() ? tableValue(json(v)) : m_dom.boolean(v); }
    bool number_integer(json::number_integer_t v) { return inTable() ? tableValue(json(v)) : m_dom.number_integer(v); }
    bool number_unsigned(json::number_unsigned_t v) {
        return inTable() ? tableValue(json(v)) : m_dom.number_unsigned(v);
    }
    bool number_float(json::number_float_t v, const std::string& text) {
        return inTable() ? tableValue(json(v)) : m_dom.number_float(v, text);
    }
    bool string(std::string& v) { return inTable() ? tableValue(json(std::move(v))) : m_dom.string(v); }
    bool binary(json::binary_t& v) { return inTable() ? tableValue(json()) : m_dom.binary(v); }

    bool start_object(std::size_t n) { return startContainer(false) || m_dom.start_object(n); }
    bool start_array(std::size_t n) { return startContainer(true) || m_dom.start_array(n); }
    bool end_object() { return endContainer() || m_dom.end_object(); }
    bool end_array() { return endContainer() || m_dom.end_array(); }

    bool key(std::string& k) {
        if (m_depth == 1) {
            m_modelOpen = k == "model";
            m_table = Table::None;
        }
        if (m_depth == 2) {
            m_table = !m_modelOpen     ? Table::None
                      : k == "vocab"  ? Table::Vocab
                      : k == "merges" ? Table::Merges
                                      : Table::None;
            m_tables.sawVocab |= m_table == Table::Vocab;
            m_tables.sawMerges |= m_table == Table::Merges;
        }
        if (!inTable()) return m_dom.key(k);
        if (m_depth == 3) m_vocabKey = std::move(k);
        return true;
    }
    bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& e) {
        return m_dom.parse_error(position, token, e);
    }

private:
    enum class Table { None, Vocab, Merges };

    // The tables' entries sit at depth 3: root (1) → model (2) → vocab or merges (3).
    bool inTable() const { return m_table != Table::None && m_depth >= 3; }

    bool tableValue(json v) {
        if (m_depth == 3) {
            if (m_table == Table::Vocab)
                m_tables.vocab.emplace_back(std::move(m_vocabKey), std::move(v));
            else
                m_tables.merges.push_back(std::move(v));
        } else if (m_depth == 4 && m_collectingPair) {
            m_pair.push_back(std::move(v));
        }
        return true;
    }

    // True when the container belongs to a table entry and is handled here.
    bool startContainer(bool array) {
        const bool entryLevel = inTable();
        ++m_depth;
        if (!entryLevel) return false;
        if (m_depth == 4) {
            m_collectingPair = array && m_table == Table::Merges;
            if (m_collectingPair) {
                m_pair = json::array();
            } else {  // record the entry (at depth 3) as null
                --m_depth;
                tableValue(json());
                ++m_depth;
            }
        }
        return true;
    }
    bool endContainer() {
        const bool entryLevel = m_table != Table::None && m_depth >= 4;
        if (entryLevel && m_depth == 4 && m_collectingPair) {
            m_tables.merges.push_back(std::move(m_pair));
            m_collectingPair = false;
        }
        --m_depth;
        return entryLevel;
    }

    json m_root;
    nlohmann::detail::json_sax_dom_parser<json> m_dom;
    BpeTables& m_tables;
    int m_depth = 0;
    bool m_modelOpen = false;
    Table m_table = Table::None;
    std::string m_vocabKey;
    json m_pair;
    bool m_collectingPair = false;
};

json parseTokenizerJson(const unsigned char* begin, const unsigned char* end, BpeTables& tables) {
    TokenizerJsonReader reader(tables);
    json::sax_parse(begin, end, &reader);
    return reader.takeRoot();
}

Status parseModel(const json& spec, const BpeTables& tables, const std::string& where, bool byteLevel,
                  BpeTokenizerParts& parts) {
    auto type = specType(spec, where);
    if (!type) return type.error();
    if (*type != "BPE")
        return makeError(fmt::format("{}: model type '{}' is not supported (Pagoda reads BPE tokenizers)", where, *type));
    if (!tables.sawVocab || !spec["vocab"].is_object() || !tables.sawMerges || !spec["merges"].is_array())
        return makeError(fmt::format("{}: a BPE model needs a 'vocab' object and a 'merges' list", where));
    for (const char* affix : {"continuing_subword_prefix", "end_of_word_suffix"})
        if (spec.contains(affix) && spec[affix].is_string() && !spec[affix].get<std::string>().empty())
            return makeError(fmt::format("{}: '{}' is not supported", where, affix));

    std::unordered_map<std::string, int32_t> idsByText;
    std::vector<std::string> tokens;
    idsByText.reserve(tables.vocab.size());
    for (const auto& [text, idJson] : tables.vocab) {
        if (!idJson.is_number_integer() || idJson.get<int64_t>() < 0 || idJson.get<int64_t>() > (1 << 24))
            return makeError(fmt::format("{}.vocab['{}']: id must be a non-negative integer below 2^24", where, text));
        const auto id = idJson.get<int32_t>();
        if (size_t(id) >= tokens.size()) tokens.resize(size_t(id) + 1);
        tokens[size_t(id)] = byteLevel ? byteLevelToBytes(text) : text;
        idsByText.emplace(text, id);
    }

    std::vector<BpeModel::MergeRule> merges;
    merges.reserve(tables.merges.size());
    for (size_t rank = 0; rank < tables.merges.size(); ++rank) {
        const json& m = tables.merges[rank];
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


Result<std::unique_ptr<Tokenizer>> buildFromJson(const json& root, const BpeTables& tables, const std::string& where) {
    const bool byteLevel = mentionsByteLevel(root.value("pre_tokenizer", json())) ||
                           mentionsByteLevel(root.value("decoder", json()));
    BpeTokenizerParts parts;
    if (auto s = parseModel(root["model"], tables, where + ": model", byteLevel, parts); !s) return s.error();
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
    BpeTables tables;
    try {
        root = parseTokenizerJson(mapped->data(), mapped->data() + mapped->size(), tables);
    } catch (const json::exception& e) {  // the SAX DOM builder rethrows parse errors sliced to this base
        return makeError(fmt::format("{}: not valid JSON: {}", file, e.what()));
    }
    if (!root.is_object() || !root.contains("model"))
        return makeError(fmt::format("{}: expected an object with a 'model'", file));

    try {
        return buildFromJson(root, tables, fmt::format("{}", file));
    } catch (const json::exception& e) {
        // A field of the wrong JSON type somewhere deep: still a clear error, never a crash.
        return makeError(fmt::format("{}: unexpected structure: {}", file, e.what()));
    }
}

}  // namespace pagoda
