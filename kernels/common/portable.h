// Marks math that is shared by the CPU kernels and the CUDA kernels, so one definition
// is unit-tested on the CPU and compiled into device code unchanged.
#pragma once

#if defined(__CUDACC__)
#define PAGODA_HD __host__ __device__ inline
#else
#define PAGODA_HD inline
#endif
