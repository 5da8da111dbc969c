#include "kernels/cpu/block_formats.h"

#include <cstring>
#include <iterator>

#include "kernels/common/dtype.h"

namespace pagoda::cpu {

namespace {

constexpr int kSuperBlock = 256;  // elements in a K-format block

float halfAt(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return f16ToFloat(h);
}

// Q4_K and Q5_K pack eight 6-bit scales and eight 6-bit minimums into 12 bytes: the first
// four of each in the low 6 bits of bytes 0–3 and 4–7, the last four split between the
// nibbles of bytes 8–11 and the top 2 bits of bytes 0–7.
void scalesAndMins(const uint8_t* packed, uint8_t scale[8], uint8_t min[8]) {
    for (int j = 0; j < 4; ++j) {
        scale[j] = packed[j] & 0x3f;
        min[j] = packed[4 + j] & 0x3f;
        scale[4 + j] = uint8_t((packed[8 + j] & 0x0f) | ((packed[j] >> 2) & 0x30));
        min[4 + j] = uint8_t((packed[8 + j] >> 4) | ((packed[4 + j] >> 2) & 0x30));
    }
}

// 32-element formats: the low nibbles of 16 bytes are elements 0–15, the high ones 16–31.
int nibble(const uint8_t* qs, int i) { return i < 16 ? qs[i] & 0x0f : qs[i - 16] >> 4; }

void q4_0(const uint8_t* b, float* out) {
    const float d = halfAt(b);
    for (int i = 0; i < 32; ++i) out[i] = d * float(nibble(b + 2, i) - 8);
}

void q4_1(const uint8_t* b, float* out) {
    const float d = halfAt(b), m = halfAt(b + 2);
    for (int i = 0; i < 32; ++i) {
        const float scaled = d * float(nibble(b + 4, i));
        out[i] = scaled + m;
    }
}

uint32_t highBits(const uint8_t* p) {
    uint32_t bits;
    std::memcpy(&bits, p, 4);
    return bits;
}

void q5_0(const uint8_t* b, float* out) {
    const float d = halfAt(b);
    const uint32_t high = highBits(b + 2);
    for (int i = 0; i < 32; ++i) out[i] = d * float((nibble(b + 6, i) | int((high >> i) & 1) << 4) - 16);
}

void q5_1(const uint8_t* b, float* out) {
    const float d = halfAt(b), m = halfAt(b + 2);
    const uint32_t high = highBits(b + 4);
    for (int i = 0; i < 32; ++i) {
        const float scaled = d * float(nibble(b + 8, i) | int((high >> i) & 1) << 4);
        out[i] = scaled + m;
    }
}

void q8_0(const uint8_t* b, float* out) {
    const float d = halfAt(b);
    for (int i = 0; i < 32; ++i) out[i] = float(int8_t(b[2 + i])) * d;
}

// K formats: 256 elements; the 2-bit (Q2_K, Q3_K) and 6-bit (Q6_K) quants of element e sit
// in 32-byte groups of 128 elements, each byte holding the same position of four 32-element
// runs in its bit pairs.
int twoBits(const uint8_t* qs, int e) { return (qs[(e / 128) * 32 + e % 32] >> (2 * ((e % 128) / 32))) & 3; }

void q2_k(const uint8_t* b, float* out) {
    const uint8_t* scales = b;
    const uint8_t* qs = b + 16;
    const float d = halfAt(b + 80), dmin = halfAt(b + 82);
    for (int e = 0; e < kSuperBlock; ++e) {
        const uint8_t s = scales[e / 16];
        const float dl = d * float(s & 0x0f), ml = dmin * float(s >> 4);
        const float scaled = dl * float(twoBits(qs, e));
        out[e] = scaled - ml;
    }
}

void q3_k(const uint8_t* b, float* out) {
    const uint8_t* hmask = b;
    const uint8_t* qs = b + 32;
    const uint8_t* scales = b + 96;
    const float d = halfAt(b + 108);
    for (int e = 0; e < kSuperBlock; ++e) {
        const int k = e / 16;  // 16 scales of 6 bits: 4 low bits from bytes 0–7, 2 high from 8–11
        const int low = (k < 8 ? scales[k] : scales[k - 8] >> 4) & 0x0f;
        const int high = (scales[8 + k % 4] >> (2 * (k / 4))) & 3;
        const float dl = d * float(int8_t(uint8_t(low | high << 4)) - 32);
        // A clear high bit subtracts 4: the stored quant is offset by the mask.
        const int masked = ((hmask[e % 32] >> (e / 32)) & 1) ^ 1;
        out[e] = dl * float(twoBits(qs, e) - (masked << 2));
    }
}

void q4_k(const uint8_t* b, float* out, bool fifthBit) {
    const float d = halfAt(b), dmin = halfAt(b + 2);
    uint8_t scale[8], min[8];
    scalesAndMins(b + 4, scale, min);
    const uint8_t* qh = b + 16;
    const uint8_t* qs = fifthBit ? b + 48 : b + 16;
    for (int j = 0; j < 8; ++j) {  // eight runs of 32: run j is nibble j % 2 of bytes 32 × (j / 2)…
        const float dj = d * float(scale[j]), mj = dmin * float(min[j]);
        for (int i = 0; i < 32; ++i) {
            int q = (qs[(j / 2) * 32 + i] >> (4 * (j % 2))) & 0x0f;
            if (fifthBit) q |= ((qh[i] >> j) & 1) << 4;
            const float scaled = dj * float(q);
            out[j * 32 + i] = scaled - mj;
        }
    }
}

void q6_k(const uint8_t* b, float* out) {
    const uint8_t* ql = b;
    const uint8_t* qh = b + 128;
    const auto* scales = reinterpret_cast<const int8_t*>(b + 192);
    const float d = halfAt(b + 208);
    for (int e = 0; e < kSuperBlock; ++e) {
        const int half = e / 128, within = e % 128;
        const int low = (ql[half * 64 + within % 64] >> (4 * (within / 64))) & 0x0f;
        const int high = (qh[half * 32 + e % 32] >> (2 * (within / 32))) & 3;
        const float ds = d * float(scales[e / 16]);
        out[e] = ds * float(int8_t(uint8_t(low | high << 4)) - 32);
    }
}

}  // namespace

namespace {

struct FormatInfo {
    const char* name;
    BlockLayout layout;
};

// Indexed by BlockFormat.
constexpr FormatInfo kFormats[] = {
    {"F32", {1, 4}},      {"F16", {1, 2}},      {"BF16", {1, 2}},     {"Q4_0", {32, 18}},   {"Q4_1", {32, 20}},
    {"Q5_0", {32, 22}},   {"Q5_1", {32, 24}},   {"Q8_0", {32, 34}},   {"Q2_K", {256, 84}},  {"Q3_K", {256, 110}},
    {"Q4_K", {256, 144}}, {"Q5_K", {256, 176}}, {"Q6_K", {256, 210}},
};
static_assert(std::size(kFormats) == size_t(BlockFormat::Q6_K) + 1, "one entry per BlockFormat");

}  // namespace

BlockLayout blockLayout(BlockFormat format) { return kFormats[size_t(format)].layout; }
const char* blockFormatName(BlockFormat format) { return kFormats[size_t(format)].name; }

void dequantizeBlocks(BlockFormat format, const void* blocks, size_t blockCount, float* out) {
    const auto* b = static_cast<const uint8_t*>(blocks);
    const BlockLayout layout = blockLayout(format);
    for (size_t n = 0; n < blockCount; ++n, b += layout.bytes, out += layout.elements) {
        switch (format) {
            case BlockFormat::F32: std::memcpy(out, b, 4); break;
            case BlockFormat::F16: *out = halfAt(b); break;
            case BlockFormat::BF16: {
                uint16_t h;
                std::memcpy(&h, b, 2);
                *out = bf16ToFloat(h);
                break;
            }
            case BlockFormat::Q4_0: q4_0(b, out); break;
            case BlockFormat::Q4_1: q4_1(b, out); break;
            case BlockFormat::Q5_0: q5_0(b, out); break;
            case BlockFormat::Q5_1: q5_1(b, out); break;
            case BlockFormat::Q8_0: q8_0(b, out); break;
            case BlockFormat::Q2_K: q2_k(b, out); break;
            case BlockFormat::Q3_K: q3_k(b, out); break;
            case BlockFormat::Q4_K: q4_k(b, out, false); break;
            case BlockFormat::Q5_K: q4_k(b, out, true); break;
            case BlockFormat::Q6_K: q6_k(b, out); break;
        }
    }
}

}  // namespace pagoda::cpu
