#include "engine/model/weight_map.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fmt/std.h>

namespace pagoda {

namespace {

// One tensor of a checkpoint, whatever its container: where it lives and how it is stored.
struct StoredTensor {
    std::string file;
    std::vector<int64_t> shape;  // row-major, outermost first
    const unsigned char* data = nullptr;
    std::optional<DType> dtype;  // nothing: a type Pagoda cannot compute with
    std::string dtypeName;       // as the file names it, for errors
    cpu::BlockFormat format = cpu::BlockFormat::F32;  // DType::Blocks only
};

struct StoredTensors {
    std::string where;           // the checkpoint, for errors about missing tensors
    const char* supportedTypes;  // for errors about types
    std::map<std::string, StoredTensor> tensors;
};

// How one checkpoint family spells each tensor. Per-layer names are relative to
// `layerPrefix` (with {} for the layer index); "" means the family has no such tensor.
// A fused name (qkv, gateUp) replaces the separate ones.
struct NameScheme {
    const char* embed;
    const char* finalNorm;
    const char* lmHead;
    const char* layerPrefix;
    const char* attnNorm;
    const char* q;
    const char* k;
    const char* v;
    const char* qkv;
    const char* o;
    const char* qNorm;
    const char* kNorm;
    const char* postAttnNorm;
    const char* mlpNorm;
    const char* gate;
    const char* up;
    const char* gateUp;
    const char* down;
    const char* postMlpNorm;
};

constexpr NameScheme kHfScheme = {
    "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight", "model.layers.{}.",
    "input_layernorm.weight", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "", "self_attn.o_proj",
    "self_attn.q_norm.weight", "self_attn.k_norm.weight", "post_self_attn_layernorm.weight",
    "post_attention_layernorm.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight", "", "mlp.down_proj.weight",
    "post_mlp_layernorm.weight"};

// GlmForCausalLM / Glm4ForCausalLM: Llama names, gate and up fused (gate rows first).
constexpr NameScheme kHfGlmScheme = {
    "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight", "model.layers.{}.",
    "input_layernorm.weight", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "", "self_attn.o_proj",
    "", "", "post_self_attn_layernorm.weight", "post_attention_layernorm.weight", "", "", "mlp.gate_up_proj.weight",
    "mlp.down_proj.weight", "post_mlp_layernorm.weight"};

// THUDM remote code (ChatGLMModel): q|k|v fused in query_key_value, gate|up in dense_h_to_4h.
constexpr NameScheme kChatGlmScheme = {
    "transformer.embedding.word_embeddings.weight", "transformer.encoder.final_layernorm.weight",
    "transformer.output_layer.weight", "transformer.encoder.layers.{}.", "input_layernorm.weight", "", "", "",
    "self_attention.query_key_value", "self_attention.dense", "", "", "", "post_attention_layernorm.weight", "", "",
    "mlp.dense_h_to_4h.weight", "mlp.dense_4h_to_h.weight", ""};

// llama.cpp's names in GGUF files, the same for every architecture. GLM-4 and ChatGLM
// fuse gate and up into ffn_up (gate rows first); ChatGLM fuses q|k|v into attn_qkv.
constexpr NameScheme kGgufScheme = {
    "token_embd.weight", "output_norm.weight", "output.weight", "blk.{}.", "attn_norm.weight", "attn_q", "attn_k",
    "attn_v", "", "attn_output", "attn_q_norm.weight", "attn_k_norm.weight", "post_attention_norm.weight",
    "ffn_norm.weight", "ffn_gate.weight", "ffn_up.weight", "", "ffn_down.weight", "post_ffw_norm.weight"};

constexpr NameScheme kGgufGlmScheme = {
    "token_embd.weight", "output_norm.weight", "output.weight", "blk.{}.", "attn_norm.weight", "attn_q", "attn_k",
    "attn_v", "", "attn_output", "", "", "post_attention_norm.weight", "ffn_norm.weight", "", "", "ffn_up.weight",
    "ffn_down.weight", "post_ffw_norm.weight"};

constexpr NameScheme kGgufChatGlmScheme = {
    "token_embd.weight", "output_norm.weight", "output.weight", "blk.{}.", "attn_norm.weight", "", "", "",
    "attn_qkv", "attn_output", "", "", "", "ffn_norm.weight", "", "", "ffn_up.weight", "ffn_down.weight", ""};

const NameScheme& schemeFor(Architecture a, bool gguf) {
    switch (a) {
        case Architecture::Glm:
        case Architecture::Glm4: return gguf ? kGgufGlmScheme : kHfGlmScheme;
        case Architecture::ChatGlm: return gguf ? kGgufChatGlmScheme : kChatGlmScheme;
        default: return gguf ? kGgufScheme : kHfScheme;
    }
}

// Tensors real checkpoints carry that the engine recomputes instead (GGUF's rope_freqs is
// read into the config's RoPE frequency factors).
bool isIgnorable(const std::string& name) {
    return name.ends_with("rotary_emb.inv_freq") || name.ends_with("rotary_pos_emb.inv_freq") ||
           name == "rope_freqs.weight";
}

// Bytes of `rows` rows of `cols` elements as stored.
size_t rowBytes(const StoredTensor& t, int64_t rows, int64_t cols) {
    if (t.dtype == DType::Blocks) {
        const cpu::BlockLayout layout = cpu::blockLayout(t.format);
        return size_t(rows) * size_t(cols / layout.elements) * layout.bytes;
    }
    return size_t(rows) * size_t(cols) * dtypeSize(*t.dtype);
}

struct Slice {
    TensorView* target;
    int64_t rowBegin;
    int64_t rows;
};

struct Rule {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<Slice> slices;
};

class RuleBuilder {
public:
    void whole(std::string name, std::vector<int64_t> shape, TensorView* target) {
        const int64_t rows = shape[0];
        m_rules.push_back({std::move(name), std::move(shape), {{target, 0, rows}}});
    }
    // Rows of one checkpoint tensor split across several targets, in order.
    void fused(std::string name, int64_t cols, std::vector<std::pair<TensorView*, int64_t>> parts) {
        Rule rule{std::move(name), {}, {}};
        int64_t row = 0;
        for (auto [target, rows] : parts) {
            rule.slices.push_back({target, row, rows});
            row += rows;
        }
        rule.shape = cols > 0 ? std::vector<int64_t>{row, cols} : std::vector<int64_t>{row};
        m_rules.push_back(std::move(rule));
    }
    std::vector<Rule>& rules() { return m_rules; }

private:
    std::vector<Rule> m_rules;
};

std::vector<Rule> buildRules(const ModelConfig& c, const NameScheme& s, DecoderWeights& w) {
    const int64_t H = c.hiddenSize, I = c.intermediateSize, V = c.vocabSize;
    const int64_t qRows = int64_t(c.numHeads) * c.headDim, kvRows = int64_t(c.numKvHeads) * c.headDim;
    RuleBuilder b;
    b.whole(s.embed, {V, H}, &w.embed);
    b.whole(s.finalNorm, {H}, &w.finalNorm);
    if (!c.tieWordEmbeddings) b.whole(s.lmHead, {V, H}, &w.lmHead);

    w.layers.resize(size_t(c.numLayers));
    for (int i = 0; i < c.numLayers; ++i) {
        LayerWeights& L = w.layers[size_t(i)];
        const std::string p = fmt::format(fmt::runtime(s.layerPrefix), i);
        auto name = [&](const char* suffix) { return p + suffix; };
        b.whole(name(s.attnNorm), {H}, &L.attnNorm);
        if (*s.qkv) {
            b.fused(name(s.qkv) + ".weight", H, {{&L.q, qRows}, {&L.k, kvRows}, {&L.v, kvRows}});
            if (c.qkvBias) b.fused(name(s.qkv) + ".bias", 0, {{&L.qBias, qRows}, {&L.kBias, kvRows}, {&L.vBias, kvRows}});
        } else {
            b.whole(name(s.q) + ".weight", {qRows, H}, &L.q);
            b.whole(name(s.k) + ".weight", {kvRows, H}, &L.k);
            b.whole(name(s.v) + ".weight", {kvRows, H}, &L.v);
            if (c.qkvBias) {
                b.whole(name(s.q) + ".bias", {qRows}, &L.qBias);
                b.whole(name(s.k) + ".bias", {kvRows}, &L.kBias);
                b.whole(name(s.v) + ".bias", {kvRows}, &L.vBias);
            }
        }
        b.whole(name(s.o) + ".weight", {H, qRows}, &L.o);
        // transformers puts attention_bias on o_proj too for Llama and Qwen3, not for Qwen2/GLM.
        const bool oBias = c.qkvBias && (c.architecture == Architecture::Llama || c.architecture == Architecture::Qwen3);
        if (oBias) b.whole(name(s.o) + ".bias", {H}, &L.oBias);
        if (c.qkNorm) {
            b.whole(name(s.qNorm), {c.headDim}, &L.qNorm);
            b.whole(name(s.kNorm), {c.headDim}, &L.kNorm);
        }
        b.whole(name(s.mlpNorm), {H}, &L.mlpNorm);
        if (*s.gateUp) {
            b.fused(name(s.gateUp), H, {{&L.gate, I}, {&L.up, I}});
        } else {
            b.whole(name(s.gate), {I, H}, &L.gate);
            b.whole(name(s.up), {I, H}, &L.up);
        }
        b.whole(name(s.down), {H, I}, &L.down);
        if (c.sandwichNorms) {
            b.whole(name(s.postAttnNorm), {H}, &L.postAttnNorm);
            b.whole(name(s.postMlpNorm), {H}, &L.postMlpNorm);
        }
    }
    return std::move(b.rules());
}


Result<DecoderWeights> bindTensors(const ModelConfig& config, const StoredTensors& stored, bool gguf) {
    const NameScheme& scheme = schemeFor(config.architecture, gguf);
    const char* configName = gguf ? "the GGUF metadata" : "config.json";
    DecoderWeights weights;
    const std::vector<Rule> rules = buildRules(config, scheme, weights);

    std::set<std::string> used;
    for (const Rule& rule : rules) {
        const auto found = stored.tensors.find(rule.name);
        if (found == stored.tensors.end())
            return makeError(fmt::format("{}: {} checkpoint is missing tensor '{}' (expected shape [{}] from {})",
                                         stored.where, config.architectureName, rule.name, fmt::join(rule.shape, ", "),
                                         configName));
        const StoredTensor& t = found->second;
        if (t.shape != rule.shape)
            return makeError(fmt::format("{}: tensor '{}' has shape [{}], but {} implies [{}]", t.file, rule.name,
                                         fmt::join(t.shape, ", "), configName, fmt::join(rule.shape, ", ")));
        if (!t.dtype)
            return makeError(fmt::format("{}: tensor '{}' has type {}, which Pagoda cannot compute with (supported: {})",
                                         t.file, rule.name, t.dtypeName, stored.supportedTypes));
        if (t.dtype == DType::Blocks && rule.shape.size() != 2)
            return makeError(fmt::format("{}: tensor '{}' is a vector stored as {} blocks; Pagoda reads vectors as "
                                         "F32, F16 or BF16 only",
                                         t.file, rule.name, t.dtypeName));
        const int64_t cols = rule.shape.size() == 2 ? rule.shape[1] : 1;
        for (const Slice& slice : rule.slices) {
            *slice.target = TensorView{t.data + rowBytes(t, slice.rowBegin, cols), *t.dtype, slice.rows, cols};
            slice.target->format = t.format;
        }
        used.insert(rule.name);
    }
    if (config.tieWordEmbeddings) {
        weights.lmHead = weights.embed;
        used.insert(scheme.lmHead);  // some tied checkpoints still carry a copy; HF ignores it
    }

    std::vector<std::string> unexpected;
    for (const auto& [name, tensor] : stored.tensors)
        if (!used.count(name) && !isIgnorable(name)) unexpected.push_back(name);
    if (!unexpected.empty()) {
        std::sort(unexpected.begin(), unexpected.end());
        const size_t shown = std::min<size_t>(unexpected.size(), 5);
        return makeError(fmt::format("{}: {} unexpected tensor(s) for a {} with {} layers: {}{}",
                                     stored.tensors.at(unexpected.front()).file, unexpected.size(),
                                     config.architectureName, config.numLayers,
                                     fmt::join(unexpected.begin(), unexpected.begin() + shown, ", "),
                                     unexpected.size() > shown ? ", ..." : ""));
    }
    return weights;
}

}  // namespace

Result<DecoderWeights> bindWeights(const ModelConfig& config, const Checkpoint& checkpoint) {
    StoredTensors stored{fmt::format("{}", checkpoint.directory()), "F32, F16, BF16", {}};
    for (const auto& [name, entry] : checkpoint.entries()) {
        const SafetensorsTensor& t = *entry.tensor;
        stored.tensors.emplace(name, StoredTensor{fmt::format("{}", entry.file->path()), t.shape, t.data, t.dtype,
                                                  t.dtypeName, cpu::BlockFormat::F32});
    }
    return bindTensors(config, stored, false);
}

Result<DecoderWeights> bindGgufWeights(const ModelConfig& config, const std::vector<gguf::File>& files) {
    StoredTensors stored{fmt::format("{}", files.front().path()),
                         "F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K", {}};
    for (const gguf::File& file : files) {
        for (const gguf::TensorInfo& info : file.tensors()) {
            // ggml lists the contiguous dimension first; the decoder's shapes are row-major.
            std::vector<int64_t> shape;
            for (auto d = info.dims.rbegin(); d != info.dims.rend(); ++d) shape.push_back(int64_t(*d));
            while (shape.size() > 2 && shape.front() == 1) shape.erase(shape.begin());
            const auto traits = gguf::tensorTypeTraits(uint32_t(info.type));
            StoredTensor t{fmt::format("{}", file.path()), std::move(shape), file.data(info), std::nullopt,
                           traits ? traits->name : "unknown", cpu::BlockFormat::F32};
            if (traits && traits->format) {
                t.format = *traits->format;
                switch (t.format) {
                    case cpu::BlockFormat::F32: t.dtype = DType::F32; break;
                    case cpu::BlockFormat::F16: t.dtype = DType::F16; break;
                    case cpu::BlockFormat::BF16: t.dtype = DType::BF16; break;
                    default: t.dtype = DType::Blocks; break;
                }
            }
            stored.tensors.emplace(info.name, std::move(t));
        }
    }
    return bindTensors(config, stored, true);
}

}  // namespace pagoda
