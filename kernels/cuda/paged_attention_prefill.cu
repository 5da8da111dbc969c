// Host entry point of prefill attention (launchers.h): checks, dispatches on cache type and
// head size, launches one kernel.
#include "kernels/cuda/launchers.h"
#include "kernels/cuda/paged_attention_prefill.cuh"

namespace pagoda::cuda {
namespace {

template <typename CacheT, int HEAD_DIM>
void launchPrefill(const PagedAttentionParams& p, cudaStream_t stream) {
    const LaunchShape shape = prefillLaunch(p);
    pagedAttentionPrefillKernel<CacheT, HEAD_DIM>
        <<<shape.grid(), shape.block, shape.sharedBytes, stream>>>(p);
}

template <typename CacheT>
void launchPrefillFor(const PagedAttentionParams& p, cudaStream_t stream) {
    switch (p.headDim) {
        case 64: return launchPrefill<CacheT, 64>(p, stream);
        case 128: return launchPrefill<CacheT, 128>(p, stream);
        default: return launchPrefill<CacheT, 256>(p, stream);  // prefillCheck allows no other
    }
}

}  // namespace

LaunchStatus pagedAttentionPrefill(const PagedAttentionParams& params, cudaStream_t stream) {
    if (std::string error = prefillCheck(params); !error.empty()) return error;
    if (params.numSequences == 0) return {};
    switch (params.cacheType) {
        case DType::F32: launchPrefillFor<float>(params, stream); break;
        case DType::BF16: launchPrefillFor<__nv_bfloat16>(params, stream); break;
        default: launchPrefillFor<__half>(params, stream); break;
    }
    if (cudaError_t error = cudaGetLastError(); error != cudaSuccess)
        return std::string("pagedAttentionPrefill: ") + cudaGetErrorString(error);
    return {};
}

}  // namespace pagoda::cuda
