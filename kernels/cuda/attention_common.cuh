// Pieces shared by the paged-attention kernels: the slot lookup through a block table, the
// output store in the requested dtype, and the preconditions both kernels share. Written
// in the SIMT subset (README.md) so tests/simt runs the kernels on the CPU.
#pragma once

#include <string>

#include "kernels/common/online_softmax.h"
#include "kernels/cuda/device.cuh"
#include "kernels/cuda/attention_params.h"

namespace pagoda::cuda {

// The head sizes compiled into the attention kernels (each is a template instance).
inline bool attentionHeadDimCompiled(int headDim) { return headDim == 64 || headDim == 128 || headDim == 256; }

// CUDA's limits on gridDim.y/z and the default dynamic shared memory a block may ask for
// without cudaFuncSetAttribute (48 KiB on every architecture we target).
inline constexpr long long kAttentionMaxGridYZ = 65535;
inline constexpr size_t kAttentionMaxSharedBytes = 48 * 1024;

// Where token `position` of a sequence lives: the cache layout of kernels/cpu/paged_attention.h
// ([numBlocks, blockSize, numKvHeads, headDim]), returned as the element offset of the slot.
PAGODA_DEVICE size_t attentionSlotOffset(const int32_t* blockTable, int position, int blockSize, size_t slotWidth) {
    const size_t slot = size_t(blockTable[position / blockSize]) * blockSize + position % blockSize;
    return slot * slotWidth;
}

// Output element i in `type` (F32, BF16 or F16; checked before launch). A runtime switch
// instead of a template parameter keeps the instances at cache types x head sizes.
PAGODA_DEVICE void attentionStore(void* out, DType type, size_t i, float value) {
    if (type == DType::F32)
        static_cast<float*>(out)[i] = value;
    else if (type == DType::BF16)
        static_cast<__nv_bfloat16*>(out)[i] = fromFloat<__nv_bfloat16>(value);
    else
        static_cast<__half*>(out)[i] = fromFloat<__half>(value);
}

// The checks both kernels make before launch; `name` prefixes the message.
inline std::string attentionCommonCheck(const char* name, const PagedAttentionParams& p) {
    const std::string who = std::string(name) + ": ";
    if (p.numSequences < 0) return who + "numSequences " + std::to_string(p.numSequences) + " is negative";
    if (p.numHeads <= 0 || p.numKvHeads <= 0)
        return who + "numHeads " + std::to_string(p.numHeads) + " and numKvHeads " + std::to_string(p.numKvHeads) +
               " must be positive";
    if (p.numHeads % p.numKvHeads != 0)
        return who + "numHeads " + std::to_string(p.numHeads) + " is not a multiple of numKvHeads " +
               std::to_string(p.numKvHeads);
    if (!attentionHeadDimCompiled(p.headDim))
        return who + "headDim " + std::to_string(p.headDim) + " is not compiled (64, 128 or 256)";
    if (p.blockSize <= 0) return who + "blockSize " + std::to_string(p.blockSize) + " must be positive";
    if (p.cacheType != DType::F32 && p.cacheType != DType::BF16 && p.cacheType != DType::F16)
        return who + "cacheType " + dtypeName(p.cacheType) + " is not F32, BF16 or F16";
    if (p.outType != DType::F32 && p.outType != DType::BF16 && p.outType != DType::F16)
        return who + "outType " + dtypeName(p.outType) + " is not F32, BF16 or F16";
    if (p.qStride < p.numHeads * p.headDim)
        return who + "qStride " + std::to_string(p.qStride) + " is less than numHeads * headDim " +
               std::to_string(p.numHeads * p.headDim);
    if (p.maxContextLen < 0) return who + "maxContextLen " + std::to_string(p.maxContextLen) + " is negative";
    if ((long long)p.blockTableStride * p.blockSize < p.maxContextLen)
        return who + "blockTableStride " + std::to_string(p.blockTableStride) + " blocks of " +
               std::to_string(p.blockSize) + " cannot hold maxContextLen " + std::to_string(p.maxContextLen);
    if (p.numSequences > kAttentionMaxGridYZ)
        return who + "numSequences " + std::to_string(p.numSequences) + " exceeds the grid limit 65535";
    if (p.numSequences > 0 &&
        (!p.q || !p.kCache || !p.vCache || !p.blockTables || !p.contextLens || !p.out))
        return who + "q, kCache, vCache, blockTables, contextLens and out must all be set";
    return {};
}

}  // namespace pagoda::cuda
