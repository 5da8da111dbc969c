#include "kernels/cpu/packed_bf16.h"

#include <algorithm>
#include <cstring>
#include <new>

#include <sys/mman.h>

namespace pagoda::cpu {

namespace {

constexpr size_t kTileElements = kPanelRows * kTileCols;
constexpr size_t kHugePage = size_t(2) << 20;

uint16_t elementAt(const unsigned char* rows, size_t cols, size_t r, size_t c) {
    uint16_t v;
    std::memcpy(&v, rows + 2 * (r * cols + c), 2);
    return v;
}

// A whole tile (16 rows and 32 columns inside the matrix): tile row p is the 32-bit pair p of
// each of the 16 rows, a 16 × 16 transpose of 32-bit words.
void packWholeTile(const unsigned char* rows, size_t cols, size_t r0, size_t c0, uint16_t* out) {
    uint32_t* words = reinterpret_cast<uint32_t*>(out);
    for (size_t n = 0; n < kPanelRows; ++n) {
        const unsigned char* row = rows + 2 * ((r0 + n) * cols + c0);
        for (size_t p = 0; p < kTileCols / 2; ++p) std::memcpy(&words[p * kPanelRows + n], row + 4 * p, 4);
    }
}

// A tile at the matrix's edge, element by element, zeros outside.
void packEdgeTile(const unsigned char* rows, size_t numRows, size_t cols, size_t r0, size_t c0, uint16_t* out) {
    for (size_t p = 0; p < kTileCols / 2; ++p)
        for (size_t n = 0; n < kPanelRows; ++n)
            for (size_t half = 0; half < 2; ++half) {
                const size_t r = r0 + n, c = c0 + 2 * p + half;
                *out++ = r < numRows && c < cols ? elementAt(rows, cols, r, c) : uint16_t(0);
            }
}

}  // namespace

PackedBf16 PackedBf16::pack(ThreadPool& pool, const void* rows, size_t numRows, size_t cols) {
    PackedBf16 packed;
    packed.m_rows = numRows;
    packed.m_cols = cols;
    packed.m_tilesPerPanel = (cols + kTileCols - 1) / kTileCols;
    const size_t bytes = packed.bytes();
    // 64-byte aligned, so a tile row is one cache line and one AMX row; large matrices on
    // 2 MiB boundaries and transparent huge pages where the kernel allows them (fewer page
    // faults while packing, fewer TLB misses while streaming).
    const size_t alignment = bytes >= kHugePage ? kHugePage : 64;
    const size_t allocated = std::max((bytes + alignment - 1) / alignment * alignment, alignment);
    packed.m_data.reset(static_cast<uint16_t*>(std::aligned_alloc(alignment, allocated)));
    if (!packed.m_data) throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
    if (alignment == kHugePage) madvise(packed.m_data.get(), allocated, MADV_HUGEPAGE);
#endif
    const auto* src = static_cast<const unsigned char*>(rows);
    uint16_t* dst = packed.m_data.get();
    const size_t panelElements = packed.m_tilesPerPanel * kTileElements;
    pool.parallelFor(packed.numPanels(), [&](size_t begin, size_t end) {
        for (size_t panel = begin; panel < end; ++panel)
            for (size_t tile = 0; tile < packed.m_tilesPerPanel; ++tile) {
                const size_t r0 = panel * kPanelRows, c0 = tile * kTileCols;
                uint16_t* out = dst + panel * panelElements + tile * kTileElements;
                if (r0 + kPanelRows <= numRows && c0 + kTileCols <= cols)
                    packWholeTile(src, cols, r0, c0, out);
                else
                    packEdgeTile(src, numRows, cols, r0, c0, out);
            }
    });
    return packed;
}

bool packedBf16Supported() { return kernels().multiplyPackedBf16 != nullptr; }

}  // namespace pagoda::cpu
