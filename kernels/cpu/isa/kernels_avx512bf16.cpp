// The CPU kernels for x86-64-v4 with AVX512_BF16; CMake sets this file's -march.
#define PAGODA_KERNEL_ISA Isa::Avx512Bf16
#include "kernels/cpu/isa/kernels_impl.h"

namespace pagoda::cpu {

const KernelTable& avx512Bf16Kernels() { return kTable; }

}  // namespace pagoda::cpu
