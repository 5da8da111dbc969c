#include "kernels/cpu/isa/kernel_table.h"

namespace pagoda::cpu {

size_t activationGroup(BlockFormat format) { return format >= BlockFormat::Q2_K ? 256 : 32; }

const KernelTable& kernelsFor(Isa isa) {
    switch (isa) {
        case Isa::Amx: return amxKernels();
        case Isa::Avx512Bf16: return avx512Bf16Kernels();
        case Isa::Avx512: return avx512Kernels();
        case Isa::Avx2: return avx2Kernels();
        case Isa::Baseline: break;
    }
    return baselineKernels();
}

const KernelTable& kernels() {
    static const KernelTable& active = kernelsFor(activeIsa());
    return active;
}

}  // namespace pagoda::cpu
