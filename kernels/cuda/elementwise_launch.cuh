// Launch configuration of the row kernels (embedding, norms, rope, activation, cache
// write, argmax): plain host code, so the .cu launchers and the SIMT tests launch from the
// same numbers and the tests check them too.
#pragma once

#include <cstddef>
#include <string>

#include "kernels/common/dtype.h"
#include "kernels/cuda/device.cuh"

namespace pagoda::cuda {

// Rows beyond this many blocks are covered by the kernels' grid-stride loops. gridDim.x
// allows 2^31 - 1; 65535 keeps one limit for every dimension and is ample parallelism.
inline constexpr int kMaxGridBlocks = 65535;

// One block per row of `width` elements: whole warps (the reductions need full warps),
// as few as cover the row, at most `maxThreads`.
inline LaunchShape rowLaunchShape(int rows, int width, int maxThreads, size_t sharedBytes = 0) {
    LaunchShape shape;
    shape.gridX = rows < kMaxGridBlocks ? rows : kMaxGridBlocks;
    const int warps = (width + 31) / 32;
    shape.block = warps < 1 ? 32 : warps * 32 < maxThreads ? warps * 32 : maxThreads;
    shape.sharedBytes = sharedBytes;
    return shape;
}

// The element types the kernels are compiled for; I8 weights never reach these kernels.
inline std::string elementTypeCheck(const char* kernel, const char* what, DType type) {
    if (type == DType::F32 || type == DType::BF16 || type == DType::F16) return {};
    return std::string(kernel) + ": " + what + " " + dtypeName(type) + " is not F32, BF16 or F16";
}

// Calls f(T{}) with T the element type stored as `type` (checked by elementTypeCheck), so a
// launcher (or a test) names its kernel instance once: f is a generic lambda.
template <class F>
void withElementType(DType type, F&& f) {
    switch (type) {
        case DType::BF16: f(__nv_bfloat16{}); break;
        case DType::F16: f(__half{}); break;
        default: f(float{}); break;
    }
}

}  // namespace pagoda::cuda
