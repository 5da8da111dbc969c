#include "engine/model/weight_map.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fmt/std.h>

namespace pagoda {

namespace {

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

const NameScheme& schemeFor(Architecture a) {
    switch (a) {
        case Architecture::Glm:
        case Architecture::Glm4: return kHfGlmScheme;
        case Architecture::ChatGlm: return kChatGlmScheme;
        default: return kHfScheme;
    }
}

// Tensors real checkpoints carry that the engine recomputes instead.
bool isIgnorable(const std::string& name) {
    return name.ends_with("rotary_emb.inv_freq") || name.ends_with("rotary_pos_emb.inv_freq");
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

}  // namespace

Result<DecoderWeights> bindWeights(const ModelConfig& config, const Checkpoint& checkpoint) {
    const NameScheme& scheme = schemeFor(config.architecture);
    DecoderWeights weights;
    const std::vector<Rule> rules = buildRules(config, scheme, weights);

    std::set<std::string> used;
    for (const Rule& rule : rules) {
        const Checkpoint::Entry* entry = checkpoint.find(rule.name);
        if (!entry)
            return makeError(fmt::format("{}: {} checkpoint is missing tensor '{}' (expected shape [{}] from "
                                         "config.json)",
                                         checkpoint.directory(), config.architectureName, rule.name,
                                         fmt::join(rule.shape, ", ")));
        const SafetensorsTensor& t = *entry->tensor;
        if (t.shape != rule.shape)
            return makeError(fmt::format("{}: tensor '{}' has shape [{}], but config.json implies [{}]",
                                         entry->file->path(), rule.name, fmt::join(t.shape, ", "),
                                         fmt::join(rule.shape, ", ")));
        if (!t.dtype)
            return makeError(fmt::format("{}: tensor '{}' has dtype {}, which is not supported (supported: F32, "
                                         "F16, BF16)",
                                         entry->file->path(), rule.name, t.dtypeName));
        const int64_t cols = rule.shape.size() == 2 ? rule.shape[1] : 1;
        for (const Slice& slice : rule.slices) {
            *slice.target = TensorView{t.data + size_t(slice.rowBegin * cols) * dtypeSize(*t.dtype), *t.dtype,
                                       slice.rows, cols};
        }
        used.insert(rule.name);
    }
    if (config.tieWordEmbeddings) {
        weights.lmHead = weights.embed;
        used.insert(scheme.lmHead);  // some tied checkpoints still carry a copy; HF ignores it
    }

    std::vector<std::string> unexpected;
    for (const auto& [name, entry] : checkpoint.entries())
        if (!used.count(name) && !isIgnorable(name)) unexpected.push_back(name);
    if (!unexpected.empty()) {
        std::sort(unexpected.begin(), unexpected.end());
        const Checkpoint::Entry* first = checkpoint.find(unexpected.front());
        const size_t shown = std::min<size_t>(unexpected.size(), 5);
        return makeError(fmt::format("{}: {} unexpected tensor(s) for a {} with {} layers: {}{}", first->file->path(),
                                     unexpected.size(), config.architectureName, config.numLayers,
                                     fmt::join(unexpected.begin(), unexpected.begin() + shown, ", "),
                                     unexpected.size() > shown ? ", ..." : ""));
    }
    return weights;
}

}  // namespace pagoda
