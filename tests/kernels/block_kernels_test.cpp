// The kernels that compute on GGUF's quantized blocks (DType::Blocks): every block format on
// every instruction-set table this machine can run, against references in double computed from
// the reference decoders (dequantizeBlocks), on shapes that divide nothing; linear() on them with
// bias, a wide output stride, either strategy and any thread count; and quantizeToBlocks.
//
// Tolerances. The integer kernels multiply the blocks by activations quantized to 8 bits: per
// group g (the block's element count, activationGroup()), dx_g = max|x| / 127 and qx = round(x /
// dx_g), so each element is off by at most dx_g / 2 and an output by at most
//     Σ_i |w_i| · dx_g(i) / 2                                        (the quantization bound),
// which is asserted per output. What remains is f32 rounding: the integer sums are exact, and
// the f32 products and sums of at most a few thousand terms stay below 1e-5 of the magnitude
// M = Σ_i (|w_i| + a_i) · |x_i|, where a_i is the largest |w| of i's block: the offsets and
// minimums the kernels subtract are bounded by it, so M covers the cancellation between them.
// Against the same quantized activations (x replaced by dx · qx) only that rounding remains.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/common/dtype.h"
#include "kernels/cpu/block_formats.h"
#include "kernels/cpu/block_quantize.h"
#include "kernels/cpu/isa/kernel_table.h"
#include "kernels/cpu/linear.h"
#include "kernels/cpu/thread_pool.h"
#include "tests/support/random_floats.h"

using namespace pagoda;
using namespace pagoda::cpu;

namespace {

using test::randomFloats;

const BlockFormat kFormats[] = {BlockFormat::Q4_0, BlockFormat::Q4_1, BlockFormat::Q5_0, BlockFormat::Q5_1,
                                BlockFormat::Q8_0, BlockFormat::Q2_K, BlockFormat::Q3_K, BlockFormat::Q4_K,
                                BlockFormat::Q5_K, BlockFormat::Q6_K};
const size_t kRowCounts[] = {37, 131};
const size_t kBlocksPerRow[] = {1, 3, 11};
const size_t kTokenCounts[] = {1, 2, 3, 5, 17, 64};
constexpr double kRounding = 1e-5;  // f32 rounding, relative to M (see the top)

// QVERIFY2 whose message is only built on failure (these loops check millions of values).
#define CHECK(condition, message)                       \
    do {                                                \
        if (!(condition)) QFAIL(qPrintable(message));   \
    } while (false)

std::vector<Isa> runnableIsas() {
    std::vector<Isa> isas;
    for (Isa isa : {Isa::Baseline, Isa::Avx2, Isa::Avx512, Isa::Avx512Bf16, Isa::Amx})
        if (isa <= detectIsa()) isas.push_back(isa);
    return isas;
}

// Where each format keeps its f16 scales (d, and dmin or m).
std::vector<size_t> halfOffsets(BlockFormat f) {
    switch (f) {
        case BlockFormat::Q4_1:
        case BlockFormat::Q5_1:
        case BlockFormat::Q4_K:
        case BlockFormat::Q5_K: return {0, 2};
        case BlockFormat::Q2_K: return {80, 82};
        case BlockFormat::Q3_K: return {108};
        case BlockFormat::Q6_K: return {208};
        default: return {0};
    }
}

// Random but valid blocks: random bytes, with every f16 scale a finite normal number of either
// sign between 2^-10 and 2^-4.
struct BlockMatrix {
    BlockFormat format;
    size_t rows, cols;
    std::vector<uint8_t> storage;  // one byte past an aligned address: files need not align tensors
    std::vector<float> decoded;    // dequantizeBlocks of every row
    std::vector<float> blockMax;   // per element: the largest |w| of its block

    BlockMatrix(BlockFormat f, size_t r, size_t blocksPerRow, uint32_t seed) : format(f), rows(r) {
        const BlockLayout layout = blockLayout(f);
        cols = blocksPerRow * layout.elements;
        const size_t blocks = rows * blocksPerRow;
        storage.resize(blocks * layout.bytes + 1);
        std::mt19937 rng(seed);
        for (auto& byte : storage) byte = uint8_t(rng());
        for (size_t b = 0; b < blocks; ++b)
            for (size_t offset : halfOffsets(f)) {
                const uint16_t h = uint16_t((rng() & 0x8000u) | ((5 + rng() % 7) << 10) | (rng() & 0x3ffu));
                std::memcpy(data() + b * layout.bytes + offset, &h, 2);
            }
        decoded.resize(rows * cols);
        dequantizeBlocks(f, data(), blocks, decoded.data());
        blockMax.resize(rows * cols);
        for (size_t b = 0; b < blocks; ++b) {
            float m = 0;
            for (size_t i = 0; i < layout.elements; ++i) m = std::max(m, std::fabs(decoded[b * layout.elements + i]));
            std::fill_n(blockMax.begin() + b * layout.elements, layout.elements, m);
        }
    }
    uint8_t* data() { return storage.data() + 1; }
    Matrix matrix() { return {data(), DType::Blocks, rows, cols, nullptr, format}; }
    WeightRows rowsView() { return {data(), DType::Blocks, nullptr, cols, format}; }
};

// x quantized by one table, kept for the kernels and the references.
struct Quantized {
    std::vector<int8_t> q;
    std::vector<float> scales;
    std::vector<int16_t> sums;
    size_t cols, group;

    Quantized(const KernelTable& k, const std::vector<float>& x, size_t tokens, size_t c, size_t g)
        : q(tokens * c), scales(tokens * c / g), sums(tokens * c / 16), cols(c), group(g) {
        for (size_t t = 0; t < tokens; ++t)
            k.quantizeActivations(&x[t * c], c, g, &q[t * c], &scales[t * (c / g)], &sums[t * (c / 16)]);
    }
    QuantizedActivations view() const { return {q.data(), scales.data(), sums.data(), cols, group}; }
    double value(size_t t, size_t i) const { return double(scales[(t * cols + i) / group]) * q[t * cols + i]; }
};

// What one output must be, and how far it may be: the exact product with x, the bound of the
// activation quantization, the product with the quantized x, and the rounding allowance.
struct Expected {
    double exact, quantizationBound, onQuantized, rounding;
};

Expected expected(const BlockMatrix& w, size_t row, const float* x, const Quantized& xq, size_t t) {
    Expected e{0, 0, 0, 0};
    const float* wr = &w.decoded[row * w.cols];
    const float* ar = &w.blockMax[row * w.cols];
    for (size_t i = 0; i < w.cols; ++i) {
        const double dx = xq.scales[(t * w.cols + i) / xq.group];
        e.exact += double(wr[i]) * x[i];
        e.quantizationBound += std::fabs(double(wr[i])) * dx / 2;
        e.onQuantized += double(wr[i]) * xq.value(t, i);
        e.rounding += (std::fabs(double(wr[i])) + ar[i]) * (std::fabs(x[i]) + dx / 2);
    }
    e.quantizationBound *= 1 + kRounding;
    e.rounding *= kRounding;
    return e;
}

QString where(Isa isa, BlockFormat f, size_t rows, size_t cols, size_t tokens, size_t t, size_t r) {
    return QString("%1 %2 rows %3 cols %4 tokens %5: token %6 row %7")
        .arg(isaName(isa)).arg(blockFormatName(f)).arg(rows).arg(cols).arg(tokens).arg(t).arg(r);
}

}  // namespace

class BlockKernelsTest : public QObject {
    Q_OBJECT

private slots:
    void activationGroupsAreTheBlockSizes() {
        for (BlockFormat f : kFormats) QCOMPARE(activationGroup(f), size_t(blockLayout(f).elements));
    }

    // Same bytes from every table; |q| <= 127; each element within dx / 2; the sums are of q.
    void activationsQuantizeIdenticallyOnEveryTable() {
        for (size_t group : {32, 256})
            for (size_t cols : {group, 3 * group, 11 * group}) {
                auto x = randomFloats(cols, uint32_t(cols + group));
                x[5] = 0.0f;
                if (cols > group) std::fill_n(x.begin() + group, group, 0.0f);  // a group of zeros: dx = 0
                x[cols - 1] *= 40.0f;                                           // an outlier
                const Quantized reference(kernelsFor(Isa::Baseline), x, 1, cols, group);
                for (Isa isa : runnableIsas()) {
                    const Quantized got(kernelsFor(isa), x, 1, cols, group);
                    QVERIFY2(got.q == reference.q && got.sums == reference.sums, isaName(isa));
                    QVERIFY2(std::memcmp(got.scales.data(), reference.scales.data(), got.scales.size() * 4) == 0, isaName(isa));
                }
                for (size_t i = 0; i < cols; ++i) {
                    const double dx = reference.scales[i / group];
                    QVERIFY(std::abs(reference.q[i]) <= 127);
                    CHECK(std::fabs(x[i] - reference.value(0, i)) <= dx / 2 * (1 + 1e-6),
                          QString("group %1 element %2").arg(group).arg(i));
                }
                for (size_t k = 0; k < cols / 16; ++k) {
                    int sum = 0;
                    for (size_t i = 16 * k; i < 16 * k + 16; ++i) sum += reference.q[i];
                    QCOMPARE(int(reference.sums[k]), sum);
                }
            }
    }

    // Every table's multiplyBlocks over rows [1, 1 + rows) of a matrix of rows + 2, written into a
    // stride wider than the rows: within the quantization bound of the exact product, within
    // rounding of the product with the same quantized activations, and nothing else touched.
    void multiplyBlocksMatchesTheReferenceOnEveryTable() {
        for (BlockFormat f : kFormats)
            for (size_t blocksPerRow : kBlocksPerRow)
                for (size_t rows : kRowCounts)
                    for (size_t tokens : kTokenCounts) {
                        if (rows == 131 && tokens == 64 && blocksPerRow == 11) continue;  // the largest: linear() below
                        BlockMatrix w(f, rows + 2, blocksPerRow, uint32_t(int(f) * 1000 + rows + blocksPerRow));
                        const size_t cols = w.cols, group = activationGroup(f), stride = rows + 5;
                        const auto x = randomFloats(tokens * cols, uint32_t(tokens * 31 + cols));
                        const Quantized xq(kernels(), x, tokens, cols, group);
                        std::vector<Expected> want(tokens * stride);
                        for (size_t t = 0; t < tokens; ++t)
                            for (size_t r = 1; r <= rows; ++r) want[t * stride + r] = expected(w, r, &x[t * cols], xq, t);
                        for (Isa isa : runnableIsas()) {
                            std::vector<float> y(tokens * stride, -7.0f);
                            kernelsFor(isa).multiplyBlocks(xq.view(), tokens, w.rowsView(), 1, rows, y.data(), stride);
                            for (size_t t = 0; t < tokens; ++t)
                                for (size_t r = 0; r < stride; ++r) {
                                    const float got = y[t * stride + r];
                                    if (r < 1 || r > rows) {
                                        CHECK(got == -7.0f, where(isa, f, rows, cols, tokens, t, r));
                                        continue;
                                    }
                                    const Expected& e = want[t * stride + r];
                                    CHECK(std::fabs(got - e.onQuantized) <= e.rounding,
                                          where(isa, f, rows, cols, tokens, t, r) +
                                              QString(": %1 vs %2 on the quantized x").arg(got).arg(e.onQuantized));
                                    CHECK(std::fabs(got - e.exact) <= e.quantizationBound + e.rounding,
                                          where(isa, f, rows, cols, tokens, t, r) +
                                              QString(": %1 vs %2, bound %3").arg(got).arg(e.exact).arg(e.quantizationBound));
                                }
                        }
                    }
    }

    // linear() with the active table: both strategies, a bias, yStride > rows, on every shape.
    void linearMatchesTheReference() {
        ThreadPool pool(3);
        for (BlockFormat f : kFormats)
            for (size_t blocksPerRow : kBlocksPerRow)
                for (size_t rows : kRowCounts)
                    for (size_t tokens : kTokenCounts) {
                        BlockMatrix w(f, rows, blocksPerRow, uint32_t(int(f) * 77 + rows * 3 + blocksPerRow));
                        const size_t cols = w.cols, stride = rows + 3;
                        const auto x = randomFloats(tokens * cols, uint32_t(tokens + cols * 5));
                        const auto bias = randomFloats(rows, uint32_t(rows));
                        const Quantized xq(kernels(), x, tokens, cols, activationGroup(f));
                        std::vector<Expected> want(tokens * rows);
                        for (size_t t = 0; t < tokens; ++t)
                            for (size_t r = 0; r < rows; ++r) want[t * rows + r] = expected(w, r, &x[t * cols], xq, t);
                        for (BlockStrategy strategy : {BlockStrategy::Auto, BlockStrategy::Integer, BlockStrategy::Dequantize}) {
                            std::vector<float> y(tokens * stride, -7.0f);
                            linear(pool, x.data(), tokens, w.matrix(), {bias.data(), DType::F32, rows}, y.data(), stride,
                                   Activations::F32, strategy);
                            for (size_t t = 0; t < tokens; ++t) {
                                for (size_t r = rows; r < stride; ++r) CHECK(y[t * stride + r] == -7.0f, QString("row %1 written").arg(r));
                                for (size_t r = 0; r < rows; ++r) {
                                    const Expected& e = want[t * rows + r];
                                    const double got = double(y[t * stride + r]) - bias[r];
                                    // Dequantize multiplies the decoded weights by x itself: rounding only. Auto may
                                    // take either path.
                                    const double bound = strategy == BlockStrategy::Dequantize
                                                             ? e.rounding
                                                             : e.quantizationBound + e.rounding;
                                    CHECK(std::fabs(got - e.exact) <= bound + 1e-6 * std::fabs(bias[r]),
                                          where(activeIsa(), f, rows, cols, tokens, t, r) +
                                              QString(" strategy %1: %2 vs %3, bound %4").arg(int(strategy)).arg(got).arg(e.exact).arg(bound));
                                }
                            }
                        }
                    }
    }

    // Each output is computed by one task with the same code whatever the split.
    void linearIsBitIdenticalForAnyThreadCount() {
        for (BlockFormat f : {BlockFormat::Q4_K, BlockFormat::Q6_K, BlockFormat::Q8_0, BlockFormat::Q5_0})
            for (size_t tokens : {1, 3, 9})
                for (BlockStrategy strategy : {BlockStrategy::Integer, BlockStrategy::Dequantize}) {
                    BlockMatrix w(f, 77, 2, 11);
                    const auto x = randomFloats(tokens * w.cols, 12);
                    std::vector<float> first;
                    for (size_t threads : {1, 2, 3, 5}) {
                        ThreadPool pool(threads);
                        std::vector<float> y(tokens * 77);
                        linear(pool, x.data(), tokens, w.matrix(), {}, y.data(), 77, Activations::F32, strategy);
                        if (first.empty()) first = y;
                        QVERIFY2(std::memcmp(first.data(), y.data(), y.size() * sizeof(float)) == 0,
                                 qPrintable(QString("%1 tokens %2 threads %3").arg(blockFormatName(f)).arg(tokens).arg(threads)));
                    }
                }
    }

    // dequantize(quantize(x)) is within half a step (the decoded scale d / 2) of x for every
    // element inside the format's range (Q8_0: [-127 d, 127 d]; Q4_0: d · [-8, 7]), and outside it
    // (only Q4_0's +8 d side can be) at the nearest end of the range.
    void quantizeToBlocksIsWithinHalfAStep() {
        for (BlockFormat f : {BlockFormat::Q4_0, BlockFormat::Q8_0})
            for (float scale : {1e-3f, 1.0f, 300.0f}) {
                const BlockLayout layout = blockLayout(f);
                const size_t blocks = 97, n = blocks * layout.elements;
                auto x = randomFloats(n, uint32_t(scale * 10) + uint32_t(f), scale);
                std::fill_n(x.begin() + 3 * layout.elements, layout.elements, 0.0f);  // a block of zeros
                x[7 * layout.elements + 4] = -x[7 * layout.elements + 4] * 9.0f;      // a lone outlier
                std::vector<uint8_t> packed(blocks * layout.bytes);
                QVERIFY(quantizeToBlocks(f, x.data(), n, packed.data()));
                std::vector<float> back(n);
                dequantizeBlocks(f, packed.data(), blocks, back.data());
                for (size_t b = 0; b < blocks; ++b) {
                    uint16_t h;
                    std::memcpy(&h, &packed[b * layout.bytes], 2);
                    const double d = f16ToFloat(h);
                    const double lo = std::min(d * (f == BlockFormat::Q8_0 ? -127 : -8), d * (f == BlockFormat::Q8_0 ? 127 : 7));
                    const double hi = std::max(d * (f == BlockFormat::Q8_0 ? -127 : -8), d * (f == BlockFormat::Q8_0 ? 127 : 7));
                    for (size_t i = b * layout.elements; i < (b + 1) * layout.elements; ++i) {
                        const double v = x[i], outside = v < lo ? lo - v : v > hi ? v - hi : 0.0;
                        const double bound = std::max(std::fabs(d) / 2, outside) * (1 + 1e-6);
                        CHECK(std::fabs(back[i] - v) <= bound,
                              QString("%1 scale %2 element %3: %4 from %5, d %6")
                                  .arg(blockFormatName(f)).arg(scale).arg(i).arg(back[i]).arg(v).arg(d));
                    }
                }
                for (size_t i = 3 * layout.elements; i < 4 * layout.elements; ++i) QCOMPARE(back[i], 0.0f);
            }
        std::vector<uint8_t> out(1024, 0xab);
        const std::vector<float> x(256, 1.0f);
        QVERIFY(!quantizeToBlocks(BlockFormat::Q4_K, x.data(), 256, out.data()));
        QVERIFY(!quantizeToBlocks(BlockFormat::Q8_0, x.data(), 33, out.data()));
        QCOMPARE(out[0], uint8_t(0xab));
    }

    // Quantized weights through the kernels: what --quantization int4 (Q4_0) runs.
    void quantizedWeightsMultiplyWithinTheirBounds() {
        ThreadPool pool(2);
        for (BlockFormat f : {BlockFormat::Q4_0, BlockFormat::Q8_0}) {
            const size_t rows = 19, cols = 96, tokens = 5;
            const auto wf = randomFloats(rows * cols, 3), x = randomFloats(tokens * cols, 4);
            std::vector<uint8_t> packed(rows * cols / 32 * blockLayout(f).bytes);
            QVERIFY(quantizeToBlocks(f, wf.data(), wf.size(), packed.data()));
            std::vector<float> decoded(rows * cols);
            dequantizeBlocks(f, packed.data(), rows * cols / 32, decoded.data());
            std::vector<float> y(tokens * rows);
            linear(pool, x.data(), tokens, {packed.data(), DType::Blocks, rows, cols, nullptr, f}, {}, y.data(), rows);
            const Quantized xq(kernels(), x, tokens, cols, 32);
            for (size_t t = 0; t < tokens; ++t)
                for (size_t r = 0; r < rows; ++r) {
                    double exact = 0, bound = 0;
                    for (size_t i = 0; i < cols; ++i) {
                        const double wi = decoded[r * cols + i], xi = x[t * cols + i], dx = xq.scales[(t * cols + i) / 32];
                        exact += wi * xi;
                        bound += std::fabs(wi) * dx / 2 * (1 + kRounding) + kRounding * 2 * std::fabs(wi) * (std::fabs(xi) + dx);
                    }
                    QVERIFY(std::fabs(y[t * rows + r] - exact) <= bound);
                }
        }
    }
};

QTEST_GUILESS_MAIN(BlockKernelsTest)
#include "block_kernels_test.moc"
