// Host entry point of greedy sampling on the device (launchers.h).
#include "kernels/cuda/launchers.h"
#include "kernels/cuda/sampling.cuh"

namespace pagoda::cuda {

LaunchStatus argmaxRows(const float* logits, int numRows, int vocab, int32_t* out, cudaStream_t stream) {
    if (std::string error = argmaxRowsCheck(numRows, vocab); !error.empty()) return error;
    if (numRows == 0) return {};
    const LaunchShape shape = argmaxRowsShape(numRows, vocab);
    argmaxRowsKernel<<<shape.grid(), shape.block, shape.sharedBytes, stream>>>(logits, numRows, vocab, out);
    if (cudaError_t error = cudaGetLastError(); error != cudaSuccess)
        return std::string("argmaxRows: ") + cudaGetErrorString(error);
    return {};
}

}  // namespace pagoda::cuda
