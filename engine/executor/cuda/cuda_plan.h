// The CUDA executor's host-side arithmetic, free of CUDA so it is unit-tested on machines
// without a GPU: buffer limits and the per-step metadata layout, the KV block count from
// measured memory, which CUDA graph a decode step replays, and fused weight layouts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/cache/kv_cache_sizing.h"
#include "engine/common/result.h"
#include "engine/executor/batch.h"
#include "engine/model/decoder_weights.h"
#include "engine/model/model_config.h"

namespace pagoda::cuda {

// Decode steps get CUDA graphs at 1, 2, 4, ... sequences (the step is padded up to the next
// size), never above this: bigger decode batches are compute-bound and launch overhead no
// longer matters (vLLM stops at 512 too).
inline constexpr int kMaxGraphBatch = 512;

// The captured sizes for an engine running at most maxNumSeqs sequences: powers of two up to
// the first one that holds maxNumSeqs, capped at kMaxGraphBatch.
std::vector<int> graphBatchSizes(int maxNumSeqs);

// The graph a decode step of numSeqs sequences replays: the smallest size that holds it, or
// 0 when none does and the step runs eagerly.
int graphBatchFor(int numSeqs, std::span<const int> sizes);

// What the preallocated step buffers hold; every device buffer is sized from these once.
struct StepLimits {
    int maxTokens = 0;        // tokens of one step (max_num_batched_tokens, or a padded graph batch)
    int maxSeqs = 0;          // sequences of one step (max_num_seqs, or a padded graph batch)
    int maxBlocksPerSeq = 0;  // the device block table's fixed row stride
    int maxLogitRows = 0;     // lm_head rows computed at once; more are done in chunks
};

StepLimits stepLimits(int maxNumBatchedTokens, int maxNumSeqs, int maxModelLen, int blockSize);

// Byte offsets of the Batch fields in one metadata block, so each step is a single
// host-to-device copy into buffers whose addresses never change (CUDA graphs replay them).
struct StepMetadataLayout {
    size_t tokenIds = 0, positions = 0, slotMapping = 0, blockTables = 0, contextLens = 0, querySeqStart = 0,
           logitsIndices = 0;
    size_t totalBytes = 0;
};

StepMetadataLayout stepMetadataLayout(const StepLimits& limits);

// Writes `batch` into the host metadata block. paddedSeqs > numSequences pads a decode
// step for a CUDA graph: the extra sequences have one token (id 0, position 0) whose K/V is
// not written (slot -1), context length 1 in block 0, and logits rows that are discarded.
// Block tables are re-strided to maxBlocksPerSeq; unused entries point at block 0 so a
// kernel that reads past a context never leaves the cache.
Status packStepMetadata(const Batch& batch, const StepLimits& limits, const StepMetadataLayout& layout,
                        int paddedSeqs, std::byte* host);

// Element counts of the activation buffers (f32 unless marked), for the allocation and for
// the memory estimate.
struct ActivationSizes {
    size_t hidden = 0;      // [maxTokens, hidden] residual stream; also proj and projTmp
    size_t normed = 0;      // [maxTokens, hidden] in the activation dtype
    size_t qkv = 0;         // [maxTokens, q + 2 kv] f32
    size_t attnOut = 0;     // [maxTokens, q] in the activation dtype
    size_t gateUp = 0;      // [maxTokens, 2 intermediate] f32
    size_t act = 0;         // [maxTokens, intermediate] in the activation dtype
    size_t lastHidden = 0;  // [maxLogitRows, hidden] f32 (and lastProj; lastNormed in act dtype)
    size_t logits = 0;      // [maxLogitRows, vocab] f32
    size_t totalBytes(size_t activationBytes) const;
};

ActivationSizes activationSizes(const ModelConfig& config, const StepLimits& limits);

// Matrices whose rows are concatenated at upload (q|k|v, gate|up) so one product computes
// all of them. Fusion needs equal column counts and dtypes and no quantization.
struct FusedRows {
    std::vector<int64_t> offsets;  // first row of each part in the fused matrix
    int64_t rows = 0;
    int64_t cols = 0;
    DType type = DType::BF16;
};

Result<FusedRows> fuseRows(std::span<const TensorView> parts, const std::string& what);

// Device memory as measured after the weights were uploaded and the profiling forward ran.
struct GpuMemory {
    size_t totalBytes = 0;
    size_t freeBytes = 0;            // cudaMemGetInfo after the profiling forward
    size_t peakActivationBytes = 0;  // transient memory the profiling forward took and gave back
};

struct GpuKvRequest {
    double utilization = 0.9;      // vLLM's gpu_memory_utilization: the share of the card Pagoda may hold
    int blockSize = 16;
    int requestedMaxModelLen = 0;  // 0: the model's context
    int maxNumSeqs = 1;            // the pool stops at what this many full-length sequences use
    size_t bytesPerElement = 2;
    size_t marginBytes = 0;        // kept free for the driver, cuBLAS and other programs
};

// Safety margin left out of the KV pool: lazily loaded kernels and cuBLAS heuristics
// allocate after start-up, and a desktop shares the card with the compositor.
size_t kvMarginBytes(size_t totalBytes);

// KV blocks = (utilization × total − used − peak − margin) / bytesPerBlock, where used is
// everything already on the card (our weights and buffers, other programs). Fails with an
// "out of memory" error when not even one block fits; otherwise lowers max_model_len with a
// note rather than refusing to start.
Result<KvCacheSizing> sizeGpuKvCache(const ModelConfig& config, const GpuMemory& memory, const GpuKvRequest& request);

}  // namespace pagoda::cuda
