// Greedy sampling on the device: the index of each logits row's maximum, so only one int
// per row crosses PCIe.
#pragma once

#include <cstdint>
#include <string>

#include "kernels/cuda/device.cuh"
#include "kernels/cuda/elementwise_launch.cuh"

namespace pagoda::cuda {

inline constexpr int kArgmaxThreads = 256;

// One block per row (grid-stride beyond the grid limit); shared memory holds one
// (value, index) candidate per warp.
inline LaunchShape argmaxRowsShape(int numRows, int vocab) {
    LaunchShape shape = rowLaunchShape(numRows, vocab, kArgmaxThreads);
    shape.sharedBytes = size_t(shape.block / 32) * (sizeof(float) + sizeof(int));
    return shape;
}

inline std::string argmaxRowsCheck(int numRows, int vocab) {
    if (numRows < 0) return "argmaxRows: numRows " + std::to_string(numRows) + " is negative";
    if (vocab <= 0) return "argmaxRows: vocab " + std::to_string(vocab) + " must be positive";
    return {};
}

// Whether candidate (a, ia) beats (b, ib) under torch.argmax's order: NaN is the maximum
// (torch propagates NaN in max/argmax), then larger values, then the lower index on ties.
PAGODA_DEVICE bool argmaxBetter(float a, int ia, float b, int ib) {
    const bool aNan = a != a, bNan = b != b;
    if (aNan != bNan) return aNan;
    if (!aNan && a != b) return a > b;
    return ia < ib;
}

PAGODA_DEVICE void argmaxWarp(float& value, int& index) {
    for (int offset = 16; offset > 0; offset /= 2) {
        const float otherValue = __shfl_xor_sync(0xffffffffu, value, offset);
        const int otherIndex = __shfl_xor_sync(0xffffffffu, index, offset);
        if (argmaxBetter(otherValue, otherIndex, value, index)) {
            value = otherValue;
            index = otherIndex;
        }
    }
}

// Each thread scans a strided slice, then warps and finally warp 0 reduce the candidates.
// Threads that saw no element carry (-inf, INT_MAX), which loses to any real element: a
// real -inf ties on value and wins on index.
PAGODA_GLOBAL void argmaxRowsKernel(const float* logits, int numRows, int vocab, int32_t* out) {
    PAGODA_DYNAMIC_SHARED(float, shared);
    const int numWarps = blockDim.x / 32;
    float* warpValue = shared;
    int* warpIndex = reinterpret_cast<int*>(shared + numWarps);
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    for (int row = blockIdx.x; row < numRows; row += gridDim.x) {
        const float* x = logits + size_t(row) * vocab;
        float value = -INFINITY;
        int index = 2147483647;
        for (int i = threadIdx.x; i < vocab; i += blockDim.x)
            if (argmaxBetter(x[i], i, value, index)) {
                value = x[i];
                index = i;
            }
        argmaxWarp(value, index);
        if (lane == 0) {
            warpValue[warp] = value;
            warpIndex[warp] = index;
        }
        __syncthreads();
        if (warp == 0) {
            value = lane < numWarps ? warpValue[lane] : -INFINITY;
            index = lane < numWarps ? warpIndex[lane] : 2147483647;
            argmaxWarp(value, index);
            if (lane == 0) out[row] = index;
        }
        __syncthreads();  // the next row reuses the candidates
    }
}

}  // namespace pagoda::cuda
