#include "kernels/cpu/convert.h"

#include "kernels/cpu/isa/kernel_table.h"

namespace pagoda::cpu {

void convertToFloat(const void* src, DType type, size_t offset, size_t n, float* dst) {
    const auto* start = static_cast<const unsigned char*>(src) + offset * dtypeSize(type);
    kernels().widenRows(WeightRows{start, type, nullptr, n}, 0, 1, dst);
}

void rowToFloat(const void* src, DType type, BlockFormat format, size_t row, size_t cols, float* dst) {
    if (type != DType::Blocks) return convertToFloat(src, type, row * cols, cols, dst);
    const BlockLayout layout = blockLayout(format);
    const size_t blocks = cols / layout.elements;
    dequantizeBlocks(format, static_cast<const unsigned char*>(src) + row * blocks * layout.bytes, blocks, dst);
}

}  // namespace pagoda::cpu
