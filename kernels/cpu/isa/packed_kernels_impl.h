// Products of bf16 weights packed as kernel_table.h's PackedRows describes, for the tables with
// AVX512_BF16 (and AMX). Part of kernels_impl.h: same anonymous-namespace rules (simd.h).
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/cpu/isa/kernel_table.h"

namespace pagoda::cpu {
namespace {

#if defined(__AVX512BF16__)

constexpr size_t kPackedPanelRows = 16;
constexpr size_t kTileValues = 16 * 32;  // bf16 values in one 1-KiB tile
constexpr size_t kPairsPerTile = 16;

inline const uint16_t* panelTiles(const PackedRows& w, size_t panel) {
    return w.panels + panel * w.tilesPerPanel * kTileValues;
}

// The outputs of one panel that exist: a partial last panel stores only its rows.
inline __mmask16 panelMask(const PackedRows& w, size_t panel) {
    const size_t valid = w.rows - panel * kPackedPanelRows;
    return valid >= kPackedPanelRows ? __mmask16(0xffff) : __mmask16((1u << valid) - 1);
}

// Decode: kTokens tokens against one panel, exact. Each 64-byte tile row holds 16 pairs; the
// low halves widen to the even columns' weights, the high halves to the odd ones, each scaled
// by a broadcast of that column of x. The panel is one contiguous run, read front to back.
template <size_t kTokens>
void multiplyPanelF32(const float* x, size_t xStride, const PackedRows& w, size_t panel, float* y, size_t yStride) {
    __m512 even[kTokens], odd[kTokens];
    for (size_t t = 0; t < kTokens; ++t) even[t] = odd[t] = _mm512_setzero_ps();
    const uint16_t* tiles = panelTiles(w, panel);
    const size_t pairs = w.tilesPerPanel * kPairsPerTile;
    const __m512i highHalves = _mm512_set1_epi32(int32_t(0xffff0000u));
    for (size_t p = 0; p < pairs; ++p) {
        const uint16_t* row = tiles + p * 32;
        // Four tiles (4 KiB) ahead, into the next panel at the end: the hardware prefetcher
        // alone left one core's stream at 23 GB/s of 33 (2 cores); 4 KiB gave 31, 2 and 8 less.
        __builtin_prefetch(row + 4 * kTileValues);
        const __m512i pair = _mm512_load_si512(row);
        const __m512 lo = _mm512_castsi512_ps(_mm512_slli_epi32(pair, 16));
        const __m512 hi = _mm512_castsi512_ps(_mm512_and_si512(pair, highHalves));
        for (size_t t = 0; t < kTokens; ++t) {
            even[t] = _mm512_fmadd_ps(_mm512_set1_ps(x[t * xStride + 2 * p]), lo, even[t]);
            odd[t] = _mm512_fmadd_ps(_mm512_set1_ps(x[t * xStride + 2 * p + 1]), hi, odd[t]);
        }
    }
    const __mmask16 mask = panelMask(w, panel);
    for (size_t t = 0; t < kTokens; ++t)
        _mm512_mask_storeu_ps(y + t * yStride + panel * kPackedPanelRows, mask, _mm512_add_ps(even[t], odd[t]));
}

void multiplyPacked(const float* x, size_t xStride, size_t numTokens, const PackedRows& w, size_t panel0,
                    size_t panelCount, float* y, size_t yStride) {
    for (size_t panel = panel0; panel < panel0 + panelCount; ++panel) {
        size_t t = 0;
        for (; t + 4 <= numTokens; t += 4) multiplyPanelF32<4>(x + t * xStride, xStride, w, panel, y + t * yStride, yStride);
        const float* xt = x + t * xStride;
        float* yt = y + t * yStride;
        switch (numTokens - t) {
            case 3: multiplyPanelF32<3>(xt, xStride, w, panel, yt, yStride); break;
            case 2: multiplyPanelF32<2>(xt, xStride, w, panel, yt, yStride); break;
            case 1: multiplyPanelF32<1>(xt, xStride, w, panel, yt, yStride); break;
            default: break;
        }
    }
}

// Batches with vdpbf16ps: kTokens × kPanels accumulators of 16 outputs. Per pair of columns,
// kPanels tile rows are loaded and each token's pair is broadcast as one 32-bit value, so one
// instruction adds x[2p]·w[n][2p] + x[2p+1]·w[n][2p+1] for 16 rows n.
template <size_t kTokens, size_t kPanels>
void multiplyBlockBf16(const uint16_t* x, size_t xStride, const PackedRows& w, size_t panel, float* y,
                       size_t yStride) {
    __m512 acc[kTokens][kPanels];
    for (auto& row : acc)
        for (auto& a : row) a = _mm512_setzero_ps();
    const uint16_t* tiles[kPanels];
    for (size_t j = 0; j < kPanels; ++j) tiles[j] = panelTiles(w, panel + j);
    const size_t pairs = w.tilesPerPanel * kPairsPerTile;
    for (size_t p = 0; p < pairs; ++p) {
        __m512bh wv[kPanels];
        for (size_t j = 0; j < kPanels; ++j) wv[j] = (__m512bh)_mm512_load_si512(tiles[j] + p * 32);
        for (size_t t = 0; t < kTokens; ++t) {
            int32_t xPair;
            std::memcpy(&xPair, x + t * xStride + 2 * p, 4);
            const __m512bh xv = (__m512bh)_mm512_set1_epi32(xPair);
            for (size_t j = 0; j < kPanels; ++j) acc[t][j] = _mm512_dpbf16_ps(acc[t][j], xv, wv[j]);
        }
    }
    for (size_t j = 0; j < kPanels; ++j) {
        const __mmask16 mask = panelMask(w, panel + j);
        for (size_t t = 0; t < kTokens; ++t)
            _mm512_mask_storeu_ps(y + t * yStride + (panel + j) * kPackedPanelRows, mask, acc[t][j]);
    }
}

template <size_t kPanels>
void multiplyPanelsBf16(const uint16_t* x, size_t xStride, size_t numTokens, const PackedRows& w, size_t panel,
                        float* y, size_t yStride) {
    constexpr size_t kTokens = 6;  // 6 × 4 accumulators + 4 weight rows + 1 broadcast: 29 of 32 registers
    size_t t = 0;
    for (; t + kTokens <= numTokens; t += kTokens)
        multiplyBlockBf16<kTokens, kPanels>(x + t * xStride, xStride, w, panel, y + t * yStride, yStride);
    const uint16_t* xt = x + t * xStride;
    float* yt = y + t * yStride;
    switch (numTokens - t) {
        case 5: multiplyBlockBf16<5, kPanels>(xt, xStride, w, panel, yt, yStride); break;
        case 4: multiplyBlockBf16<4, kPanels>(xt, xStride, w, panel, yt, yStride); break;
        case 3: multiplyBlockBf16<3, kPanels>(xt, xStride, w, panel, yt, yStride); break;
        case 2: multiplyBlockBf16<2, kPanels>(xt, xStride, w, panel, yt, yStride); break;
        case 1: multiplyBlockBf16<1, kPanels>(xt, xStride, w, panel, yt, yStride); break;
        default: break;
    }
}

[[maybe_unused]] void multiplyPackedDpbf16(const uint16_t* x, size_t xStride, size_t numTokens, const PackedRows& w, size_t panel0,
                          size_t panelCount, float* y, size_t yStride) {
    size_t panel = panel0;
    const size_t end = panel0 + panelCount;
    for (; panel + 4 <= end; panel += 4) multiplyPanelsBf16<4>(x, xStride, numTokens, w, panel, y, yStride);
    switch (end - panel) {
        case 3: multiplyPanelsBf16<3>(x, xStride, numTokens, w, panel, y, yStride); break;
        case 2: multiplyPanelsBf16<2>(x, xStride, numTokens, w, panel, y, yStride); break;
        case 1: multiplyPanelsBf16<1>(x, xStride, numTokens, w, panel, y, yStride); break;
        default: break;
    }
}

void roundToBf16(const float* x, size_t n, uint16_t* out) {
    for (size_t i = 0; i < n; i += 16) {
        const size_t left = n - i;
        const __mmask16 mask = left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
        const __m256bh rounded = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, x + i));
        _mm256_mask_storeu_epi16(out + i, mask, (__m256i)rounded);
    }
}

#endif  // __AVX512BF16__

#if defined(__AMX_BF16__)

// AMX: tiles 0-3 accumulate a 32-token × 32-output block in f32, tiles 4-5 hold 16 tokens × 32
// columns of x each, tiles 6-7 one tile of a panel each. Every tile is 16 rows of 64 bytes.
struct alignas(64) TileConfig {
    uint8_t palette = 1;
    uint8_t startRow = 0;
    uint8_t reserved[14] = {};
    uint16_t bytesPerRow[16] = {};
    uint8_t rows[16] = {};
};

inline void configureTiles() {
    TileConfig config;
    for (int i = 0; i < 8; ++i) {
        config.bytesPerRow[i] = 64;
        config.rows[i] = 16;
    }
    _tile_loadconfig(&config);
}

// GCC's tile intrinsics take the tile number as a literal (they paste it into the assembly).
template <int kTile>
inline void storeTileTo(void* p, size_t strideBytes) {
    if constexpr (kTile == 0) _tile_stored(0, p, strideBytes);
    if constexpr (kTile == 1) _tile_stored(1, p, strideBytes);
    if constexpr (kTile == 2) _tile_stored(2, p, strideBytes);
    if constexpr (kTile == 3) _tile_stored(3, p, strideBytes);
}

// Writes accumulator tile `kTile` (16 tokens × 16 outputs) to y, straight when every row and
// output exists, through a scratch tile otherwise.
template <int kTile>
inline void storeTile(float* y, size_t yStride, size_t tokens, __mmask16 mask) {
    if (tokens >= 16 && mask == 0xffff) {
        storeTileTo<kTile>(y, yStride * sizeof(float));
        return;
    }
    alignas(64) float scratch[16 * 16];
    storeTileTo<kTile>(scratch, 64);
    for (size_t t = 0; t < tokens && t < 16; ++t) _mm512_mask_storeu_ps(y + t * yStride, mask, _mm512_load_ps(scratch + 16 * t));
}

template <int kTokenBlocks, int kPanels>
void multiplyBlockAmx(const uint16_t* x, size_t xStride, size_t tokens, const PackedRows& w, size_t panel, float* y,
                      size_t yStride) {
    const uint16_t* b0 = panelTiles(w, panel);
    const uint16_t* b1 = kPanels > 1 ? panelTiles(w, panel + 1) : b0;
    const size_t xBytes = xStride * sizeof(uint16_t);
    _tile_zero(0);
    if constexpr (kPanels > 1) _tile_zero(1);
    if constexpr (kTokenBlocks > 1) _tile_zero(2);
    if constexpr (kTokenBlocks > 1 && kPanels > 1) _tile_zero(3);
    for (size_t k = 0; k < w.tilesPerPanel; ++k) {
        _tile_loadd(4, x + k * 32, xBytes);
        _tile_loadd(6, b0 + k * kTileValues, 64);
        _tile_dpbf16ps(0, 4, 6);
        if constexpr (kPanels > 1) {
            _tile_loadd(7, b1 + k * kTileValues, 64);
            _tile_dpbf16ps(1, 4, 7);
        }
        if constexpr (kTokenBlocks > 1) {
            _tile_loadd(5, x + 16 * xStride + k * 32, xBytes);
            _tile_dpbf16ps(2, 5, 6);
            if constexpr (kPanels > 1) _tile_dpbf16ps(3, 5, 7);
        }
    }
    const size_t column = panel * kPackedPanelRows;
    storeTile<0>(y + column, yStride, tokens, panelMask(w, panel));
    if constexpr (kPanels > 1) storeTile<1>(y + column + 16, yStride, tokens, panelMask(w, panel + 1));
    if constexpr (kTokenBlocks > 1) {
        storeTile<2>(y + 16 * yStride + column, yStride, tokens - 16, panelMask(w, panel));
        if constexpr (kPanels > 1) storeTile<3>(y + 16 * yStride + column + 16, yStride, tokens - 16, panelMask(w, panel + 1));
    }
}

// Panels in pairs, tokens in pairs of 16-row blocks: each loaded tile feeds two products.
// x's rows up to numTokens rounded up to 16 are readable (zeros), so every A tile is whole.
void multiplyPackedAmx(const uint16_t* x, size_t xStride, size_t numTokens, const PackedRows& w, size_t panel0,
                       size_t panelCount, float* y, size_t yStride) {
    configureTiles();
    const size_t end = panel0 + panelCount;
    for (size_t panel = panel0; panel < end; panel += 2) {
        const bool twoPanels = panel + 1 < end;
        for (size_t t = 0; t < numTokens; t += 32) {
            const uint16_t* xt = x + t * xStride;
            float* yt = y + t * yStride;
            const size_t tokens = numTokens - t;
            if (tokens > 16) {
                if (twoPanels) multiplyBlockAmx<2, 2>(xt, xStride, tokens, w, panel, yt, yStride);
                else multiplyBlockAmx<2, 1>(xt, xStride, tokens, w, panel, yt, yStride);
            } else {
                if (twoPanels) multiplyBlockAmx<1, 2>(xt, xStride, tokens, w, panel, yt, yStride);
                else multiplyBlockAmx<1, 1>(xt, xStride, tokens, w, panel, yt, yStride);
            }
        }
    }
    _tile_release();
}

constexpr auto kMultiplyPackedBf16 = multiplyPackedAmx;
#elif defined(__AVX512BF16__)
constexpr auto kMultiplyPackedBf16 = multiplyPackedDpbf16;
#endif

#if defined(__AVX512BF16__)
constexpr auto kMultiplyPacked = multiplyPacked;
constexpr auto kRoundToBf16 = roundToBf16;
#else
constexpr decltype(KernelTable::multiplyPacked) kMultiplyPacked = nullptr;
constexpr decltype(KernelTable::multiplyPackedBf16) kMultiplyPackedBf16 = nullptr;
constexpr decltype(KernelTable::roundToBf16) kRoundToBf16 = nullptr;
#endif

}  // namespace
}  // namespace pagoda::cpu
