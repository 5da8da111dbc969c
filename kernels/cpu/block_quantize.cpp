#include "kernels/cpu/block_quantize.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/common/dtype.h"

namespace pagoda::cpu {

namespace {

// f32 → IEEE binary16, rounded to nearest even; beyond the largest finite half it saturates
// (a scale must stay finite), NaN stays NaN.
uint16_t floatToF16(float f) {
    uint32_t x = floatToBits(f);
    const uint16_t sign = uint16_t((x >> 16) & 0x8000u);
    x &= 0x7fffffffu;
    if (x > 0x7f800000u) return uint16_t(sign | 0x7e00u);
    if (x >= 0x477ff000u) return uint16_t(sign | 0x7bffu);  // ≥ 65520 would round to infinity
    if (x < 0x38800000u) {                                    // below 2^-14: a subnormal half
        return uint16_t(sign | uint16_t(std::nearbyint(bitsToFloat(x) * 16777216.0f)));  // units of 2^-24
    }
    uint32_t r = x - (112u << 23);  // rebias the exponent, then round 23 mantissa bits to 10
    r += 0x0fffu + ((r >> 13) & 1u);
    return uint16_t(sign | (r >> 13));
}

// The scale as stored, and what the elements are divided by.
float storeScale(float d, uint8_t* out) {
    const uint16_t h = floatToF16(d);
    std::memcpy(out, &h, 2);
    return f16ToFloat(h);
}

void q8_0(const float* x, uint8_t* out) {
    float amax = 0.0f;
    for (int i = 0; i < 32; ++i) amax = std::fmax(amax, std::fabs(x[i]));
    const float d = storeScale(amax / 127.0f, out);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    for (int i = 0; i < 32; ++i) out[2 + i] = uint8_t(int8_t(std::fmin(127.0f, std::fmax(-127.0f, std::round(x[i] * id)))));
}

void q4_0(const float* x, uint8_t* out) {
    float amax = 0.0f, max = 0.0f;  // max: the element of largest magnitude, with its sign
    for (int i = 0; i < 32; ++i)
        if (std::fabs(x[i]) > amax) {
            amax = std::fabs(x[i]);
            max = x[i];
        }
    const float d = storeScale(max / -8.0f, out);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    uint8_t q[32];
    for (int i = 0; i < 32; ++i) q[i] = uint8_t(std::fmin(15.0f, std::fmax(0.0f, std::floor(x[i] * id + 8.5f))));
    for (int j = 0; j < 16; ++j) out[2 + j] = uint8_t(q[j] | q[j + 16] << 4);
}

}  // namespace

bool quantizeToBlocks(BlockFormat format, const float* src, size_t n, void* dst) {
    if (format != BlockFormat::Q4_0 && format != BlockFormat::Q8_0) return false;
    const BlockLayout layout = blockLayout(format);
    if (n % layout.elements != 0) return false;
    auto* out = static_cast<uint8_t*>(dst);
    for (size_t b = 0; b < n / layout.elements; ++b, src += layout.elements, out += layout.bytes) {
        if (format == BlockFormat::Q8_0) q8_0(src, out);
        else q4_0(src, out);
    }
    return true;
}

}  // namespace pagoda::cpu
