// Host entry point of decode attention (launchers.h): checks, dispatches on cache type and
// head size, launches the partition kernel and, with more than one partition, the merge.
#include "kernels/cuda/launchers.h"
#include "kernels/cuda/paged_attention_decode.cuh"

namespace pagoda::cuda {
namespace {

template <typename CacheT, int HEAD_DIM>
void launchDecode(const PagedAttentionParams& p, const DecodeWorkspace& ws, cudaStream_t stream) {
    const LaunchShape shape = decodeLaunch(p);
    pagedAttentionDecodeKernel<CacheT, HEAD_DIM>
        <<<shape.grid(), shape.block, shape.sharedBytes, stream>>>(p, ws);
}

template <typename CacheT>
void launchDecodeFor(const PagedAttentionParams& p, const DecodeWorkspace& ws, cudaStream_t stream) {
    switch (p.headDim) {
        case 64: return launchDecode<CacheT, 64>(p, ws, stream);
        case 128: return launchDecode<CacheT, 128>(p, ws, stream);
        default: return launchDecode<CacheT, 256>(p, ws, stream);  // decodeCheck allows no other
    }
}

}  // namespace

size_t pagedAttentionDecodeWorkspaceBytes(const PagedAttentionParams& params) { return decodeWorkspaceBytes(params); }

LaunchStatus pagedAttentionDecode(const PagedAttentionParams& params, void* workspace, cudaStream_t stream) {
    if (std::string error = decodeCheck(params, workspace); !error.empty()) return error;
    if (params.numSequences == 0) return {};
    const DecodeWorkspace ws = decodeWorkspaceBytes(params) > 0 ? decodeWorkspace(params, workspace) : DecodeWorkspace{};
    switch (params.cacheType) {
        case DType::F32: launchDecodeFor<float>(params, ws, stream); break;
        case DType::BF16: launchDecodeFor<__nv_bfloat16>(params, ws, stream); break;
        default: launchDecodeFor<__half>(params, ws, stream); break;
    }
    if (cudaError_t error = cudaGetLastError(); error != cudaSuccess)
        return std::string("pagedAttentionDecode: ") + cudaGetErrorString(error);
    const int numPartitions = decodeNumPartitions(params.maxContextLen);
    if (numPartitions == 1) return {};
    const LaunchShape shape = decodeReduceLaunch(params);
    pagedAttentionDecodeReduceKernel<<<shape.grid(), shape.block, shape.sharedBytes,
                                       stream>>>(params, numPartitions, ws);
    if (cudaError_t error = cudaGetLastError(); error != cudaSuccess)
        return std::string("pagedAttentionDecode (merge): ") + cudaGetErrorString(error);
    return {};
}

}  // namespace pagoda::cuda
