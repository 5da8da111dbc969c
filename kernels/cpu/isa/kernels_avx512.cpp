// The CPU kernels for x86-64-v4 (AVX-512); CMake sets this file's -march.
#define PAGODA_KERNEL_ISA Isa::Avx512
#include "kernels/cpu/isa/kernels_impl.h"

namespace pagoda::cpu {

const KernelTable& avx512Kernels() { return kTable; }

}  // namespace pagoda::cpu
