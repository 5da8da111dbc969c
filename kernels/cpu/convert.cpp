#include "kernels/cpu/convert.h"

#include <cstdint>
#include <cstring>

namespace pagoda::cpu {

// Widening is as hot as the products in decode (every weight byte passes through it once),
// so it is compiled for AVX-512 and AVX2 too and picked at run time.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
void convertToFloat(const void* src, DType type, size_t offset, size_t n, float* dst) {
    const auto* bytes = static_cast<const unsigned char*>(src) + offset * dtypeSize(type);
    switch (type) {
        case DType::F32:
            memcpy(dst, bytes, n * sizeof(float));
            return;
        case DType::BF16:
            for (size_t i = 0; i < n; ++i) {
                uint16_t h;
                memcpy(&h, bytes + 2 * i, 2);
                dst[i] = bf16ToFloat(h);
            }
            return;
        case DType::F16:
            for (size_t i = 0; i < n; ++i) {
                uint16_t h;
                memcpy(&h, bytes + 2 * i, 2);
                dst[i] = f16ToFloat(h);
            }
            return;
    }
}

}  // namespace pagoda::cpu
