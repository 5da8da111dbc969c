#include "kernels/cpu/packed_bf16.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace pagoda::cpu {

namespace {

constexpr size_t kTileElements = kPanelRows * kTileCols;

uint16_t elementAt(const unsigned char* rows, size_t cols, size_t r, size_t c) {
    uint16_t v;
    std::memcpy(&v, rows + 2 * (r * cols + c), 2);
    return v;
}

}  // namespace

PackedBf16 PackedBf16::pack(ThreadPool& pool, const void* rows, size_t numRows, size_t cols) {
    PackedBf16 packed;
    packed.m_rows = numRows;
    packed.m_cols = cols;
    packed.m_tilesPerPanel = (cols + kTileCols - 1) / kTileCols;
    const size_t panelElements = packed.m_tilesPerPanel * kTileElements;
    const size_t bytes = packed.bytes();
    // 64-byte aligned: one tile row is one cache line and one AMX row.
    packed.m_data.reset(static_cast<uint16_t*>(std::aligned_alloc(64, std::max<size_t>(bytes, 64))));
    if (!packed.m_data) throw std::bad_alloc();
    const auto* src = static_cast<const unsigned char*>(rows);
    uint16_t* dst = packed.m_data.get();
    pool.parallelFor(packed.numPanels(), [&](size_t begin, size_t end) {
        for (size_t panel = begin; panel < end; ++panel) {
            uint16_t* out = dst + panel * panelElements;
            for (size_t tile = 0; tile < packed.m_tilesPerPanel; ++tile)
                for (size_t pair = 0; pair < kTileCols / 2; ++pair)
                    for (size_t n = 0; n < kPanelRows; ++n)
                        for (size_t half = 0; half < 2; ++half) {
                            const size_t r = panel * kPanelRows + n, c = tile * kTileCols + 2 * pair + half;
                            *out++ = r < numRows && c < cols ? elementAt(src, cols, r, c) : uint16_t(0);
                        }
        }
    });
    return packed;
}

bool packedBf16Supported() { return kernels().multiplyPackedBf16 != nullptr; }

}  // namespace pagoda::cpu
