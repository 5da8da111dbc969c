#include "engine/executor/cuda/cuda_plan.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace pagoda::cuda {

namespace {

// cudaMalloc returns 256-byte aligned memory; keeping each field at that alignment lets the
// kernels use vector loads on any of them.
constexpr size_t kAlign = 256;

size_t alignUp(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

double mib(size_t bytes) { return double(bytes) / double(1 << 20); }

}  // namespace

std::vector<int> graphBatchSizes(int maxNumSeqs) {
    std::vector<int> sizes;
    for (int size = 1; size <= kMaxGraphBatch; size *= 2) {
        sizes.push_back(size);
        if (size >= maxNumSeqs) break;
    }
    return sizes;
}

int graphBatchFor(int numSeqs, std::span<const int> sizes) {
    for (int size : sizes)
        if (size >= numSeqs) return size;
    return 0;
}

StepLimits stepLimits(int maxNumBatchedTokens, int maxNumSeqs, int maxModelLen, int blockSize) {
    StepLimits limits;
    const std::vector<int> graphs = graphBatchSizes(maxNumSeqs);
    // A padded graph batch can exceed max_num_seqs (48 sequences replay the 64 graph).
    limits.maxSeqs = std::max(maxNumSeqs, graphs.empty() ? 0 : graphs.back());
    limits.maxTokens = std::max(maxNumBatchedTokens, limits.maxSeqs);
    limits.maxBlocksPerSeq = std::max(1, (maxModelLen + blockSize - 1) / blockSize);
    // One row per sequence covers every step that asks for last-token logits only.
    limits.maxLogitRows = limits.maxSeqs;
    return limits;
}

StepMetadataLayout stepMetadataLayout(const StepLimits& limits) {
    StepMetadataLayout layout;
    size_t at = 0;
    auto place = [&](size_t& field, size_t bytes) {
        field = at;
        at += alignUp(bytes);
    };
    const size_t tokens = size_t(limits.maxTokens), seqs = size_t(limits.maxSeqs);
    place(layout.tokenIds, tokens * sizeof(int32_t));
    place(layout.positions, tokens * sizeof(int32_t));
    place(layout.slotMapping, tokens * sizeof(int64_t));
    place(layout.blockTables, seqs * size_t(limits.maxBlocksPerSeq) * sizeof(int32_t));
    place(layout.contextLens, seqs * sizeof(int32_t));
    place(layout.querySeqStart, (seqs + 1) * sizeof(int32_t));
    place(layout.logitsIndices, tokens * sizeof(int32_t));
    layout.totalBytes = at;
    return layout;
}

Status packStepMetadata(const Batch& batch, const StepLimits& limits, const StepMetadataLayout& layout,
                        int paddedSeqs, std::byte* host) {
    const size_t numSeqs = batch.numSequences(), numTokens = batch.numTokens();
    const size_t padded = std::max(size_t(std::max(paddedSeqs, 0)), numSeqs);
    if (padded > numSeqs && numTokens != numSeqs)
        return makeError(fmt::format("packStepMetadata: only decode steps are padded ({} tokens, {} sequences)",
                                     numTokens, numSeqs));
    const size_t paddedTokens = numTokens + (padded - numSeqs);
    if (paddedTokens > size_t(limits.maxTokens) || padded > size_t(limits.maxSeqs))
        return makeError(fmt::format("step of {} tokens and {} sequences exceeds the CUDA buffers ({} tokens, {} "
                                     "sequences)", paddedTokens, padded, limits.maxTokens, limits.maxSeqs));
    if (batch.blockTableStride > size_t(limits.maxBlocksPerSeq))
        return makeError(fmt::format("step's block tables have {} blocks per sequence, the CUDA buffers hold {}",
                                     batch.blockTableStride, limits.maxBlocksPerSeq));

    auto* tokenIds = reinterpret_cast<int32_t*>(host + layout.tokenIds);
    auto* positions = reinterpret_cast<int32_t*>(host + layout.positions);
    auto* slots = reinterpret_cast<int64_t*>(host + layout.slotMapping);
    auto* tables = reinterpret_cast<int32_t*>(host + layout.blockTables);
    auto* contextLens = reinterpret_cast<int32_t*>(host + layout.contextLens);
    auto* seqStart = reinterpret_cast<int32_t*>(host + layout.querySeqStart);
    auto* logitsIndices = reinterpret_cast<int32_t*>(host + layout.logitsIndices);

    std::copy(batch.tokenIds.begin(), batch.tokenIds.end(), tokenIds);
    std::copy(batch.positions.begin(), batch.positions.end(), positions);
    std::copy(batch.slotMapping.begin(), batch.slotMapping.end(), slots);
    std::copy(batch.contextLens.begin(), batch.contextLens.end(), contextLens);
    std::copy(batch.querySeqStart.begin(), batch.querySeqStart.end(), seqStart);
    std::copy(batch.logitsIndices.begin(), batch.logitsIndices.end(), logitsIndices);
    const size_t stride = size_t(limits.maxBlocksPerSeq);
    std::memset(tables, 0, padded * stride * sizeof(int32_t));
    for (size_t s = 0; s < numSeqs; ++s)
        for (size_t b = 0; b < batch.blockTableStride; ++b)
            tables[s * stride + b] = std::max(0, batch.blockTables[s * batch.blockTableStride + b]);

    for (size_t i = numTokens; i < paddedTokens; ++i) {
        tokenIds[i] = 0;
        positions[i] = 0;
        slots[i] = -1;
    }
    if (numSeqs == 0) seqStart[0] = 0;
    for (size_t s = numSeqs; s < padded; ++s) {
        contextLens[s] = 1;
        seqStart[s + 1] = int32_t(numTokens + (s - numSeqs) + 1);
    }
    // A padded graph computes a logits row per padded sequence; the extras read row 0.
    if (paddedSeqs > 0)
        for (size_t i = batch.logitsIndices.size(); i < padded; ++i) logitsIndices[i] = 0;
    return Ok{};
}

size_t ActivationSizes::totalBytes(size_t activationBytes) const {
    return 4 * (3 * hidden + qkv + gateUp + 2 * lastHidden + logits) +
           activationBytes * (normed + attnOut + act + lastHidden);
}

ActivationSizes activationSizes(const ModelConfig& c, const StepLimits& limits) {
    ActivationSizes sizes;
    const size_t T = size_t(limits.maxTokens), H = size_t(c.hiddenSize), I = size_t(c.intermediateSize);
    const size_t qWidth = size_t(c.numHeads) * size_t(c.headDim), kvWidth = size_t(c.numKvHeads) * size_t(c.headDim);
    sizes.hidden = T * H;
    sizes.normed = T * H;
    sizes.qkv = T * (qWidth + 2 * kvWidth);
    sizes.attnOut = T * qWidth;
    sizes.gateUp = T * 2 * I;
    sizes.act = T * I;
    sizes.lastHidden = size_t(limits.maxLogitRows) * H;
    sizes.logits = size_t(limits.maxLogitRows) * size_t(c.vocabSize);
    return sizes;
}

Result<FusedRows> fuseRows(std::span<const TensorView> parts, const std::string& what) {
    FusedRows fused;
    for (size_t i = 0; i < parts.size(); ++i) {
        const TensorView& part = parts[i];
        if (!part) return makeError(fmt::format("{}: part {} is missing from the checkpoint", what, i));
        if (part.type == DType::I8 || part.type == DType::Blocks || part.rowScales)
            return makeError(fmt::format("{}: quantized ({}) weights are not supported by the CUDA backend; they run "
                                         "on the CPU (--device cpu)",
                                         what, part.type == DType::Blocks ? "GGUF block" : "int8"));
        if (i == 0) {
            fused.cols = part.cols;
            fused.type = part.type;
        } else if (part.cols != fused.cols || part.type != fused.type) {
            return makeError(fmt::format("{}: part {} is {}x{} {}, part 0 has {} columns of {}", what, i, part.rows,
                                         part.cols, dtypeName(part.type), fused.cols, dtypeName(fused.type)));
        }
        fused.offsets.push_back(fused.rows);
        fused.rows += part.rows;
    }
    return fused;
}

size_t kvMarginBytes(size_t totalBytes) { return std::max<size_t>(size_t(256) << 20, totalBytes / 50); }

Result<KvCacheSizing> sizeGpuKvCache(const ModelConfig& config, const GpuMemory& memory, const GpuKvRequest& request) {
    const size_t total = memory.totalBytes;
    const size_t used = total - std::min(memory.freeBytes, total);
    const double allowed = std::clamp(request.utilization, 0.0, 1.0) * double(total);
    const double wanted = allowed - double(used) - double(memory.peakActivationBytes) - double(request.marginBytes);
    // Never more than is actually free: utilization is a ceiling, not a promise.
    const double freeForKv = double(memory.freeBytes) - double(memory.peakActivationBytes) - double(request.marginBytes);
    const size_t budget = size_t(std::max(0.0, std::min(wanted, freeForKv)));

    KvCacheSizing sizing = sizeKvCache(config, budget, request.blockSize, request.requestedMaxModelLen,
                                       request.bytesPerElement);
    if (budget < sizing.bytesPerBlock)
        return makeError(fmt::format(
            "out of memory: {:.0f} MiB of the GPU's {:.0f} MiB are in use (weights, buffers, other programs) and "
            "gpu_memory_utilization {:.2f} allows {:.0f} MiB, leaving no room for one {:.2f} MiB KV block; raise "
            "--gpu-memory-utilization or free GPU memory", mib(used), mib(total), request.utilization,
            allowed / double(1 << 20), mib(sizing.bytesPerBlock)));
    // More blocks than max_num_seqs full-length sequences use would only be held idle.
    const int64_t useful = (int64_t(request.maxNumSeqs) * sizing.maxModelLen + request.blockSize - 1) / request.blockSize;
    sizing.numBlocks = int(std::min<int64_t>(sizing.numBlocks, std::max<int64_t>(1, useful)));
    sizing.note = maxModelLenNote(
        request.requestedMaxModelLen, config.maxPositionEmbeddings, sizing.maxModelLen,
        fmt::format("with gpu_memory_utilization {:.2f} of {:.0f} MiB and {:.0f} MiB already in use, the KV cache "
                    "holds {} blocks of {} tokens; raise --gpu-memory-utilization for longer contexts",
                    request.utilization, mib(total), mib(used), sizing.numBlocks, request.blockSize));
    return sizing;
}

}  // namespace pagoda::cuda
