// RMSNorm kernels: the residual-add + norm at every layer boundary, and Qwen3's per-head
// q/k norm. Math as HF's Qwen2/Llama RMSNorm (and kernels/cpu/norm.h): in f32,
// x * (1 / sqrt(mean(x²) + eps)) * weight, rounded to the output dtype only at the end.
#pragma once

#include <string>

#include "kernels/cuda/device.cuh"
#include "kernels/cuda/elementwise_launch.cuh"

namespace pagoda::cuda {

// Threads per block for a row of `hidden` elements: a whole number of warps, enough that
// each thread keeps a handful of elements, never more than kNormMaxThreads (vLLM's
// rms_norm uses min(hidden, 1024); 512 keeps the SIMT harness's host threads few).
inline constexpr int kNormMaxThreads = 512;

// No dynamic shared memory: blockSum's scratch is a static __shared__ float[32].
inline LaunchShape addRmsNormShape(int rows, int hidden) { return rowLaunchShape(rows, hidden, kNormMaxThreads); }

inline std::string addRmsNormCheck(int rows, int hidden, float eps, DType weightType, DType outType) {
    if (std::string e = elementTypeCheck("addRmsNorm", "weightType", weightType); !e.empty()) return e;
    if (std::string e = elementTypeCheck("addRmsNorm", "outType", outType); !e.empty()) return e;
    if (rows < 0) return "addRmsNorm: rows " + std::to_string(rows) + " is negative";
    if (hidden <= 0) return "addRmsNorm: hidden " + std::to_string(hidden) + " must be positive";
    if (!(eps >= 0.0f)) return "addRmsNorm: eps must be a non-negative number";
    return {};
}

// One block per row (grid-stride over rows). residual += delta (delta may be null), then
// out = rmsNorm(residual) * weight. Each thread re-reads only the elements it wrote, so
// the block reduction is the only barrier. `out` may alias `residual` when OutT is float
// (headRmsNorm-style in-place use).
template <typename WeightT, typename OutT>
PAGODA_GLOBAL void addRmsNormKernel(float* residual, const float* delta, const WeightT* weight, int rows, int hidden,
                                 float eps, OutT* out) {
    __shared__ float shared32[32];
    for (int row = blockIdx.x; row < rows; row += gridDim.x) {
        float* x = residual + size_t(row) * hidden;
        const float* d = delta ? delta + size_t(row) * hidden : nullptr;
        float sumSquares = 0.0f;
        for (int i = threadIdx.x; i < hidden; i += blockDim.x) {
            float v = x[i];
            if (d) {
                v += d[i];
                x[i] = v;
            }
            sumSquares += v * v;
        }
        sumSquares = blockSum(sumSquares, shared32);
        const float inv = 1.0f / sqrtf(sumSquares / float(hidden) + eps);
        OutT* y = out + size_t(row) * hidden;
        for (int i = threadIdx.x; i < hidden; i += blockDim.x) y[i] = fromFloat<OutT>((x[i] * inv) * toFloat(weight[i]));
    }
}

// Per-head norm: one warp per [headDim] row, kHeadNormWarps rows per block, so a 128-dim
// head costs one warp reduction and no barrier (as vLLM's fused q/k norm does per warp).
inline constexpr int kHeadNormWarps = 4;

inline LaunchShape headRmsNormShape(int numTokens, int numHeads) {
    const long long rows = (long long)numTokens * numHeads;
    long long blocks = (rows + kHeadNormWarps - 1) / kHeadNormWarps;
    LaunchShape shape;
    shape.gridX = int(blocks < kMaxGridBlocks ? blocks : kMaxGridBlocks);
    shape.block = 32 * kHeadNormWarps;
    shape.sharedBytes = 0;
    return shape;
}

inline std::string headRmsNormCheck(int numTokens, int numHeads, int headDim, float eps, DType weightType) {
    if (std::string e = elementTypeCheck("headRmsNorm", "weightType", weightType); !e.empty()) return e;
    if (numTokens < 0) return "headRmsNorm: numTokens " + std::to_string(numTokens) + " is negative";
    if (numHeads <= 0) return "headRmsNorm: numHeads " + std::to_string(numHeads) + " must be positive";
    if (headDim <= 0) return "headRmsNorm: headDim " + std::to_string(headDim) + " must be positive";
    if ((long long)numTokens * numHeads > 2147483647LL)
        return "headRmsNorm: " + std::to_string(numTokens) + " tokens x " + std::to_string(numHeads) +
               " heads exceeds 2^31 rows";
    if (!(eps >= 0.0f)) return "headRmsNorm: eps must be a non-negative number";
    return {};
}

// x: [rows = numTokens * numHeads, headDim] f32, normalized in place. A warp's row index is
// the same for all its lanes, so whole warps leave the loop together and the shuffles in
// warpSum always see 32 active lanes.
template <typename WeightT>
PAGODA_GLOBAL void headRmsNormKernel(float* x, int rows, int headDim, const WeightT* weight, float eps) {
    const int lane = threadIdx.x % 32;
    const int warpsPerBlock = blockDim.x / 32;
    for (int row = blockIdx.x * warpsPerBlock + threadIdx.x / 32; row < rows; row += gridDim.x * warpsPerBlock) {
        float* h = x + size_t(row) * headDim;
        float sumSquares = 0.0f;
        for (int i = lane; i < headDim; i += 32) sumSquares += h[i] * h[i];
        sumSquares = warpSum(sumSquares);
        const float inv = 1.0f / sqrtf(sumSquares / float(headDim) + eps);
        for (int i = lane; i < headDim; i += 32) h[i] = (h[i] * inv) * toFloat(weight[i]);
    }
}

}  // namespace pagoda::cuda
