// What the user sets for the engine in the app (backend, memory utilization, context,
// concurrency), the EngineOptions that follow from it for a model, and the honest estimate
// shown beside the slider: weights, KV cache and the longest context that fits.
#pragma once

#include <QString>
#include <QStringList>

#include "app/hub/local_model.h"
#include "engine/engine_factory.h"

namespace pagoda {

enum class Backend { Cpu, Cuda };

struct EngineSettings {
    Backend backend = Backend::Cpu;
    // vLLM's gpu_memory_utilization; on the CPU the fraction of physical memory Pagoda
    // may use for weights + KV cache + overhead.
    double memoryUtilization = 0.6;
    int maxModelLen = 0;   // 0: as long as the model allows and memory holds
    int maxNumSeqs = 16;
    // How a 16-bit checkpoint is held on the CPU: as stored, or converted at load to int8 or
    // int4 (`--quantization`). GGUF models are already quantized, and CUDA computes in 16
    // bits: for both the engine gets None (engineOptionsFor).
    Quantization quantization = Quantization::None;
    bool operator==(const EngineSettings&) const = default;
};

// Whether CUDA can run here, and if not, why (for the backend choice and the welcome page).
struct BackendAvailability {
    bool cuda = false;
    QString cudaReason;  // "no NVIDIA driver", "the CUDA backend is not built in", ...
    QString gpuName;            // device 0, when cuda
    qint64 gpuMemoryBytes = 0;  // its memory, when cuda and the driver says
};
BackendAvailability detectBackends();

struct EngineEstimate {
    qint64 budgetBytes = 0;     // utilization x total memory
    qint64 weightBytes = 0;
    qint64 overheadBytes = 0;
    qint64 kvCacheBytes = 0;    // what is left for the KV pool (0 when weights do not fit)
    int kvTokens = 0;           // tokens the pool holds, whole blocks
    int maxContext = 0;         // min(model max, kvTokens, settings.maxModelLen when set)
    int fullLengthSequences = 0;  // sequences of maxContext tokens the pool holds at once
    // The budget the pool leaves to the system because maxNumSeqs sequences at full length
    // cannot use more (the pool stops there); 0 when the budget, not the sequences, is the limit.
    qint64 unusedBytes = 0;
    bool fits = false;
    QString summary;            // one line for the UI, e.g. "weights 1.2 GiB · KV 2.3 GiB · 65,536 tokens"
};

// totalMemoryBytes: physical memory (hub::totalMemoryBytes) or the card's memory (CUDA).
EngineEstimate estimateEngine(const hub::ModelShape& shape, const EngineSettings& settings, qint64 totalMemoryBytes);

// The memory share a profile that never chose one starts with. CUDA: vLLM's 0.9 (the card is
// the engine's). CPU: what is free now less a reserve for the desktop (a tenth of the memory,
// at least 1 GiB), as a share of the total, rounded down to 5 % and kept within 10-90 %; 0.6
// when either figure is unknown (<= 0). AppSettings falls back to it while the profile stores
// no share, so a fresh profile follows the machine rather than a fixed 60 %.
double defaultMemoryUtilization(Backend backend, qint64 totalBytes, qint64 availableBytes);

// The memory a model may use under these settings: what is free now, but no more than the
// utilization allows. The "fits / tight / won't fit" labels judge against this, so a model
// called "fits" also gets a useful KV cache when loaded with the same settings.
qint64 memoryForModels(const EngineSettings& settings);

// What utilization is a share of: the card's memory on CUDA (when the driver reports it),
// else physical memory.
qint64 backendMemoryBytes(const EngineSettings& settings);

// A GGUF model (a .gguf file, or a folder holding one model's .gguf files): the
// quantization setting does not apply to it.
bool isGgufModel(const hub::LocalModel& model);

// The quantization the engine gets for this model: the setting for a 16-bit model on the
// CPU, None for a GGUF model or on CUDA.
Quantization effectiveQuantization(const hub::LocalModel& model, const EngineSettings& settings);

// The model as the engine will hold it: a 16-bit model's weights shrink to what int8 (one
// byte per weight) or int4 (Q4_0 blocks, 4.5 bits per weight) makes of them. Approximate:
// the embedding stays 16-bit, but only the rows in use are read from the mapped file.
hub::ModelShape shapeAsLoaded(const hub::LocalModel& model, const EngineSettings& settings);

EngineOptions engineOptionsFor(const hub::LocalModel& model, const EngineSettings& settings,
                               qint64 totalMemoryBytes);

}  // namespace pagoda
