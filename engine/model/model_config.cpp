#include "engine/model/model_config.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fmt/std.h>
#include <nlohmann/json.hpp>

#include "engine/common/mapped_file.h"
#include "engine/model/gguf_locate.h"
#include "engine/model/gguf_model_config.h"

namespace pagoda {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Thrown only inside this file and turned into an Error at loadModelConfig's boundary.
struct ConfigError {
    std::string message;
};

const std::map<std::string, Architecture>& architectureTable() {
    static const std::map<std::string, Architecture> table = {
        {"Qwen2ForCausalLM", Architecture::Qwen2}, {"Qwen3ForCausalLM", Architecture::Qwen3},
        {"LlamaForCausalLM", Architecture::Llama}, {"GlmForCausalLM", Architecture::Glm},
        {"Glm4ForCausalLM", Architecture::Glm4},   {"ChatGLMModel", Architecture::ChatGlm},
        {"ChatGLMForConditionalGeneration", Architecture::ChatGlm}};
    return table;
}

// Typed access to one JSON file with errors that name the file and the key.
class JsonFile {
public:
    JsonFile(fs::path path, json root) : m_path(std::move(path)), m_root(std::move(root)) {}

    const fs::path& path() const { return m_path; }
    const json& root() const { return m_root; }
    bool has(const std::string& key) const { return m_root.contains(key) && !m_root[key].is_null(); }

    int requireInt(const std::string& key) const {
        if (!has(key)) throw ConfigError{fmt::format("{}: missing required key '{}'", m_path, key)};
        return toInt(m_root[key], key);
    }
    int intOr(const std::string& key, int fallback) const { return has(key) ? toInt(m_root[key], key) : fallback; }
    double numberOr(const json& object, const std::string& key, double fallback) const {
        if (!object.contains(key) || object[key].is_null()) return fallback;
        if (!object[key].is_number())
            throw ConfigError{fmt::format("{}: '{}' must be a number, found {}", m_path, key, object[key].dump())};
        return object[key].get<double>();
    }
    double numberOr(const std::string& key, double fallback) const { return numberOr(m_root, key, fallback); }
    bool boolOr(const std::string& key, bool fallback) const {
        if (!has(key)) return fallback;
        if (!m_root[key].is_boolean())
            throw ConfigError{fmt::format("{}: '{}' must be true or false, found {}", m_path, key, m_root[key].dump())};
        return m_root[key].get<bool>();
    }
    std::string stringOr(const std::string& key, const std::string& fallback) const {
        if (!has(key)) return fallback;
        if (!m_root[key].is_string())
            throw ConfigError{fmt::format("{}: '{}' must be a string, found {}", m_path, key, m_root[key].dump())};
        return m_root[key].get<std::string>();
    }
    // An int or a list of ints (eos_token_id is either).
    std::vector<int> intListOr(const std::string& key) const {
        std::vector<int> out;
        if (!has(key)) return out;
        const json& v = m_root[key];
        if (v.is_array()) {
            for (const auto& item : v) out.push_back(toInt(item, key));
        } else {
            out.push_back(toInt(v, key));
        }
        return out;
    }

private:
    int toInt(const json& v, const std::string& key) const {
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > INT32_MAX)
            throw ConfigError{fmt::format("{}: '{}' must be a non-negative integer, found {}", m_path, key, v.dump())};
        return v.get<int>();
    }

    fs::path m_path;
    json m_root;
};

std::optional<JsonFile> readJson(const fs::path& path, bool required) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        if (required) throw ConfigError{fmt::format("{} not found; a model directory needs its config.json", path)};
        return std::nullopt;
    }
    const auto text = readRegularFile(path);
    if (!text) throw ConfigError{text.error().message};
    json root;
    try {
        root = json::parse(*text);
    } catch (const json::exception& e) {
        throw ConfigError{fmt::format("{}: not valid JSON: {}", path, e.what())};
    }
    if (!root.is_object()) throw ConfigError{fmt::format("{}: expected a JSON object", path)};
    return JsonFile(path, std::move(root));
}

Architecture parseArchitecture(const JsonFile& cfg, std::string& name) {
    const json& root = cfg.root();
    if (!root.contains("architectures") || !root["architectures"].is_array() || root["architectures"].empty() ||
        !root["architectures"][0].is_string())
        throw ConfigError{fmt::format("{}: missing 'architectures' (a list naming the model class); supported: {}",
                                      cfg.path(), fmt::join(supportedArchitectures(), ", "))};
    name = root["architectures"][0].get<std::string>();
    const auto it = architectureTable().find(name);
    if (it == architectureTable().end())
        throw ConfigError{fmt::format("{}: architecture '{}' is not supported; supported: {}", cfg.path(), name,
                                      fmt::join(supportedArchitectures(), ", "))};
    return it->second;
}

DType parseDType(const JsonFile& cfg) {
    const std::string key = cfg.has("torch_dtype") ? "torch_dtype" : "dtype";
    const std::string name = cfg.stringOr(key, "bfloat16");
    if (name == "float32") return DType::F32;
    if (name == "float16") return DType::F16;
    if (name == "bfloat16") return DType::BF16;
    throw ConfigError{fmt::format("{}: '{}' is '{}'; supported: float32, float16, bfloat16", cfg.path(), key, name)};
}

// RoPE parameters live in `rope_parameters` (transformers 5) or in `rope_theta` +
// `rope_scaling` (older files); both spellings appear in published checkpoints.
void parseRope(const JsonFile& cfg, ModelConfig& c, double defaultPartialFactor) {
    const json empty = json::object();
    const json& params = cfg.has("rope_parameters") ? cfg.root()["rope_parameters"] : empty;
    const json& scaling = cfg.has("rope_scaling") ? cfg.root()["rope_scaling"] : empty;
    if (!params.is_object() || !scaling.is_object())
        throw ConfigError{fmt::format("{}: 'rope_parameters' and 'rope_scaling' must be objects", cfg.path())};

    c.rope.theta = float(cfg.numberOr(params, "rope_theta", cfg.numberOr("rope_theta", 10000.0)));
    const double partial = cfg.numberOr(params, "partial_rotary_factor",
                                        cfg.numberOr("partial_rotary_factor", defaultPartialFactor));
    c.rope.rotaryDim = int(double(c.headDim) * partial);

    const json& typed = params.contains("rope_type") || params.contains("type") ? params : scaling;
    std::string type = "default";
    for (const char* key : {"rope_type", "type"}) {
        if (typed.contains(key) && typed[key].is_string()) {
            type = typed[key].get<std::string>();
            break;
        }
    }
    if (type == "llama3") {
        c.rope.llama3Factor = float(cfg.numberOr(typed, "factor", 8.0));
        c.rope.llama3LowFreqFactor = float(cfg.numberOr(typed, "low_freq_factor", 1.0));
        c.rope.llama3HighFreqFactor = float(cfg.numberOr(typed, "high_freq_factor", 4.0));
        c.rope.llama3OriginalMaxPositions = float(cfg.numberOr(typed, "original_max_position_embeddings", 8192.0));
        if (c.rope.llama3Factor <= 0 || c.rope.llama3HighFreqFactor <= c.rope.llama3LowFreqFactor)
            throw ConfigError{fmt::format("{}: llama3 rope scaling needs factor > 0 and high_freq_factor > "
                                          "low_freq_factor",
                                          cfg.path())};
    } else if (type != "default") {
        throw ConfigError{fmt::format("{}: rope scaling type '{}' is not supported yet (supported: default, llama3)",
                                      cfg.path(), type)};
    }
}

// THUDM's remote-code config (ChatGLMModel) names everything differently.
void parseChatGlm(const JsonFile& cfg, ModelConfig& c) {
    c.hiddenSize = cfg.requireInt("hidden_size");
    c.intermediateSize = cfg.requireInt("ffn_hidden_size");
    c.numLayers = cfg.requireInt("num_layers");
    c.numHeads = cfg.requireInt("num_attention_heads");
    c.numKvHeads = cfg.boolOr("multi_query_attention", false) ? cfg.requireInt("multi_query_group_num") : c.numHeads;
    c.headDim = cfg.intOr("kv_channels", c.numHeads > 0 ? c.hiddenSize / c.numHeads : 0);
    c.vocabSize = cfg.requireInt("padded_vocab_size");
    c.maxPositionEmbeddings = cfg.intOr("seq_length", 8192);
    c.rmsNormEps = float(cfg.numberOr("layernorm_epsilon", 1e-5));
    c.qkvBias = cfg.boolOr("add_qkv_bias", false);
    c.tieWordEmbeddings = false;
    // Only the GLM-4 shape of the remote code is supported; say so rather than compute wrong.
    auto requireFlag = [&](const char* key, bool expected, bool fallback) {
        if (cfg.boolOr(key, fallback) != expected)
            throw ConfigError{fmt::format("{}: '{}' = {} is not supported (GLM-4 checkpoints use {})", cfg.path(), key,
                                          !expected, expected)};
    };
    requireFlag("rmsnorm", true, true);
    requireFlag("add_bias_linear", false, false);
    requireFlag("apply_residual_connection_post_layernorm", false, false);
    requireFlag("post_layer_norm", true, true);
    requireFlag("original_rope", true, true);
    c.rope.theta = float(10000.0 * cfg.numberOr("rope_ratio", 1.0));
    c.rope.rotaryDim = c.headDim / 2;  // vLLM chatglm: rotary_dim = head_dim // 2
}

void parseHfDecoder(const JsonFile& cfg, ModelConfig& c) {
    const bool glmFamily = c.architecture == Architecture::Glm || c.architecture == Architecture::Glm4;
    c.hiddenSize = cfg.requireInt("hidden_size");
    c.intermediateSize = cfg.requireInt("intermediate_size");
    c.numLayers = cfg.requireInt("num_hidden_layers");
    c.numHeads = cfg.requireInt("num_attention_heads");
    c.numKvHeads = cfg.intOr("num_key_value_heads", c.numHeads);
    // Qwen3 and GLM configs default head_dim to 128 in transformers; Qwen2/Llama derive it.
    const bool defaultsTo128 = c.architecture == Architecture::Qwen3 || glmFamily;
    c.headDim = cfg.intOr("head_dim", defaultsTo128 ? 128 : (c.numHeads > 0 ? c.hiddenSize / c.numHeads : 0));
    c.vocabSize = cfg.requireInt("vocab_size");
    c.maxPositionEmbeddings = cfg.intOr("max_position_embeddings", 4096);
    c.rmsNormEps = float(cfg.numberOr("rms_norm_eps", 1e-6));
    c.tieWordEmbeddings = cfg.boolOr("tie_word_embeddings", false);
    c.qkvBias = c.architecture == Architecture::Qwen2 ? true : cfg.boolOr("attention_bias", glmFamily);
    c.qkNorm = c.architecture == Architecture::Qwen3;
    c.sandwichNorms = c.architecture == Architecture::Glm4;
    if (cfg.boolOr("mlp_bias", false))
        throw ConfigError{fmt::format("{}: 'mlp_bias': true is not supported", cfg.path())};
    if (cfg.boolOr("use_sliding_window", false))
        throw ConfigError{fmt::format("{}: 'use_sliding_window': true is not supported yet", cfg.path())};
    const std::string act = cfg.stringOr("hidden_act", "silu");
    if (act != "silu")
        throw ConfigError{fmt::format("{}: hidden_act '{}' is not supported (expected silu)", cfg.path(), act)};
    parseRope(cfg, c, glmFamily ? 0.5 : 1.0);
}

// Checked before anything is sized from the config: a layer table or a buffer built from
// `num_hidden_layers: 10000000` would take gigabytes before any tensor could say it is wrong.
// The ceilings are far above every published model (the largest have about 130 layers, a
// hidden size of 16384 and 256k-token vocabularies).
void validate(const fs::path& where, const ModelConfig& c) {
    auto within = [&](const char* what, int v, int most) {
        if (v <= 0) throw ConfigError{fmt::format("{}: {} must be positive, found {}", where, what, v)};
        if (v > most)
            throw ConfigError{
                fmt::format("{}: {} {} is beyond any real model (at most {})", where, what, v, most)};
    };
    within("hidden size", c.hiddenSize, 1 << 17);
    within("intermediate size", c.intermediateSize, 1 << 20);
    within("number of layers", c.numLayers, 1024);
    within("number of attention heads", c.numHeads, 1024);
    within("number of key/value heads", c.numKvHeads, 1024);
    within("head dim", c.headDim, 4096);
    within("vocab size", c.vocabSize, 1 << 23);
    within("max_position_embeddings", c.maxPositionEmbeddings, 1 << 24);
    if (!(c.rmsNormEps > 0 && c.rmsNormEps < 1))
        throw ConfigError{
            fmt::format("{}: the norm epsilon must be between 0 and 1, found {}", where, c.rmsNormEps)};
    if (c.numHeads % c.numKvHeads != 0)
        throw ConfigError{fmt::format("{}: {} attention heads cannot be shared evenly by {} key/value heads",
                                      where, c.numHeads, c.numKvHeads)};
    if (c.rope.rotaryDim <= 0 || c.rope.rotaryDim > c.headDim || c.rope.rotaryDim % 2 != 0)
        throw ConfigError{fmt::format("{}: rotary dim {} must be even and within head_dim {}", where,
                                      c.rope.rotaryDim, c.headDim)};
    if (!(c.rope.theta > 0)) throw ConfigError{fmt::format("{}: rope theta must be positive", where)};
    for (int id : c.eosTokenIds)
        if (id >= c.vocabSize)
            throw ConfigError{fmt::format("{}: eos token id {} is outside the vocabulary ({} tokens)", where, id,
                                          c.vocabSize)};
}

}  // namespace

const std::vector<std::string>& supportedArchitectures() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const auto& [name, arch] : architectureTable()) n.push_back(name);
        return n;
    }();
    return names;
}

Status validateModelConfig(const ModelConfig& config, const fs::path& where) {
    try {
        validate(where, config);
        return Ok{};
    } catch (const ConfigError& e) {
        return makeError(e.message);
    }
}

Result<ModelConfig> loadModelConfig(const fs::path& modelDir) {
    const auto gguf = locateGgufModel(modelDir);
    if (!gguf) return gguf.error();
    if (*gguf) {
        auto files = gguf::openModelFiles(**gguf);
        if (!files) return files.error();
        return ggufModelConfig(*files);
    }
    try {
        const JsonFile cfg = *readJson(modelDir / "config.json", true);
        const auto generation = readJson(modelDir / "generation_config.json", false);

        ModelConfig c;
        c.architecture = parseArchitecture(cfg, c.architectureName);
        if (c.architecture == Architecture::ChatGlm) {
            parseChatGlm(cfg, c);
        } else {
            parseHfDecoder(cfg, c);
        }
        c.rope.interleaved = c.architecture == Architecture::Glm || c.architecture == Architecture::Glm4 ||
                             c.architecture == Architecture::ChatGlm;
        c.dtype = parseDType(cfg);

        // Stop on every end id any file names (vLLM#4182: Llama 3 and GLM-4 rely on the list).
        std::set<int> eos;
        for (int id : cfg.intListOr("eos_token_id")) eos.insert(id);
        if (generation)
            for (int id : generation->intListOr("eos_token_id")) eos.insert(id);
        c.eosTokenIds.assign(eos.begin(), eos.end());
        if (cfg.has("bos_token_id")) c.bosTokenId = cfg.requireInt("bos_token_id");

        validate(cfg.path(), c);
        return c;
    } catch (const ConfigError& e) {
        return makeError(e.message);
    }
}

}  // namespace pagoda
