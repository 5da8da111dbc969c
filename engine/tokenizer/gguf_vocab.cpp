#include "engine/tokenizer/gguf_vocab.h"

#include <cmath>

#include <fmt/format.h>
#include <fmt/std.h>

namespace pagoda {

namespace {

using gguf::ValueType;

bool isIntegerType(ValueType t) {
    return t == ValueType::U8 || t == ValueType::I8 || t == ValueType::U16 || t == ValueType::I16 ||
           t == ValueType::U32 || t == ValueType::I32 || t == ValueType::U64 || t == ValueType::I64;
}

// Reads keys of one file, every error naming the file and the key.
class MetadataReader {
public:
    MetadataReader(const gguf::File& file, std::string where) : m_file(file), m_where(std::move(where)) {}

    Error error(std::string_view key, const std::string& what) const {
        return makeError(fmt::format("{}: {}: {}", m_where, key, what));
    }

    std::string describe(const gguf::Value& v) const {
        if (const gguf::Array* a = v.asArray()) return fmt::format("an array of {}", gguf::valueTypeName(a->elementType));
        return fmt::format("a {}", gguf::valueTypeName(v.type));
    }

    Result<std::optional<std::string>> string(std::string_view key) const {
        const gguf::Value* v = m_file.find(key);
        if (!v) return std::optional<std::string>();
        if (!v->asString()) return error(key, fmt::format("expected a string, found {}", describe(*v)));
        return std::optional<std::string>(*v->asString());
    }

    Result<std::optional<bool>> flag(std::string_view key) const {
        const gguf::Value* v = m_file.find(key);
        if (!v) return std::optional<bool>();
        if (!v->asBool()) return error(key, fmt::format("expected a bool, found {}", describe(*v)));
        return std::optional<bool>(*v->asBool());
    }

    // The array's items when it holds `wanted` elements (any integer type when wanted is
    // I32), nullptr when absent.
    Result<const std::vector<gguf::Value>*> array(std::string_view key, ValueType wanted, const char* expected) const {
        const gguf::Value* v = m_file.find(key);
        if (!v) return static_cast<const std::vector<gguf::Value>*>(nullptr);
        const gguf::Array* a = v->asArray();
        const bool fits = a && (a->elementType == wanted || (wanted == ValueType::I32 && isIntegerType(a->elementType)) ||
                                (wanted == ValueType::F32 && a->elementType == ValueType::F64));
        if (!fits) return error(key, fmt::format("expected an array of {}, found {}", expected, describe(*v)));
        return &a->items;
    }

    Result<std::optional<int32_t>> tokenId(std::string_view key, size_t vocabSize) const {
        const gguf::Value* v = m_file.find(key);
        if (!v) return std::optional<int32_t>();
        const auto id = v->asInteger();
        if (!id) return error(key, fmt::format("expected an integer token id, found {}", describe(*v)));
        // llama.cpp writes -1 (or its u32 image) for "none"; any other id must be a token.
        if (*id == -1 || *id == int64_t(UINT32_MAX)) return std::optional<int32_t>();
        if (*id < 0 || uint64_t(*id) >= vocabSize)
            return error(key, fmt::format("token id {} is outside the vocabulary (0..{})", *id, vocabSize - 1));
        return std::optional<int32_t>(int32_t(*id));
    }

private:
    const gguf::File& m_file;
    std::string m_where;
};

}  // namespace

Result<GgufVocab> readGgufVocab(const gguf::File& file) {
    GgufVocab vocab;
    vocab.where = fmt::format("{}", file.path());
    const MetadataReader meta(file, vocab.where);

    auto model = meta.string("tokenizer.ggml.model");
    if (!model) return model.error();
    if (!*model)
        return makeError(fmt::format("{}: the file carries no tokenizer (no tokenizer.ggml.model in its metadata); "
                                     "Pagoda reads the tokenizer from the GGUF file itself",
                                     vocab.where));
    vocab.model = std::move(**model);
    if (vocab.model != "gpt2" && vocab.model != "llama")
        return meta.error("tokenizer.ggml.model", fmt::format("tokenizer model '{}' is not supported (supported: gpt2, "
                                                              "llama)",
                                                              vocab.model));
    auto pre = meta.string("tokenizer.ggml.pre");
    if (!pre) return pre.error();
    vocab.pre = pre->value_or("");

    auto tokens = meta.array("tokenizer.ggml.tokens", ValueType::String, "strings");
    if (!tokens) return tokens.error();
    if (!*tokens || (*tokens)->empty())
        return meta.error("tokenizer.ggml.tokens", "missing or empty: the file carries no vocabulary");
    const size_t n = (*tokens)->size();
    if (n > size_t(INT32_MAX)) return meta.error("tokenizer.ggml.tokens", fmt::format("{} tokens is too many", n));
    vocab.tokens.reserve(n);
    for (const gguf::Value& t : **tokens) vocab.tokens.push_back(*t.asString());

    auto types = meta.array("tokenizer.ggml.token_type", ValueType::I32, "integers");
    if (!types) return types.error();
    if (*types && (*types)->size() != n)
        return meta.error("tokenizer.ggml.token_type",
                          fmt::format("{} entries for {} tokens in tokenizer.ggml.tokens", (*types)->size(), n));
    vocab.types.assign(n, GgufTokenType::Normal);
    for (size_t i = 0; *types && i < n; ++i) {
        const auto t = (**types)[i].asInteger();
        if (!t || *t < 1 || *t > 6)
            return meta.error("tokenizer.ggml.token_type",
                              fmt::format("entry {} is {}, not a token type (1 normal .. 6 byte)", i, t.value_or(-1)));
        vocab.types[i] = GgufTokenType(*t);
    }

    auto scores = meta.array("tokenizer.ggml.scores", ValueType::F32, "floats");
    if (!scores) return scores.error();
    if (*scores) {
        if ((*scores)->size() != n)
            return meta.error("tokenizer.ggml.scores",
                              fmt::format("{} entries for {} tokens in tokenizer.ggml.tokens", (*scores)->size(), n));
        vocab.scores.reserve(n);
        for (const gguf::Value& s : **scores) {
            const double score = *s.asNumber();
            // The merges are sorted by score: a NaN would break the ordering itself.
            if (!std::isfinite(score))
                return meta.error("tokenizer.ggml.scores",
                                  fmt::format("entry {} is {}, not a finite score", vocab.scores.size(), score));
            vocab.scores.push_back(float(score));
        }
    }

    auto merges = meta.array("tokenizer.ggml.merges", ValueType::String, "strings");
    if (!merges) return merges.error();
    if (*merges) {
        vocab.merges.reserve((*merges)->size());
        for (const gguf::Value& m : **merges) vocab.merges.push_back(*m.asString());
    }

    struct IdKey {
        const char* key;
        std::optional<int32_t> GgufVocab::*field;
    };
    for (const IdKey& k : {IdKey{"tokenizer.ggml.bos_token_id", &GgufVocab::bosId},
                           IdKey{"tokenizer.ggml.eos_token_id", &GgufVocab::eosId},
                           IdKey{"tokenizer.ggml.eot_token_id", &GgufVocab::eotId},
                           IdKey{"tokenizer.ggml.padding_token_id", &GgufVocab::padId},
                           IdKey{"tokenizer.ggml.unknown_token_id", &GgufVocab::unkId}}) {
        auto id = meta.tokenId(k.key, n);
        if (!id) return id.error();
        vocab.*k.field = *id;
    }
    struct FlagKey {
        const char* key;
        std::optional<bool> GgufVocab::*field;
    };
    for (const FlagKey& k : {FlagKey{"tokenizer.ggml.add_bos_token", &GgufVocab::addBos},
                             FlagKey{"tokenizer.ggml.add_eos_token", &GgufVocab::addEos},
                             FlagKey{"tokenizer.ggml.add_space_prefix", &GgufVocab::addSpacePrefix}}) {
        auto value = meta.flag(k.key);
        if (!value) return value.error();
        vocab.*k.field = *value;
    }
    return vocab;
}

}  // namespace pagoda
