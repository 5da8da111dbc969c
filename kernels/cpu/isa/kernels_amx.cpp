// The CPU kernels for x86-64-v4 with AVX512_BF16 and AMX-BF16; CMake sets this file's -march.
// The same kernels as the Avx512Bf16 table but for the packed bf16 product, which runs on tiles.
#define PAGODA_KERNEL_ISA Isa::Amx
#include "kernels/cpu/isa/kernels_impl.h"

namespace pagoda::cpu {

const KernelTable& amxKernels() { return kTable; }

}  // namespace pagoda::cpu
