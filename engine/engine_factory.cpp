#include "engine/engine_factory.h"

#include "engine/common/mapped_file.h"
#include "engine/executor/cpu/cpu_executor.h"
#include "engine/executor/cuda/cuda_module.h"
#include "engine/executor/cuda/cuda_probe.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>
#include <fmt/std.h>

namespace pagoda {

std::optional<ComputeDtype> parseComputeDtype(std::string_view name) {
    if (name == "auto") return ComputeDtype::Auto;
    if (name == "float32") return ComputeDtype::Float32;
    if (name == "bfloat16") return ComputeDtype::BFloat16;
    return std::nullopt;
}

cpu::Activations activationsFor(ComputeDtype dtype, const ModelConfig& config) {
    // Only bf16 weights have a bf16 path; for the rest the request changes nothing.
    const bool bf16 = dtype == ComputeDtype::BFloat16 || (dtype == ComputeDtype::Auto && cpu::packedBf16Supported());
    return bf16 && config.dtype == DType::BF16 ? cpu::Activations::Bf16 : cpu::Activations::F32;
}

std::optional<ExecutorBackend> parseExecutorBackend(std::string_view name) {
    if (name == "auto") return ExecutorBackend::Auto;
    if (name == "cpu") return ExecutorBackend::Cpu;
    if (name == "cuda") return ExecutorBackend::Cuda;
    return std::nullopt;
}

const char* executorBackendName(ExecutorBackend backend) {
    switch (backend) {
        case ExecutorBackend::Auto: return "auto";
        case ExecutorBackend::Cpu: return "cpu";
        case ExecutorBackend::Cuda: return "cuda";
    }
    return "?";
}

namespace {

constexpr int kBlockSize = 16;

// Model, tokenizer, chat template and sampling defaults: the same for every backend.
Status loadModelParts(const EngineOptions& options, LoadedEngine& loaded) {
    auto model = loadModel(options.modelDir, options.quantization);
    if (!model) return model.error();
    loaded.model = std::move(model).value();

    std::error_code ec;
    // A GGUF model carries its tokenizer and chat template in its metadata.
    const bool hasTokenizer = !loaded.model->ggufFiles.empty() ||
                              std::filesystem::exists(options.modelDir / "tokenizer.json", ec) ||
                              std::filesystem::exists(options.modelDir / "tokenizer.model", ec);
    if (hasTokenizer) {
        auto tokenizer = loadTokenizer(options.modelDir);
        if (!tokenizer) return tokenizer.error();
        loaded.tokenizer = std::move(tokenizer).value();
    }
    if (!options.chatTemplateFile.empty()) {  // replaces the model's own, which is not read
        auto source = readRegularFile(options.chatTemplateFile);
        if (!source) return makeError(fmt::format("cannot read chat template: {}", source.error().message));
        auto chatTemplate = ChatTemplate::parse(std::move(*source), options.chatTemplateFile.filename().string());
        if (!chatTemplate) return chatTemplate.error();
        loaded.chatTemplate = std::move(chatTemplate).value();
    } else if (hasTokenizer) {
        auto chatTemplate = loadChatTemplate(options.modelDir);  // base models have none
        if (chatTemplate)
            loaded.chatTemplate = std::move(chatTemplate).value();
        else
            loaded.chatTemplateProblem = chatTemplate.error().message;
    }
    auto defaults = samplingDefaults(options.modelDir);
    if (!defaults) return defaults.error();
    loaded.defaults = std::move(defaults).value();
    return Ok{};
}

EngineConfig engineConfig(const EngineOptions& options, int maxModelLen) {
    EngineConfig config;
    config.scheduler.maxNumSeqs = options.maxNumSeqs;
    // A step must be able to take at least one whole block, and never needs more than the cache.
    config.scheduler.maxNumBatchedTokens = std::max(options.maxNumBatchedTokens, kBlockSize);
    config.enablePrefixCaching = options.enablePrefixCaching;
    config.maxModelLen = maxModelLen;
    return config;
}

void startCpu(const EngineOptions& options, LoadedEngine& loaded) {
    loaded.backend = ExecutorBackend::Cpu;
    loaded.cache = sizeKvCache(loaded.model->config, options.kvCacheMemoryBytes, kBlockSize, options.maxModelLen,
                               sizeof(float));
    auto executor = std::make_unique<CpuExecutor>(loaded.model,
                                                  CpuExecutorOptions{loaded.cache.numBlocks, kBlockSize, options.threads,
                                                                     activationsFor(options.computeDtype, loaded.model->config)});
    loaded.engine = std::make_unique<Engine>(std::move(executor), loaded.model->config, loaded.tokenizer.get(),
                                             engineConfig(options, loaded.cache.maxModelLen));
}

// Starts the CUDA executor, or returns why it cannot run here ("no NVIDIA driver: ...").
Result<Ok> startCuda(const EngineOptions& options, LoadedEngine& loaded) {
    const auto probeDriver = [&] {
        return options.cudaDriverLibrary.empty() ? cuda::probeCudaDriver()
                                                 : cuda::probeCudaDriver(options.cudaDriverLibrary);
    };
#ifndef PAGODA_HAS_CUDA
    (void)loaded;
    // Auto where no driver exists would not have used CUDA in any build: that reason, which
    // is the ordinary CPU machine's. Where a driver answers, or CUDA was asked for, the user
    // learns that this build lacks the backend.
    if (options.backend == ExecutorBackend::Auto) {
        const auto probe = probeDriver();
        if (probe.reason.rfind("no NVIDIA driver", 0) == 0) return makeError(probe.reason);
    }
    return makeError("the CUDA backend was not built: this build was configured without CUDA (PAGODA_CUDA=OFF)");
#else
    const auto probe = probeDriver();
    if (!probe.usable) return makeError(probe.reason);
    const cuda::CudaModule module = cuda::loadCudaModule(options.cudaModuleDirectory);
    if (!module.create) return makeError(module.reason);

    cuda::CudaExecutorConfig config;
    config.model = loaded.model;
    config.gpuMemoryUtilization = options.gpuMemoryUtilization;
    config.blockSize = kBlockSize;
    config.maxNumSeqs = options.maxNumSeqs;
    config.maxNumBatchedTokens = std::max(options.maxNumBatchedTokens, kBlockSize);
    config.maxModelLen = options.maxModelLen;
    config.cudaGraphs = options.cudaGraphs;
    cuda::CudaExecutorStart start;
    module.create(config, start);
    if (!start.executor) return makeError(start.error.empty() ? "the CUDA executor did not start" : start.error);
    loaded.backend = ExecutorBackend::Cuda;
    loaded.deviceName = start.deviceName;
    loaded.devicePeakBandwidth = start.peakBandwidth;
    loaded.cache = start.cache;
    loaded.engine = std::make_unique<Engine>(std::move(start.executor), loaded.model->config, loaded.tokenizer.get(),
                                             engineConfig(options, loaded.cache.maxModelLen));
    return Ok{};
#endif
}

}  // namespace

Result<LoadedEngine> loadEngine(const EngineOptions& options) {
    LoadedEngine loaded;
    if (auto parts = loadModelParts(options, loaded); !parts) return parts.error();
    if (options.backend != ExecutorBackend::Cpu && hasBlockWeights(*loaded.model)) {
        // The CUDA backend has no kernels for GGUF's block formats yet; say so only where a
        // GPU could have been used.
        const auto probe = options.cudaDriverLibrary.empty() ? cuda::probeCudaDriver()
                                                             : cuda::probeCudaDriver(options.cudaDriverLibrary);
        if (probe.usable || options.backend == ExecutorBackend::Cuda)
            loaded.backendNote = "CUDA is not used (the CUDA backend does not compute on GGUF's quantized blocks "
                                 "yet); running on the CPU";
    } else if (options.backend != ExecutorBackend::Cpu) {
        auto cuda = startCuda(options, loaded);
        if (cuda) return loaded;
        // Auto on a machine with no NVIDIA driver at all is the ordinary CPU case, not news;
        // every other reason (an old driver, a missing module, out of memory) is worth a line.
        const bool ordinaryCpuMachine = options.backend == ExecutorBackend::Auto &&
                                        cuda.error().message.rfind("no NVIDIA driver", 0) == 0;
        if (!ordinaryCpuMachine)
            loaded.backendNote = fmt::format("CUDA is not used ({}); running on the CPU", cuda.error().message);
    }
    startCpu(options, loaded);
    return loaded;
}

Result<LoadedEngine> loadCpuEngine(const EngineOptions& options) {
    EngineOptions cpu = options;
    cpu.backend = ExecutorBackend::Cpu;
    return loadEngine(cpu);
}

}  // namespace pagoda
