// Element types of checkpoint tensors and their scalar conversion to f32. Weights stay
// in their checkpoint dtype; kernels widen them element by element as they read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/common/portable.h"

namespace pagoda {

// I8 holds weight-only quantized matrices (--quantization int8): each row carries its own
// f32 scale beside the data; element reads here give the unscaled integer.
// Blocks is a matrix in one of GGUF's block formats (kernels/cpu/block_formats.h; the view
// carrying it names which): each row is a whole number of blocks, read only by the kernels
// that decode them, so it has no element size and no element reads.
enum class DType : uint8_t { F32, F16, BF16, I8, Blocks };

PAGODA_HD size_t dtypeSize(DType t) { return t == DType::F32 ? 4 : t == DType::I8 ? 1 : t == DType::Blocks ? 0 : 2; }

inline const char* dtypeName(DType t) {
    switch (t) {
        case DType::F32: return "F32";
        case DType::F16: return "F16";
        case DType::BF16: return "BF16";
        case DType::I8: return "I8";
        case DType::Blocks: return "blocks";
    }
    return "?";
}

PAGODA_HD float bitsToFloat(uint32_t bits) {
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

PAGODA_HD uint32_t floatToBits(float f) {
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

// bfloat16 is the top half of an IEEE f32, so widening is a shift.
PAGODA_HD float bf16ToFloat(uint16_t h) { return bitsToFloat(uint32_t(h) << 16); }

// Round to nearest even, as torch does when it casts f32 to bf16.
PAGODA_HD uint16_t floatToBf16(float f) {
    uint32_t bits = floatToBits(f);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return uint16_t((bits >> 16) | 0x40);  // quiet NaN
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return uint16_t(bits >> 16);
}

// IEEE binary16 → f32, exact for normals, subnormals, infinities and NaN.
PAGODA_HD float f16ToFloat(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    const uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0x1f) return bitsToFloat(sign | 0x7f800000u | (mantissa << 13));
    if (exponent != 0) return bitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    // Subnormal (or zero): value = mantissa * 2^-24, exact in f32.
    const float magnitude = float(mantissa) * 5.9604644775390625e-8f;
    return sign ? -magnitude : magnitude;
}

// Reads element i of a tensor stored in `type`; `data` needs no particular alignment.
PAGODA_HD float loadAsFloat(const void* data, DType type, size_t i) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    if (type == DType::F32) {
        float f;
        memcpy(&f, bytes + 4 * i, 4);
        return f;
    }
    if (type == DType::I8) return float(static_cast<int8_t>(bytes[i]));
    uint16_t h;
    memcpy(&h, bytes + 2 * i, 2);
    return type == DType::BF16 ? bf16ToFloat(h) : f16ToFloat(h);
}

}  // namespace pagoda
