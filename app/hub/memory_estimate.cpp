#include "app/hub/memory_estimate.h"

#include <algorithm>
#include <climits>

#include <QFile>

#if __has_include(<unistd.h>)
#include <unistd.h>
#endif

namespace pagoda::hub {

namespace {

// EngineOptions' defaults (engine/engine_factory.h): the most tokens one step computes
// and the most sequences that each need a row of logits.
constexpr qint64 kScratchTokens = 2048;
constexpr qint64 kScratchLogits = 64;

qint64 kvBytesPerToken(const ModelShape& shape, int bytesPerElement) {
    // K and V, every layer (kv_cache_sizing.cpp).
    return qint64(shape.numLayers) * 2 * shape.numKvHeads * shape.headDim * bytesPerElement;
}

int effectiveContext(const ModelShape& shape, int requested) {
    if (requested <= 0) return shape.maxContext;
    return shape.maxContext > 0 ? std::min(requested, shape.maxContext) : requested;
}

qint64 roundUpToBlock(qint64 tokens) { return (tokens + kKvBlockTokens - 1) / kKvBlockTokens * kKvBlockTokens; }

// The most total bytes a verdict allows. Integer arithmetic so that maxContextFor and
// estimateMemory agree to the byte on where the thresholds lie.
qint64 limitFor(Fit fit, qint64 availableBytes) {
    return fit == Fit::Fits ? availableBytes / 5 * 4 + availableBytes % 5 * 4 / 5 : availableBytes;
}

}  // namespace

ModelShape modelShape(const ModelConfig& config, qint64 weightBytes) {
    return {config.numLayers, config.numKvHeads,  config.headDim, config.hiddenSize, config.intermediateSize,
            config.vocabSize, weightBytes, config.maxPositionEmbeddings};
}

QString fitLabel(Fit fit) {
    switch (fit) {
        case Fit::Fits: return "fits";
        case Fit::Tight: return "tight";
        case Fit::WontFit: return "won't fit";
        case Fit::Unknown: break;
    }
    return "unknown";
}

qint64 overheadBytes(const ModelShape& shape) {
    // CpuExecutor::reserve's f32 buffers: hidden, normed, proj (H each); q and attention
    // output (taken as H wide, exact for most models); k, v; gate, up, act (I each); then
    // the last hidden rows and logits of every sequence.
    const qint64 h = shape.hiddenSize, kv = qint64(shape.numKvHeads) * shape.headDim, i = shape.intermediateSize;
    const qint64 perToken = 3 * h + 2 * h + 2 * kv + 3 * i;
    const qint64 scratch = (kScratchTokens * perToken + kScratchLogits * (h + shape.vocabSize)) * 4;
    return kFixedOverheadBytes + scratch;
}

MemoryEstimate estimateMemory(const ModelShape& shape, int contextTokens, qint64 availableBytes,
                              int kvBytesPerElement) {
    MemoryEstimate e;
    e.contextTokens = effectiveContext(shape, contextTokens);
    e.weightBytes = shape.weightBytes;
    e.kvBytesPerToken = kvBytesPerToken(shape, kvBytesPerElement);
    e.kvBytes = roundUpToBlock(e.contextTokens) * e.kvBytesPerToken;
    e.overheadBytes = overheadBytes(shape);
    e.totalBytes = e.weightBytes + e.kvBytes + e.overheadBytes;
    e.availableBytes = availableBytes;
    if (availableBytes <= 0) {
        e.fit = Fit::Unknown;
    } else if (e.totalBytes <= limitFor(Fit::Fits, availableBytes)) {
        e.fit = Fit::Fits;
    } else if (e.totalBytes <= limitFor(Fit::Tight, availableBytes)) {
        e.fit = Fit::Tight;
    } else {
        e.fit = Fit::WontFit;
    }
    return e;
}

int maxContextFor(const ModelShape& shape, qint64 availableBytes, Fit worstAccepted, int kvBytesPerElement) {
    if (availableBytes <= 0) return shape.maxContext;
    const Fit verdict = worstAccepted == Fit::Fits ? Fit::Fits : Fit::Tight;
    const qint64 budget = limitFor(verdict, availableBytes) - shape.weightBytes - overheadBytes(shape);
    const qint64 perBlock = kvBytesPerToken(shape, kvBytesPerElement) * kKvBlockTokens;
    if (budget < perBlock || perBlock <= 0) return 0;
    const qint64 tokens = budget / perBlock * kKvBlockTokens;
    return int(shape.maxContext > 0 ? std::min<qint64>(tokens, shape.maxContext) : std::min<qint64>(tokens, INT_MAX));
}

namespace {

// A /proc/meminfo field in bytes ("MemAvailable:   12345678 kB"); 0 when absent.
qint64 meminfoBytes(const QByteArray& field) {
    QFile meminfo("/proc/meminfo");
    if (!meminfo.open(QIODevice::ReadOnly)) return 0;
    for (QByteArray line = meminfo.readLine(); !line.isEmpty(); line = meminfo.readLine()) {
        if (!line.startsWith(field + ':')) continue;
        const QList<QByteArray> fields = line.simplified().split(' ');
        bool ok = false;
        const qint64 kib = fields.size() >= 2 ? fields[1].toLongLong(&ok) : 0;
        return ok && kib > 0 ? kib * 1024 : 0;
    }
    return 0;
}

}  // namespace

qint64 availableMemoryBytes() {
    if (const qint64 bytes = meminfoBytes("MemAvailable")) return bytes;
#if defined(_SC_AVPHYS_PAGES) && defined(_SC_PAGESIZE)
    const long pages = sysconf(_SC_AVPHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0) return qint64(pages) * pageSize;
#elif defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0) return qint64(pages) * pageSize;
#endif
    return 0;
}

qint64 totalMemoryBytes() {
    if (const qint64 bytes = meminfoBytes("MemTotal")) return bytes;
#if defined(_SC_PHYS_PAGES) && defined(_SC_PAGESIZE)
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0) return qint64(pages) * pageSize;
#endif
    return 0;
}

}  // namespace pagoda::hub
