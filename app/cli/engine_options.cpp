#include "app/cli/engine_options.h"

#include <cmath>

#include <fmt/format.h>

#include "app/cli/model_argument.h"

namespace pagoda::cli {

void addEngineOptions(QCommandLineParser& parser) {
    parser.addOptions({
        {"model", "A model folder, a .gguf file (the first part of a split one), or the name of a downloaded "
                  "model as `pagoda list` shows it (Qwen/Qwen2.5-0.5B-Instruct; Qwen/Qwen3-8B-GGUF:Q4_K_M for one "
                  "quantization of a GGUF repository).",
         "dir|file|id"},
        {"max-model-len", "Context length per sequence (default: the model's, lowered to what the KV cache holds).", "n"},
        {"max-num-seqs", "Sequences batched together (default 64).", "n", "64"},
        {"max-num-batched-tokens", "Token budget of one step; longer prompts are chunked (default 2048).", "n", "2048"},
        {{"kv-cache-memory-bytes", "kv-cache-memory"}, "Memory for the KV cache, e.g. 512M or 4G (default 1G).", "size",
         "1G"},
        {"chat-template", "A Jinja chat template file to use instead of the model's own.", "file"},
        {"dtype", "Compute dtype: float32 (exact products) or bfloat16 (for bf16 weights on AVX512_BF16 and AMX "
                  "CPUs, activations rounded to bf16 in prefill and batches); auto is bfloat16 where the CPU has "
                  "those, float32 elsewhere.",
         "dtype", "auto"},
        {"quantization", "none (weights as stored), int8 (one scale per row: about half the memory traffic of "
                         "bf16) or int4 (GGUF Q4_0 blocks: under a third); weight-only, converted at load, for 16-bit "
                         "safetensors models (GGUF files are already quantized).",
         "method", "none"},
        {"no-enable-prefix-caching", "Do not reuse the KV cache of shared prompt prefixes."},
        {"threads", "CPU threads (default: all cores).", "n", "0"},
        {"device", "auto (CUDA when a usable NVIDIA GPU and driver are present, else the CPU), cpu or cuda "
                   "(falls back to the CPU, saying why).", "device", "auto"},
        {"gpu-memory-utilization", "Share of the GPU's memory for weights, activations and KV cache, 0-1 "
                                   "(default 0.9, as vLLM).", "fraction", "0.9"},
        {"enforce-eager", "Do not capture CUDA graphs for decode steps."},
    });
}

Result<size_t> parseByteSize(const QString& text) {
    QString t = text.trimmed().toUpper();
    for (const char* suffix : {"IB", "B"})
        if (t.endsWith(suffix)) t.chop(int(strlen(suffix)));
    double scale = 1;
    if (t.endsWith('K')) scale = 1024.0;
    if (t.endsWith('M')) scale = 1024.0 * 1024;
    if (t.endsWith('G')) scale = 1024.0 * 1024 * 1024;
    if (scale > 1) t.chop(1);
    bool ok = false;
    const double value = t.toDouble(&ok);
    if (!ok || !(value > 0) || !std::isfinite(value))
        return makeError(fmt::format("'{}' is not a size; use e.g. 512M or 4G", text.toStdString()));
    return size_t(value * scale);
}

Result<EngineOptions> readEngineOptions(const QCommandLineParser& parser) {
    EngineOptions options;
    auto modelDir = resolveModelArgument(parser.value("model"));
    if (!modelDir) return modelDir.error();
    options.modelDir = *modelDir;
    auto intOption = [&](const char* name, int minimum, int& out) -> Status {
        if (!parser.isSet(name) && parser.value(name).isEmpty()) return Ok{};
        bool ok = false;
        const int v = parser.value(name).toInt(&ok);
        if (!ok || v < minimum) return makeError(fmt::format("--{} must be an integer of at least {}", name, minimum));
        out = v;
        return Ok{};
    };
    int threads = 0;
    for (auto status : {intOption("max-model-len", 1, options.maxModelLen), intOption("max-num-seqs", 1, options.maxNumSeqs),
                        intOption("max-num-batched-tokens", 1, options.maxNumBatchedTokens),
                        intOption("threads", 0, threads)})
        if (!status) return status.error();
    options.threads = size_t(threads);
    const auto quantization = parseQuantization(parser.value("quantization").toStdString());
    if (!quantization) return makeError(fmt::format("--quantization '{}': use none, int8 or int4", parser.value("quantization").toStdString()));
    options.quantization = *quantization;
    auto bytes = parseByteSize(parser.value("kv-cache-memory-bytes"));
    if (!bytes) return makeError("--kv-cache-memory-bytes: " + bytes.error().message);
    options.kvCacheMemoryBytes = *bytes;
    options.enablePrefixCaching = !parser.isSet("no-enable-prefix-caching");
    const auto dtype = parseComputeDtype(parser.value("dtype").toStdString());
    if (!dtype)
        return makeError(fmt::format("--dtype {}: use auto, float32 or bfloat16 (weights stay in their own dtype)",
                                     parser.value("dtype").toStdString()));
    options.computeDtype = *dtype;
    if (parser.isSet("chat-template")) options.chatTemplateFile = parser.value("chat-template").toStdString();
    const auto device = parseExecutorBackend(parser.value("device").toStdString());
    if (!device) return makeError(fmt::format("--device '{}': use auto, cpu or cuda", parser.value("device").toStdString()));
    options.backend = *device;
    bool ok = false;
    options.gpuMemoryUtilization = parser.value("gpu-memory-utilization").toDouble(&ok);
    if (!ok || !(options.gpuMemoryUtilization > 0) || options.gpuMemoryUtilization > 1)
        return makeError(fmt::format("--gpu-memory-utilization '{}': use a fraction in (0, 1], e.g. 0.9",
                                     parser.value("gpu-memory-utilization").toStdString()));
    options.cudaGraphs = !parser.isSet("enforce-eager");
    return options;
}

}  // namespace pagoda::cli
