#include "engine/model/gguf_model_config.h"

#include <cstring>
#include <set>
#include <string>

#include <fmt/format.h>
#include <fmt/std.h>

namespace pagoda {

namespace {

struct ArchitectureName {
    const char* gguf;
    Architecture architecture;
};
constexpr ArchitectureName kArchitectures[] = {{"qwen2", Architecture::Qwen2},
                                               {"qwen3", Architecture::Qwen3},
                                               {"llama", Architecture::Llama},
                                               {"glm4", Architecture::Glm4},
                                               {"chatglm", Architecture::ChatGlm}};

// Tokens that end a turn although the file does not list them as eos or eot; llama.cpp and
// the models' generation_config.json stop on them too (Qwen's <|endoftext|> and <|im_end|>).
constexpr const char* kEndOfTurnTexts[] = {"<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|eom_id|>",
                                           "<|end|>",    "<|user|>",      "<|observation|>"};

// Typed reads of one file's metadata, with errors that name the file and the key.
class Metadata {
public:
    explicit Metadata(const gguf::File& file) : m_file(file) {}

    const gguf::File& file() const { return m_file; }
    bool has(const std::string& key) const { return m_file.find(key) != nullptr; }

    std::string requireString(const std::string& key) const {
        const gguf::Value* v = m_file.find(key);
        if (!v) throw error(fmt::format("missing metadata key '{}'", key));
        if (!v->asString()) throw error(fmt::format("'{}' is a {}, not a string", key, gguf::valueTypeName(v->type)));
        return *v->asString();
    }
    int64_t requireInt(const std::string& key) const {
        if (!has(key)) throw error(fmt::format("missing metadata key '{}'", key));
        return intOr(key, 0);
    }
    int64_t intOr(const std::string& key, int64_t fallback) const {
        const gguf::Value* v = m_file.find(key);
        if (!v) return fallback;
        if (const gguf::Array* a = v->asArray()) return sameForEveryLayer(key, *a);
        const auto i = v->asInteger();
        if (!i) throw error(fmt::format("'{}' is a {}, not an integer", key, gguf::valueTypeName(v->type)));
        return *i;
    }
    double numberOr(const std::string& key, double fallback) const {
        const gguf::Value* v = m_file.find(key);
        if (!v) return fallback;
        const auto n = v->asNumber();
        if (!n) throw error(fmt::format("'{}' is a {}, not a number", key, gguf::valueTypeName(v->type)));
        return *n;
    }
    std::string stringOr(const std::string& key, const std::string& fallback) const {
        return has(key) ? requireString(key) : fallback;
    }

    Error error(const std::string& what) const { return Error{fmt::format("{}: {}", m_file.path(), what)}; }

private:
    // Some models list a value per layer (head counts of variable-width models); the one
    // decoder needs one value.
    int64_t sameForEveryLayer(const std::string& key, const gguf::Array& a) const {
        std::optional<int64_t> value;
        for (const gguf::Value& item : a.items) {
            const auto i = item.asInteger();
            if (!i) throw error(fmt::format("'{}' is an array of {}, not of integers", key,
                                            gguf::valueTypeName(a.elementType)));
            if (value && *value != *i)
                throw error(fmt::format("'{}' differs between layers ({} and {}); Pagoda runs models whose layers "
                                        "are all alike",
                                        key, *value, *i));
            value = *i;
        }
        if (!value) throw error(fmt::format("'{}' is an empty array", key));
        return *value;
    }

    const gguf::File& m_file;
};

const gguf::TensorInfo* findTensor(const std::vector<gguf::File>& files, const std::string& name,
                                   const gguf::File** owner = nullptr) {
    for (const gguf::File& file : files)
        for (const gguf::TensorInfo& t : file.tensors())
            if (t.name == name) {
                if (owner) *owner = &file;
                return &t;
            }
    return nullptr;
}

int toInt(const Metadata& m, const char* what, int64_t v) {
    if (v < 0 || v > (int64_t(1) << 30)) throw m.error(fmt::format("{} {} is beyond any real model", what, v));
    return int(v);
}

// Llama 3's RoPE frequency rewrite, stored as one divisor per frequency.
std::vector<float> ropeFreqFactors(const Metadata& m, const std::vector<gguf::File>& files, int rotaryDim) {
    const gguf::File* owner = nullptr;
    const gguf::TensorInfo* t = findTensor(files, "rope_freqs.weight", &owner);
    if (!t) return {};
    if (t->type != gguf::TensorType::F32 || t->dims.size() != 1 || t->dims[0] != uint64_t(rotaryDim / 2))
        throw m.error(fmt::format("rope_freqs.weight must be {} F32 values (one per rotary frequency)", rotaryDim / 2));
    std::vector<float> factors(size_t(rotaryDim / 2));
    std::memcpy(factors.data(), owner->data(*t), factors.size() * sizeof(float));
    for (float f : factors)
        if (!(f > 0)) throw m.error("rope_freqs.weight holds a factor that is not positive");
    return factors;
}

std::set<int> endOfGenerationIds(const Metadata& m) {
    std::set<int> ids;
    for (const char* key : {"tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"})
        if (m.has(key)) ids.insert(toInt(m, key, m.requireInt(key)));
    if (const gguf::Value* tokens = m.file().find("tokenizer.ggml.tokens"); tokens && tokens->asArray()) {
        const auto& items = tokens->asArray()->items;
        for (size_t i = 0; i < items.size(); ++i)
            if (const std::string* text = items[i].asString())
                for (const char* end : kEndOfTurnTexts)
                    if (*text == end) ids.insert(int(i));
    }
    return ids;
}

ModelConfig readConfig(const std::vector<gguf::File>& files) {
    const Metadata m(files.front());
    ModelConfig c;
    const std::string arch = m.requireString("general.architecture");
    bool known = false;
    for (const ArchitectureName& a : kArchitectures)
        if (arch == a.gguf) {
            c.architecture = a.architecture;
            known = true;
        }
    if (!known)
        throw m.error(fmt::format("GGUF architecture '{}' is not supported (supported: qwen2, qwen3, llama, glm4, "
                                  "chatglm)",
                                  arch));
    c.architectureName = arch + " (GGUF)";
    const std::string k = arch + ".";
    c.hiddenSize = toInt(m, "embedding length", m.requireInt(k + "embedding_length"));
    c.intermediateSize = toInt(m, "feed-forward length", m.requireInt(k + "feed_forward_length"));
    c.numLayers = toInt(m, "block count", m.requireInt(k + "block_count"));
    c.numHeads = toInt(m, "head count", m.requireInt(k + "attention.head_count"));
    c.numKvHeads = toInt(m, "key/value head count", m.intOr(k + "attention.head_count_kv", c.numHeads));
    c.headDim = toInt(m, "key length", m.intOr(k + "attention.key_length", c.numHeads > 0 ? c.hiddenSize / c.numHeads : 0));
    if (m.intOr(k + "attention.value_length", c.headDim) != c.headDim)
        throw m.error("attention.value_length differs from attention.key_length; Pagoda needs them equal");
    c.maxPositionEmbeddings = toInt(m, "context length", m.intOr(k + "context_length", 4096));
    c.rmsNormEps = float(m.numberOr(k + "attention.layer_norm_rms_epsilon", 1e-6));

    c.rope.theta = float(m.numberOr(k + "rope.freq_base", 10000.0));
    c.rope.rotaryDim = toInt(m, "rope dimension count", m.intOr(k + "rope.dimension_count", c.headDim));
    // llama.cpp's "normal" RoPE rotates adjacent pairs. Its converter permutes Llama's q and k
    // rows into that order, and GLM uses it natively; Qwen keeps NeoX halves.
    c.rope.interleaved = c.architecture == Architecture::Llama || c.architecture == Architecture::Glm4 ||
                         c.architecture == Architecture::ChatGlm;
    const std::string scaling = m.stringOr(k + "rope.scaling.type", "none");
    if (scaling != "none" && !(scaling == "linear" && m.numberOr(k + "rope.scaling.factor", 1.0) == 1.0))
        throw m.error(fmt::format("RoPE scaling '{}' is not supported yet (supported: none, and Llama 3's "
                                  "rope_freqs)",
                                  scaling));
    c.ropeFreqFactors = ropeFreqFactors(m, files, c.rope.rotaryDim);

    const gguf::TensorInfo* embed = findTensor(files, "token_embd.weight");
    if (!embed || embed->dims.size() != 2) throw m.error("missing the 2-D tensor 'token_embd.weight'");
    c.vocabSize = toInt(m, "vocabulary size", int64_t(embed->dims[1]));
    c.tieWordEmbeddings = findTensor(files, "output.weight") == nullptr;
    c.qkvBias = findTensor(files, "blk.0.attn_q.bias") || findTensor(files, "blk.0.attn_qkv.bias");
    c.qkNorm = findTensor(files, "blk.0.attn_q_norm.weight") != nullptr;
    c.sandwichNorms = findTensor(files, "blk.0.post_attention_norm.weight") != nullptr;
    if (c.qkNorm && c.architecture != Architecture::Qwen3)
        throw m.error(fmt::format("per-head q/k norms in a '{}' model are not supported", arch));

    // Activations stay f32 for quantized weights; 16-bit files keep their type's paths.
    c.dtype = DType::F32;
    if (const gguf::TensorInfo* q = findTensor(files, "blk.0.attn_output.weight")) {
        if (q->type == gguf::TensorType::BF16) c.dtype = DType::BF16;
        if (q->type == gguf::TensorType::F16) c.dtype = DType::F16;
    }
    const std::set<int> eos = endOfGenerationIds(m);
    c.eosTokenIds.assign(eos.begin(), eos.end());
    if (m.has("tokenizer.ggml.bos_token_id")) c.bosTokenId = toInt(m, "bos id", m.requireInt("tokenizer.ggml.bos_token_id"));
    return c;
}

}  // namespace

Result<ModelConfig> ggufModelConfig(const std::vector<gguf::File>& files) {
    if (files.empty()) return makeError("a GGUF model with no files");
    ModelConfig config;
    try {
        config = readConfig(files);
    } catch (const Error& e) {
        return e;
    }
    if (auto valid = validateModelConfig(config, files.front().path()); !valid) return valid.error();
    return config;
}

}  // namespace pagoda
