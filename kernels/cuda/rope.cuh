// Rotary position embedding on q and k in place, with the inverse frequencies precomputed
// on the host by kernels/common/rope.h's ropeInvFreq (Llama 3 scaling included). Same
// rotation as applyRope: NeoX halves (HF `rotate_half`, Llama/Qwen) or interleaved pairs
// (GPT-J / HF Glm, vLLM is_neox_style=False); dims at or past rotaryDim pass through
// (partial rotary, as GLM's 0.5 partial_rotary_factor).
#pragma once

#include <cstdint>
#include <string>

#include "kernels/cuda/device.cuh"
#include "kernels/cuda/elementwise_launch.cuh"

namespace pagoda::cuda {

inline constexpr int kRopeThreads = 256;

// One block per token (grid-stride beyond the grid limit); each thread rotates one
// (head, pair) at a time. The token's cos/sin table sits in dynamic shared memory so the
// sincos of a frequency is computed once per token, not once per head.
inline LaunchShape ropeShape(int numTokens, int numHeads, int numKvHeads, int rotaryDim) {
    return rowLaunchShape(numTokens, (numHeads + numKvHeads) * (rotaryDim / 2), kRopeThreads,
                          size_t(rotaryDim / 2) * 2 * sizeof(float));
}

inline std::string ropeCheck(int qStride, int kStride, int numTokens, int numHeads, int numKvHeads, int headDim,
                             int rotaryDim) {
    const std::string where = "rope: ";
    if (numTokens < 0) return where + "numTokens " + std::to_string(numTokens) + " is negative";
    if (numHeads <= 0 || numKvHeads <= 0)
        return where + "numHeads " + std::to_string(numHeads) + " and numKvHeads " + std::to_string(numKvHeads) +
               " must be positive";
    if (headDim <= 0 || headDim % 2 != 0) return where + "headDim " + std::to_string(headDim) + " must be even";
    if (rotaryDim <= 0 || rotaryDim % 2 != 0)
        return where + "rotaryDim " + std::to_string(rotaryDim) + " must be positive and even";
    if (rotaryDim > headDim)
        return where + "rotaryDim " + std::to_string(rotaryDim) + " exceeds headDim " + std::to_string(headDim);
    if ((long long)numHeads * headDim > qStride)
        return where + "qStride " + std::to_string(qStride) + " is less than numHeads x headDim " +
               std::to_string((long long)numHeads * headDim);
    if ((long long)numKvHeads * headDim > kStride)
        return where + "kStride " + std::to_string(kStride) + " is less than numKvHeads x headDim " +
               std::to_string((long long)numKvHeads * headDim);
    if ((long long)(numHeads + numKvHeads) * (rotaryDim / 2) > 2147483647LL) return where + "too many heads";
    return {};
}

// cos/sin of position * invFreq[i] in f32 as ropeCosSin (HF computes freqs and their cos/sin
// in f32 too); x[a] * cos - x[b] * sin and x[b] * cos + x[a] * sin as applyRope.
PAGODA_GLOBAL void ropeKernel(float* q, int qStride, float* k, int kStride, const int32_t* positions, int numTokens,
                           int numHeads, int numKvHeads, int headDim, int rotaryDim, bool interleaved,
                           const float* invFreq) {
    PAGODA_DYNAMIC_SHARED(float, table);
    const int half = rotaryDim / 2;
    float* cosv = table;
    float* sinv = table + half;
    const int pairs = (numHeads + numKvHeads) * half;
    for (int t = blockIdx.x; t < numTokens; t += gridDim.x) {
        const float position = float(positions[t]);
        for (int i = threadIdx.x; i < half; i += blockDim.x) {
            const float angle = position * invFreq[i];
            cosv[i] = cosf(angle);
            sinv[i] = sinf(angle);
        }
        __syncthreads();
        for (int p = threadIdx.x; p < pairs; p += blockDim.x) {
            const int head = p / half;
            const int i = p % half;
            float* x = head < numHeads ? q + size_t(t) * qStride + size_t(head) * headDim
                                       : k + size_t(t) * kStride + size_t(head - numHeads) * headDim;
            const int a = interleaved ? 2 * i : i;
            const int b = interleaved ? 2 * i + 1 : i + half;
            const float xa = x[a], xb = x[b];
            x[a] = xa * cosv[i] - xb * sinv[i];
            x[b] = xb * cosv[i] + xa * sinv[i];
        }
        __syncthreads();  // the next token overwrites the table
    }
}

}  // namespace pagoda::cuda
