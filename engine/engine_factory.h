// Everything needed to serve one model, loaded in the right order: model, tokenizer and
// chat template (both optional), an executor (CUDA when asked and usable, else the CPU) with
// its KV cache, and the engine. The CLI commands and the app's EngineHost share it.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/cache/kv_cache_sizing.h"
#include "engine/engine.h"
#include "engine/model/model.h"
#include "engine/sampling/sampling_params.h"
#include "engine/tokenizer/chat_template.h"
#include "engine/tokenizer/tokenizer.h"
#include "kernels/cpu/linear.h"

namespace pagoda {

// The arithmetic of the matrix products. Float32 is exact. BFloat16 rounds activations to bf16
// in the products of bf16 weights with 4 tokens or more (prefill, batches), as torch,
// llama.cpp and vLLM compute bf16 models. Auto is BFloat16 where the CPU kernels multiply
// packed bf16 weights (AVX512_BF16, AMX: 6x the f32 rate on AMX tiles, 64 tokens, Emerald
// Rapids) and Float32 elsewhere; decode-sized products stay exact either way.
enum class ComputeDtype { Auto, Float32, BFloat16 };

std::optional<ComputeDtype> parseComputeDtype(std::string_view name);  // auto, float32, bfloat16
cpu::Activations activationsFor(ComputeDtype dtype, const ModelConfig& config);

// Which executor runs the model. Auto and Cuda both fall back to the CPU, saying why, when
// CUDA cannot run here (the app's own `Backend` is the user's setting; this is the engine's).
enum class ExecutorBackend { Auto, Cpu, Cuda };

std::optional<ExecutorBackend> parseExecutorBackend(std::string_view name);  // auto, cpu, cuda
const char* executorBackendName(ExecutorBackend backend);

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
    ExecutorBackend backend = ExecutorBackend::Cpu;
    // vLLM's gpu_memory_utilization: the share of the card's memory Pagoda may hold (weights,
    // activations and KV cache); the CUDA KV cache is sized from it, kvCacheMemoryBytes is not.
    double gpuMemoryUtilization = 0.9;
    bool cudaGraphs = true;  // vLLM's --enforce-eager turns them off
    // Tests only: a driver library to probe instead of the system's libcuda.so.1, and where
    // libpagoda_cuda.so is when it is not beside the executable.
    std::string cudaDriverLibrary;
    std::filesystem::path cudaModuleDirectory;
};

struct LoadedEngine {
    std::shared_ptr<const Model> model;
    std::unique_ptr<Tokenizer> tokenizer;         // null when the directory has none
    std::optional<ChatTemplate> chatTemplate;     // unset when the model has none
    std::string chatTemplateProblem;              // why the model's own template cannot be used, if so
    SamplingParams defaults;                      // from generation_config.json
    KvCacheSizing cache;
    ExecutorBackend backend = ExecutorBackend::Cpu;  // what runs: Cpu or Cuda, never Auto
    std::string deviceName;                       // the GPU's name when backend is Cuda
    double devicePeakBandwidth = 0;               // its memory bandwidth in bytes/s (0: unknown)
    // Why CUDA was not used when it was asked for (Auto or Cuda), e.g. "no NVIDIA driver:
    // ..."; empty when the requested backend runs.
    std::string backendNote;
    std::unique_ptr<Engine> engine;               // declared last: it uses the tokenizer
};

// Loads on options.backend, falling back to the CPU with the reason in backendNote.
Result<LoadedEngine> loadEngine(const EngineOptions& options);

// Always the CPU, whatever options.backend says.
Result<LoadedEngine> loadCpuEngine(const EngineOptions& options);

}  // namespace pagoda
