// The CPU kernels for x86-64-v3 (AVX2, FMA, F16C); CMake sets this file's -march.
#define PAGODA_KERNEL_ISA Isa::Avx2
#include "kernels/cpu/isa/kernels_impl.h"

namespace pagoda::cpu {

const KernelTable& avx2Kernels() { return kTable; }

}  // namespace pagoda::cpu
