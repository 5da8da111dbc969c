// The gated MLP activation, out = silu(gate) * up, on the fused gate/up product
// ([numTokens, 2 * intermediate], gate first, as vLLM's MergedColumnParallelLinear and
// SiluAndMul), written in the down projection's input dtype.
#pragma once

#include <string>

#include "kernels/cuda/device.cuh"
#include "kernels/cuda/elementwise_launch.cuh"

namespace pagoda::cuda {

inline constexpr int kSiluMulThreads = 256;

// One block per token (grid-stride beyond the grid limit), threads striding the row.
inline LaunchShape siluMulShape(int numTokens, int intermediate) {
    return rowLaunchShape(numTokens, intermediate, kSiluMulThreads);
}

inline std::string siluMulCheck(int numTokens, int intermediate, DType outType) {
    if (std::string e = elementTypeCheck("siluMul", "outType", outType); !e.empty()) return e;
    if (numTokens < 0) return "siluMul: numTokens " + std::to_string(numTokens) + " is negative";
    if (intermediate <= 0) return "siluMul: intermediate " + std::to_string(intermediate) + " must be positive";
    if (2LL * intermediate > 2147483647LL) return "siluMul: intermediate " + std::to_string(intermediate) + " is too large";
    return {};
}

// silu(g) = g / (1 + exp(-g)) in f32 as kernels/cpu/activation.cpp (torch's SiLU); the
// product is rounded once, to OutT.
template <typename OutT>
PAGODA_GLOBAL void siluMulKernel(const float* gateUp, int numTokens, int intermediate, OutT* out) {
    for (int t = blockIdx.x; t < numTokens; t += gridDim.x) {
        const float* gate = gateUp + size_t(t) * 2 * intermediate;
        const float* up = gate + intermediate;
        OutT* o = out + size_t(t) * intermediate;
        for (int i = threadIdx.x; i < intermediate; i += blockDim.x) {
            const float g = gate[i];
            o[i] = fromFloat<OutT>(g / (1.0f + expf(-g)) * up[i]);
        }
    }
}

}  // namespace pagoda::cuda
