#include "app/host/engine_settings.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include <QCoreApplication>
#include <QFile>
#include <QLocale>

#include "app/hub/hub_types.h"
#include "app/hub/memory_estimate.h"
#include "engine/executor/cuda/cuda_module.h"
#include "engine/executor/cuda/cuda_probe.h"
#include "engine/model/gguf_locate.h"


namespace pagoda {

namespace {

// The CPU executor's cache is f32 (engine_factory.cpp sizes it with sizeof(float)).
constexpr int kKvBytesPerElement = 4;

// Taken from the hub's estimate rather than derived again, so the model browser's badge,
// this slider and sizeKvCache all count the same bytes.
qint64 kvBytesPerToken(const hub::ModelShape& shape, Backend backend) {
    // The CUDA cache holds the weights' 16-bit dtype; the CPU cache is f32.
    const int bytesPerElement = backend == Backend::Cuda ? 2 : kKvBytesPerElement;
    return hub::estimateMemory(shape, 1, 0, bytesPerElement).kvBytesPerToken;
}

QString groupedNumber(qint64 n) { return QLocale(QLocale::English).toString(n); }

}  // namespace

// The probe's reason starts with its category; the category is translated, the details
// (version numbers) are not.
QString translatedCudaReason(const std::string& reason) {
    const QString text = QString::fromStdString(reason);
    const qsizetype colon = text.indexOf(':');
    const QString category = colon < 0 ? text : text.left(colon);
    const QString details = colon < 0 ? QString() : text.mid(colon);
    // Which library failed to open means nothing to a user on a machine without an NVIDIA card.
    if (category == "no NVIDIA driver") return QCoreApplication::translate("pagoda::Backends", "no NVIDIA driver");
    if (category == "driver too old") return QCoreApplication::translate("pagoda::Backends", "NVIDIA driver too old") + details;
    if (category == "no CUDA device") return QCoreApplication::translate("pagoda::Backends", "no CUDA device") + details;
    return text;
}

BackendAvailability detectBackends() {
    BackendAvailability availability;
    // The driver answers first (a dlopen and a few calls, no CUDA context); the module is
    // only looked for, the engine opens it when a model loads. Asked once per run: cuInit can
    // take a few hundred milliseconds, and the hardware does not change under a running app.
    static const cuda::CudaProbe probe = cuda::probeCudaDriver();
    if (!probe.usable) {
        availability.cudaReason = translatedCudaReason(probe.reason);
        return availability;
    }
    if (!QFile::exists(QCoreApplication::applicationDirPath() + '/' + cuda::kModuleFileName)) {
        availability.cudaReason = QCoreApplication::translate("pagoda::Backends", "the CUDA backend is not part of this build");
        return availability;
    }
    availability.cuda = true;
    availability.gpuName = QString::fromStdString(probe.deviceName);
    availability.gpuMemoryBytes = probe.deviceMemoryBytes;
    return availability;
}

EngineEstimate estimateEngine(const hub::ModelShape& shape, const EngineSettings& settings, qint64 totalMemoryBytes) {
    EngineEstimate e;
    e.budgetBytes = qint64(settings.memoryUtilization * double(std::max<qint64>(0, totalMemoryBytes)));
    e.weightBytes = shape.weightBytes;
    e.overheadBytes = hub::overheadBytes(shape);
    e.kvCacheBytes = std::max<qint64>(0, e.budgetBytes - e.weightBytes - e.overheadBytes);
    const qint64 perToken = kvBytesPerToken(shape, settings.backend);
    qint64 blocks = perToken > 0 ? e.kvCacheBytes / (perToken * hub::kKvBlockTokens) : 0;
    // More than max_num_seqs sequences at full length can ever hold buys nothing: the pool
    // stops there, and the rest of the budget stays with the system.
    int longest = shape.maxContext;
    if (settings.maxModelLen > 0) longest = longest > 0 ? std::min(longest, settings.maxModelLen) : settings.maxModelLen;
    if (longest > 0 && settings.maxNumSeqs > 0) {
        const qint64 usefulBlocks = (qint64(settings.maxNumSeqs) * longest + hub::kKvBlockTokens - 1) / hub::kKvBlockTokens;
        if (blocks > usefulBlocks) {
            blocks = usefulBlocks;
            const qint64 used = blocks * perToken * hub::kKvBlockTokens;
            e.unusedBytes = e.kvCacheBytes - used;
            e.kvCacheBytes = used;
        }
    }
    e.kvTokens = int(std::min<qint64>(blocks, INT_MAX / hub::kKvBlockTokens) * hub::kKvBlockTokens);
    e.fits = e.kvTokens >= hub::kKvBlockTokens;
    e.maxContext = e.kvTokens;
    if (shape.maxContext > 0) e.maxContext = std::min(e.maxContext, shape.maxContext);
    if (settings.maxModelLen > 0) e.maxContext = std::min(e.maxContext, settings.maxModelLen);
    if (e.maxContext > 0) e.fullLengthSequences = e.kvTokens / e.maxContext;
    if (e.fits) {
        e.summary = QStringLiteral("weights %1 · KV cache %2 (%3 tokens) · max context %4 tokens")
                        .arg(hub::formatBytes(e.weightBytes), hub::formatBytes(e.kvCacheBytes),
                             groupedNumber(e.kvTokens), groupedNumber(e.maxContext));
    } else {
        e.summary = QStringLiteral("weights %1 + overhead %2 leave no room for a KV cache in a budget of %3")
                        .arg(hub::formatBytes(e.weightBytes), hub::formatBytes(e.overheadBytes),
                             hub::formatBytes(e.budgetBytes));
    }
    return e;
}

double defaultMemoryUtilization(Backend backend, qint64 totalBytes, qint64 availableBytes) {
    if (backend == Backend::Cuda) return 0.9;
    if (totalBytes <= 0 || availableBytes <= 0) return EngineSettings{}.memoryUtilization;
    const qint64 reserve = std::max(qint64(1) << 30, totalBytes / 10);
    const double share = double(std::min(availableBytes, totalBytes) - reserve) / double(totalBytes);
    const int percent = int(std::floor(share * 20)) * 5;  // down to a multiple of 5 %
    return std::clamp(percent, 10, 90) / 100.0;
}

bool isGgufModel(const hub::LocalModel& model) {
    const auto gguf = locateGgufModel(QFile::encodeName(model.folder).toStdString());
    return gguf && gguf->has_value();
}

Quantization effectiveQuantization(const hub::LocalModel& model, const EngineSettings& settings) {
    // The engine refuses --quantization for a GGUF file, which is quantized already.
    if (settings.quantization == Quantization::None || settings.backend == Backend::Cuda || isGgufModel(model))
        return Quantization::None;
    return settings.quantization;
}

hub::ModelShape shapeAsLoaded(const hub::LocalModel& model, const EngineSettings& settings) {
    hub::ModelShape shape = model.shape;
    // Per weight: int8 one byte (and a scale per row), int4 a Q4_0 block's 18 bytes per 32.
    const qint64 weights = model.parameters > 0 ? model.parameters : shape.weightBytes / 2;
    switch (effectiveQuantization(model, settings)) {
    case Quantization::None: break;
    case Quantization::Int8: shape.weightBytes = std::min(shape.weightBytes, weights); break;
    case Quantization::Int4: shape.weightBytes = std::min(shape.weightBytes, weights * 18 / 32); break;
    }
    return shape;
}

EngineOptions engineOptionsFor(const hub::LocalModel& model, const EngineSettings& settings, qint64 totalMemoryBytes) {
    const hub::ModelShape shape = shapeAsLoaded(model, settings);
    const EngineEstimate estimate = estimateEngine(shape, settings, totalMemoryBytes);
    EngineOptions options;
    options.modelDir = QFile::encodeName(model.folder).toStdString();
    options.quantization = effectiveQuantization(model, settings);
    // At least one block even when the estimate says nothing fits: the engine then starts
    // with a tiny pool and lowers max_model_len itself, with a note that says why, which
    // tells the user more than a refusal would.
    const qint64 oneBlock = kvBytesPerToken(shape, settings.backend) * hub::kKvBlockTokens;
    options.kvCacheMemoryBytes = size_t(std::max(estimate.kvCacheBytes, oneBlock));
    options.maxModelLen = settings.maxModelLen;
    options.maxNumSeqs = settings.maxNumSeqs;
    // The same slider is vLLM's gpu_memory_utilization on CUDA; the CUDA executor sizes its
    // KV pool from the card after loading, so kvCacheMemoryBytes matters only on the CPU.
    options.backend = settings.backend == Backend::Cuda ? ExecutorBackend::Cuda : ExecutorBackend::Cpu;
    options.gpuMemoryUtilization = settings.memoryUtilization;
    return options;
}

qint64 backendMemoryBytes(const EngineSettings& settings) {
    if (settings.backend == Backend::Cuda)
        if (const qint64 card = detectBackends().gpuMemoryBytes; card > 0) return card;
    return hub::totalMemoryBytes();
}

qint64 memoryForModels(const EngineSettings& settings) {
    const qint64 budget = qint64(settings.memoryUtilization * double(backendMemoryBytes(settings)));
    if (settings.backend == Backend::Cuda) return budget;  // the card's, not what the CPU has free
    const qint64 available = hub::availableMemoryBytes();
    if (available <= 0) return budget;
    return budget > 0 ? std::min(available, budget) : available;
}

}  // namespace pagoda
