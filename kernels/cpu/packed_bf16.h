// bf16 weights repacked once, at load, into the layout the tile kernels read (kernel_table.h,
// PackedRows): AMX multiplies its tiles as they are, vdpbf16ps reads a tile row as 16 outputs,
// and decode streams each 16-row panel as one contiguous run instead of 16 rows of a matrix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "kernels/cpu/isa/kernel_table.h"
#include "kernels/cpu/thread_pool.h"

namespace pagoda::cpu {

inline constexpr size_t kPanelRows = 16;
inline constexpr size_t kTileCols = 32;

class PackedBf16 {
public:
    // rows: [numRows, cols] bf16, row-major (as checkpoints store Linear weights), any alignment.
    static PackedBf16 pack(ThreadPool& pool, const void* rows, size_t numRows, size_t cols);

    PackedRows view() const { return {m_data.get(), m_rows, m_cols, m_tilesPerPanel}; }
    size_t rows() const { return m_rows; }
    size_t cols() const { return m_cols; }
    size_t numPanels() const { return (m_rows + kPanelRows - 1) / kPanelRows; }
    size_t paddedCols() const { return m_tilesPerPanel * kTileCols; }
    size_t bytes() const { return numPanels() * m_tilesPerPanel * kPanelRows * kTileCols * sizeof(uint16_t); }

private:
    struct Free {
        void operator()(uint16_t* p) const { std::free(p); }
    };
    std::unique_ptr<uint16_t[], Free> m_data;
    size_t m_rows = 0;
    size_t m_cols = 0;
    size_t m_tilesPerPanel = 0;
};

// Whether the active kernels multiply packed weights (Avx512Bf16 and Amx); below that the
// engine keeps bf16 weights as the checkpoint stores them.
bool packedBf16Supported();

}  // namespace pagoda::cpu
