// The CPU kernels for the x86-64 baseline (SSE2); CMake sets this file's -march.
#define PAGODA_KERNEL_ISA Isa::Baseline
#include "kernels/cpu/isa/kernels_impl.h"

namespace pagoda::cpu {

const KernelTable& baselineKernels() { return kTable; }

}  // namespace pagoda::cpu
