#include "engine/model/quantize.h"

#include <algorithm>
#include <cmath>

#include "kernels/cpu/block_quantize.h"
#include "kernels/cpu/convert.h"

namespace pagoda {

const char* quantizationName(Quantization q) {
    switch (q) {
        case Quantization::Int8: return "int8";
        case Quantization::Int4: return "int4";
        case Quantization::None: break;
    }
    return "none";
}

std::optional<Quantization> parseQuantization(std::string_view name) {
    if (name == "none") return Quantization::None;
    if (name == "int8") return Quantization::Int8;
    if (name == "int4") return Quantization::Int4;
    return std::nullopt;
}

QuantizedMatrix quantizeRowsInt8(const TensorView& w, ThreadPool& pool) {
    QuantizedMatrix q;
    q.rows = w.rows;
    q.cols = w.cols;
    q.values.resize(size_t(w.rows * w.cols));
    auto* values = reinterpret_cast<int8_t*>(q.values.data());
    q.scales.resize(size_t(w.rows));
    pool.parallelFor(size_t(w.rows), [&](size_t begin, size_t end) {
        for (size_t r = begin; r < end; ++r) {
            const size_t base = r * size_t(w.cols);
            float maxAbs = 0.0f;
            for (size_t i = 0; i < size_t(w.cols); ++i) maxAbs = std::max(maxAbs, std::fabs(loadAsFloat(w.data, w.type, base + i)));
            const float scale = maxAbs > 0 ? maxAbs / 127.0f : 1.0f;
            q.scales[r] = scale;
            for (size_t i = 0; i < size_t(w.cols); ++i) {
                const float v = std::nearbyint(loadAsFloat(w.data, w.type, base + i) / scale);
                values[base + i] = int8_t(std::clamp(v, -127.0f, 127.0f));
            }
        }
    });
    return q;
}

std::optional<QuantizedMatrix> quantizeRowsInt4(const TensorView& w, ThreadPool& pool) {
    constexpr cpu::BlockFormat kFormat = cpu::BlockFormat::Q4_0;
    const cpu::BlockLayout layout = cpu::blockLayout(kFormat);
    if (w.type == DType::Blocks || w.type == DType::I8 || w.cols % layout.elements != 0) return std::nullopt;
    QuantizedMatrix q;
    q.type = DType::Blocks;
    q.format = kFormat;
    q.rows = w.rows;
    q.cols = w.cols;
    const size_t rowBytes = size_t(w.cols) / layout.elements * layout.bytes;
    q.values.resize(size_t(w.rows) * rowBytes);
    pool.parallelFor(size_t(w.rows), [&](size_t begin, size_t end) {
        std::vector<float> row(size_t(w.cols));
        for (size_t r = begin; r < end; ++r) {
            cpu::convertToFloat(w.data, w.type, r * size_t(w.cols), size_t(w.cols), row.data());
            // Cannot fail: Q4_0 is written, and the row is whole blocks (checked above).
            (void)cpu::quantizeToBlocks(kFormat, row.data(), row.size(), q.values.data() + r * rowBytes);
        }
    });
    return q;
}

}  // namespace pagoda
