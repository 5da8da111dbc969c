#include "engine/engine_factory.h"

#include "engine/executor/cpu/cpu_executor.h"

#include <fstream>
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
    return dtype == ComputeDtype::BFloat16 && config.dtype == DType::BF16 ? cpu::Activations::Bf16 : cpu::Activations::F32;
}

Result<LoadedEngine> loadCpuEngine(const EngineOptions& options) {
    LoadedEngine loaded;
    auto model = loadModel(options.modelDir, options.quantization);
    if (!model) return model.error();
    loaded.model = std::move(model).value();

    std::error_code ec;
    const bool hasTokenizer = std::filesystem::exists(options.modelDir / "tokenizer.json", ec) ||
                              std::filesystem::exists(options.modelDir / "tokenizer.model", ec);
    if (hasTokenizer) {
        auto tokenizer = loadTokenizer(options.modelDir);
        if (!tokenizer) return tokenizer.error();
        loaded.tokenizer = std::move(tokenizer).value();
        auto chatTemplate = loadChatTemplate(options.modelDir);
        if (chatTemplate) loaded.chatTemplate = std::move(chatTemplate).value();  // base models have none
    }
    if (!options.chatTemplateFile.empty()) {
        std::ifstream in(options.chatTemplateFile, std::ios::binary);
        if (!in) return makeError(fmt::format("cannot read chat template {}", options.chatTemplateFile));
        std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto chatTemplate = ChatTemplate::parse(std::move(source), options.chatTemplateFile.filename().string());
        if (!chatTemplate) return chatTemplate.error();
        loaded.chatTemplate = std::move(chatTemplate).value();
    }
    auto defaults = samplingDefaults(options.modelDir);
    if (!defaults) return defaults.error();
    loaded.defaults = std::move(defaults).value();

    constexpr int kBlockSize = 16;
    loaded.cache = sizeKvCache(loaded.model->config, options.kvCacheMemoryBytes, kBlockSize, options.maxModelLen,
                               sizeof(float));
    EngineConfig config;
    config.scheduler.maxNumSeqs = options.maxNumSeqs;
    // A step must be able to take at least one whole block, and never needs more than the cache.
    config.scheduler.maxNumBatchedTokens = std::max(options.maxNumBatchedTokens, kBlockSize);
    config.enablePrefixCaching = options.enablePrefixCaching;
    config.maxModelLen = loaded.cache.maxModelLen;
    auto executor = std::make_unique<CpuExecutor>(loaded.model,
                                                  CpuExecutorOptions{loaded.cache.numBlocks, kBlockSize, options.threads,
                                                                     activationsFor(options.computeDtype, loaded.model->config)});
    loaded.engine = std::make_unique<Engine>(std::move(executor), loaded.model->config, loaded.tokenizer.get(), config);
    return loaded;
}

}  // namespace pagoda
