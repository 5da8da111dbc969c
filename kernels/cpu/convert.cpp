#include "kernels/cpu/convert.h"

#include "kernels/cpu/isa/kernel_table.h"

namespace pagoda::cpu {

void convertToFloat(const void* src, DType type, size_t offset, size_t n, float* dst) {
    const auto* start = static_cast<const unsigned char*>(src) + offset * dtypeSize(type);
    kernels().widenRows(WeightRows{start, type, nullptr, n}, 0, 1, dst);
}

}  // namespace pagoda::cpu
