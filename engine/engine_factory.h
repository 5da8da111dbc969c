// Everything needed to serve one model on the CPU, loaded in the right order: model,
// tokenizer and chat template (both optional), a KV cache sized from a byte budget, and
// the engine. The CLI commands and the app's EngineHost share it.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "engine/cache/kv_cache_sizing.h"
#include "engine/engine.h"
#include "engine/model/model.h"
#include "engine/sampling/sampling_params.h"
#include "engine/tokenizer/chat_template.h"
#include "engine/tokenizer/tokenizer.h"
#include "kernels/cpu/linear.h"

namespace pagoda {

// The arithmetic of the matrix products. Auto is float32, exact: on the CPUs measured so far
// (Sapphire Rapids), vdpbf16ps runs at the rate of the f32 FMAs it replaces, so rounding
// activations to bf16 bought 2% at most. BFloat16 asks for it anyway.
enum class ComputeDtype { Auto, Float32, BFloat16 };

std::optional<ComputeDtype> parseComputeDtype(std::string_view name);  // auto, float32, bfloat16
cpu::Activations activationsFor(ComputeDtype dtype, const ModelConfig& config);

struct EngineOptions {
    std::filesystem::path modelDir;
    size_t kvCacheMemoryBytes = size_t(1) << 30;
    int maxModelLen = 0;  // 0: the model's context, lowered to what the cache holds
    int maxNumSeqs = 64;
    int maxNumBatchedTokens = 2048;
    bool enablePrefixCaching = true;
    size_t threads = 0;  // 0: all cores
    std::filesystem::path chatTemplateFile;  // overrides the model's template when set
    Quantization quantization = Quantization::None;
    ComputeDtype computeDtype = ComputeDtype::Auto;
};

struct LoadedEngine {
    std::shared_ptr<const Model> model;
    std::unique_ptr<Tokenizer> tokenizer;         // null when the directory has none
    std::optional<ChatTemplate> chatTemplate;     // unset when the model has none
    SamplingParams defaults;                      // from generation_config.json
    KvCacheSizing cache;
    std::unique_ptr<Engine> engine;               // declared last: it uses the tokenizer
};

Result<LoadedEngine> loadCpuEngine(const EngineOptions& options);

}  // namespace pagoda
