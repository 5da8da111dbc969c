// bf16 weights packed for the tile kernels (kernels/cpu/packed_bf16.h): the packing itself, and
// every table's packed products (exact f32 decode, vdpbf16ps, AMX tiles) against double
// references, on shapes that leave partial panels, partial tiles and partial token blocks;
// then linear() on packed weights against linear() on the same weights unpacked.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/common/dtype.h"
#include "kernels/cpu/isa/kernel_table.h"
#include "kernels/cpu/linear.h"
#include "kernels/cpu/packed_bf16.h"
#include "kernels/cpu/thread_pool.h"
#include "tests/support/random_floats.h"

using namespace pagoda;
using namespace pagoda::cpu;

namespace {

using test::randomFloats;

// A bf16 matrix as a checkpoint stores it, with the f32 values it holds.
struct Bf16Matrix {
    std::vector<uint16_t> bits;
    std::vector<float> values;
    size_t rows, cols;
    Bf16Matrix(size_t r, size_t c, uint32_t seed) : rows(r), cols(c) {
        const auto v = randomFloats(r * c, seed);
        for (float f : v) {
            bits.push_back(floatToBf16(f));
            values.push_back(bf16ToFloat(bits.back()));
        }
    }
};

std::vector<Isa> packedIsas() {
    std::vector<Isa> isas;
    for (Isa isa : {Isa::Baseline, Isa::Avx2, Isa::Avx512, Isa::Avx512Bf16, Isa::Amx})
        if (isa <= detectIsa() && kernelsFor(isa).multiplyPacked) isas.push_back(isa);
    return isas;
}

// Tokens [numTokens, stride] with zeros past cols and, for the bf16 kernels, zero rows up to a
// multiple of 16 (what kernel_table.h asks of callers).
template <class T>
std::vector<T> padded(const std::vector<T>& x, size_t numTokens, size_t cols, size_t stride) {
    std::vector<T> out((numTokens + 15) / 16 * 16 * stride, T(0));
    for (size_t t = 0; t < numTokens; ++t) std::copy_n(&x[t * cols], cols, &out[t * stride]);
    return out;
}

bool close(double got, double want, double magnitude, double tolerance) {
    return std::fabs(got - want) <= tolerance * (1 + magnitude);
}

const size_t kCols[] = {1, 17, 32, 33, 64, 100, 257};
const size_t kRows[] = {1, 15, 16, 17, 40};

}  // namespace

class PackedKernelsTest : public QObject {
    Q_OBJECT

private slots:
    void tablesFromAvx512Bf16UpHavePackedKernels() {
        for (Isa isa : {Isa::Baseline, Isa::Avx2, Isa::Avx512, Isa::Avx512Bf16, Isa::Amx}) {
            if (isa > detectIsa()) continue;
            const KernelTable& k = kernelsFor(isa);
            const bool want = isa >= Isa::Avx512Bf16;
            QCOMPARE(k.multiplyPacked != nullptr, want);
            QCOMPARE(k.multiplyPackedBf16 != nullptr, want);
            QCOMPARE(k.roundToBf16 != nullptr, want);
        }
        QCOMPARE(packedBf16Supported(), activeIsa() >= Isa::Avx512Bf16);
    }

    void packingPlacesEveryValueAsTheTileLayoutSays() {
        ThreadPool pool(2);
        for (size_t cols : kCols)
            for (size_t rows : kRows) {
                const Bf16Matrix w(rows, cols, uint32_t(rows * 1000 + cols));
                // One byte past an aligned address: files need not align tensors.
                std::vector<unsigned char> unaligned(w.bits.size() * 2 + 1);
                std::memcpy(unaligned.data() + 1, w.bits.data(), w.bits.size() * 2);
                const PackedBf16 packed = PackedBf16::pack(pool, unaligned.data() + 1, rows, cols);
                QCOMPARE(packed.numPanels(), (rows + 15) / 16);
                QCOMPARE(packed.paddedCols(), (cols + 31) / 32 * 32);
                // The layout of kernel_table.h: tile row p, lane n holds w[n][2p], w[n][2p + 1].
                const PackedRows view = packed.view();
                for (size_t r = 0; r < rows; ++r)
                    for (size_t c = 0; c < cols; ++c) {
                        const size_t panel = r / 16, n = r % 16, tile = c / 32, p = (c % 32) / 2, half = c % 2;
                        const uint16_t got = view.panels[((panel * view.tilesPerPanel + tile) * 16 + p) * 32 + 2 * n + half];
                        QCOMPARE(got, w.bits[r * cols + c]);
                    }
                // Everything past the matrix is zero, so whole tiles can be multiplied.
                const size_t tileValues = 16 * 32;
                for (size_t i = 0; i < packed.numPanels() * view.tilesPerPanel * tileValues; ++i) {
                    const size_t panel = i / (view.tilesPerPanel * tileValues), tile = i / tileValues % view.tilesPerPanel;
                    const size_t p = i % tileValues / 32, n = i % 32 / 2, half = i % 2;
                    const size_t r = panel * 16 + n, c = tile * 32 + 2 * p + half;
                    if (r >= rows || c >= cols) QCOMPARE(view.panels[i], uint16_t(0));
                }
            }
    }

    // Exact products: against a double reference only the summation order differs.
    void packedDecodeMatchesTheReference() {
        ThreadPool pool(1);
        for (Isa isa : packedIsas()) {
            const KernelTable& k = kernelsFor(isa);
            for (size_t cols : kCols)
                for (size_t rows : kRows)
                    for (size_t tokens : {1, 2, 3, 4, 5, 7}) {
                        const Bf16Matrix w(rows, cols, uint32_t(cols * 7 + rows));
                        const PackedBf16 packed = PackedBf16::pack(pool, w.bits.data(), rows, cols);
                        const auto x = randomFloats(tokens * cols, uint32_t(tokens + cols));
                        const auto xp = padded(x, tokens, cols, packed.paddedCols());
                        const size_t yStride = rows + 3;
                        std::vector<float> y(tokens * yStride, -7.0f);
                        k.multiplyPacked(xp.data(), packed.paddedCols(), tokens, packed.view(), 0, packed.numPanels(), y.data(),
                                         yStride);
                        for (size_t t = 0; t < tokens; ++t) {
                            for (size_t r = 0; r < rows; ++r) {
                                double want = 0, mag = 0;
                                for (size_t c = 0; c < cols; ++c) {
                                    want += double(x[t * cols + c]) * w.values[r * cols + c];
                                    mag += std::fabs(double(x[t * cols + c]) * w.values[r * cols + c]);
                                }
                                QVERIFY2(close(y[t * yStride + r], want, mag, 1e-5),
                                         qPrintable(QString("%1 cols %2 rows %3 tokens %4").arg(isaName(isa)).arg(cols).arg(rows).arg(tokens)));
                            }
                            for (size_t r = rows; r < yStride; ++r) QCOMPARE(y[t * yStride + r], -7.0f);  // past the last row
                        }
                    }
        }
    }

    // bf16 × bf16 products are exact in f32, so against a double reference over the rounded
    // activations only the summation order differs. Token counts cross the 16-row AMX blocks and
    // the 6-token vdpbf16ps blocks; panel ranges start past 0 and stop short of the end.
    void packedBf16ProductsMatchTheReference() {
        ThreadPool pool(1);
        for (Isa isa : packedIsas()) {
            const KernelTable& k = kernelsFor(isa);
            for (size_t cols : kCols)
                for (size_t rows : {1, 17, 40, 70})
                    for (size_t tokens : {1, 5, 6, 16, 17, 33, 40}) {
                        const Bf16Matrix w(rows, cols, uint32_t(cols * 5 + rows));
                        const PackedBf16 packed = PackedBf16::pack(pool, w.bits.data(), rows, cols);
                        const auto xf = randomFloats(tokens * cols, uint32_t(tokens * 3 + cols));
                        std::vector<uint16_t> x(xf.size());
                        k.roundToBf16(xf.data(), xf.size(), x.data());
                        const auto xp = padded(x, tokens, cols, packed.paddedCols());
                        const size_t panels = packed.numPanels();
                        const size_t panel0 = panels > 2 ? 1 : 0, panelCount = panels > 2 ? panels - 2 : panels;
                        const size_t yStride = rows + 5;
                        std::vector<float> y(tokens * yStride, -7.0f);
                        k.multiplyPackedBf16(xp.data(), packed.paddedCols(), tokens, packed.view(), panel0, panelCount, y.data(),
                                             yStride);
                        for (size_t t = 0; t < tokens; ++t)
                            for (size_t r = 0; r < yStride; ++r) {
                                const bool computed = r >= panel0 * 16 && r < std::min(rows, (panel0 + panelCount) * 16);
                                if (!computed) {
                                    QCOMPARE(y[t * yStride + r], -7.0f);
                                    continue;
                                }
                                double want = 0, mag = 0;
                                for (size_t c = 0; c < cols; ++c) {
                                    const double p = double(bf16ToFloat(x[t * cols + c])) * w.values[r * cols + c];
                                    want += p;
                                    mag += std::fabs(p);
                                }
                                QVERIFY2(close(y[t * yStride + r], want, mag, 1e-5),
                                         qPrintable(QString("%1 cols %2 rows %3 tokens %4 t %5 r %6")
                                                        .arg(isaName(isa)).arg(cols).arg(rows).arg(tokens).arg(t).arg(r)));
                            }
                    }
        }
    }

    void roundingToBf16MatchesTheScalarRounding() {
        auto values = randomFloats(1000, 3);
        for (float special : {0.0f, -0.0f, 1.0f, 65504.0f, 3.0e38f, -1.0e-30f, 1.00390625f, 1.01171875f}) values.push_back(special);
        for (Isa isa : packedIsas()) {
            std::vector<uint16_t> out(values.size() + 1, 0x1234);
            for (size_t n : {size_t(0), size_t(5), values.size()}) {
                kernelsFor(isa).roundToBf16(values.data(), n, out.data());
                for (size_t i = 0; i < n; ++i) QCOMPARE(out[i], floatToBf16(values[i]));
                QCOMPARE(out[values.size()], uint16_t(0x1234));
            }
        }
    }

    // What the engine calls: linear() on packed weights gives what it gives on the same weights
    // unpacked, exactly for f32 activations up to summation order, and within bf16 rounding of
    // the activations for Bf16; bias and output strides included, for any thread count.
    void linearOnPackedWeightsMatchesLinearOnRows() {
        if (!packedBf16Supported()) QSKIP("the active kernels have no packed bf16 product (below avx512bf16)");
        for (size_t tokens : {0, 1, 3, 4, 20, 64, 300})
            for (Activations activations : {Activations::F32, Activations::Bf16}) {
                const size_t rows = 90, cols = 200, yStride = 100;
                const Bf16Matrix w(rows, cols, 21);
                const auto bias = randomFloats(rows, 22);
                const auto x = randomFloats(tokens * cols, 23);
                ThreadPool reference(1);
                std::vector<float> want(tokens * yStride, 0.0f);
                const Matrix rowsMatrix{w.bits.data(), DType::BF16, rows, cols};
                linear(reference, x.data(), tokens, rowsMatrix, {bias.data(), DType::F32, rows}, want.data(), yStride,
                       Activations::F32);
                std::vector<float> first;
                for (size_t threads : {1, 2, 3}) {
                    ThreadPool pool(threads);
                    const PackedBf16 packed = PackedBf16::pack(pool, w.bits.data(), rows, cols);
                    Matrix m = rowsMatrix;
                    m.packed = &packed;
                    std::vector<float> y(tokens * yStride, 0.0f);
                    linear(pool, x.data(), tokens, m, {bias.data(), DType::F32, rows}, y.data(), yStride, activations);
                    // bf16 activations: each product carries x's rounding, 2^-9 relative at most.
                    const double tolerance = activations == Activations::Bf16 && tokens > 3 ? 4e-3 : 1e-5;
                    for (size_t t = 0; t < tokens; ++t)
                        for (size_t r = 0; r < rows; ++r) {
                            double mag = std::fabs(bias[r]);
                            for (size_t c = 0; c < cols; ++c) mag += std::fabs(double(x[t * cols + c]) * w.values[r * cols + c]);
                            QVERIFY2(close(y[t * yStride + r], want[t * yStride + r], mag, tolerance),
                                     qPrintable(QString("tokens %1 threads %2 row %3").arg(tokens).arg(threads).arg(r)));
                        }
                    if (first.empty()) first = y;
                    QVERIFY2(std::memcmp(first.data(), y.data(), y.size() * sizeof(float)) == 0,
                             qPrintable(QString("tokens %1: %2 threads differ from 1").arg(tokens).arg(threads)));
                }
            }
    }

    // With f32 activations each token is computed alone, in one order, whatever the token count:
    // a prompt's logits are the same bits whether it came as one step or token by token
    // (paging_test relies on it). And linearGroup is the same as its products one by one.
    void packedF32ProductsDoNotDependOnTheBatch() {
        if (!packedBf16Supported()) QSKIP("the active kernels have no packed bf16 product (below avx512bf16)");
        ThreadPool pool(2);
        const size_t cols = 96, tokens = 37;
        const Bf16Matrix a(70, cols, 31), b(16, cols, 32), c(5, cols, 33);
        const PackedBf16 pa = PackedBf16::pack(pool, a.bits.data(), a.rows, cols);
        const PackedBf16 pb = PackedBf16::pack(pool, b.bits.data(), b.rows, cols);
        const PackedBf16 pc = PackedBf16::pack(pool, c.bits.data(), c.rows, cols);
        Matrix ma{a.bits.data(), DType::BF16, a.rows, cols}, mb{b.bits.data(), DType::BF16, b.rows, cols},
            mc{c.bits.data(), DType::BF16, c.rows, cols};
        ma.packed = &pa;
        mb.packed = &pb;
        mc.packed = &pc;
        const auto x = randomFloats(tokens * cols, 34);
        const auto bias = randomFloats(a.rows, 35);
        for (Activations activations : {Activations::F32, Activations::Bf16}) {
            std::vector<float> ya(tokens * a.rows), yb(tokens * b.rows), yc(tokens * c.rows);
            const LinearTarget group[] = {{ma, {bias.data(), DType::F32, a.rows}, ya.data(), a.rows},
                                          {mb, {}, yb.data(), b.rows},
                                          {mc, {}, yc.data(), c.rows}};
            linearGroup(pool, x.data(), tokens, group, activations);
            std::vector<float> alone(tokens * a.rows);
            linear(pool, x.data(), tokens, ma, {bias.data(), DType::F32, a.rows}, alone.data(), a.rows, activations);
            QVERIFY(std::memcmp(alone.data(), ya.data(), ya.size() * sizeof(float)) == 0);
            alone.assign(tokens * c.rows, 0.0f);
            linear(pool, x.data(), tokens, mc, {}, alone.data(), c.rows, activations);
            QVERIFY(std::memcmp(alone.data(), yc.data(), yc.size() * sizeof(float)) == 0);
            if (activations != Activations::F32) continue;
            for (size_t t = 0; t < tokens; ++t) {
                std::vector<float> one(b.rows);
                linear(pool, x.data() + t * cols, 1, mb, {}, one.data(), b.rows, activations);
                QVERIFY2(std::memcmp(one.data(), &yb[t * b.rows], b.rows * sizeof(float)) == 0, qPrintable(QString::number(t)));
            }
        }
    }
};

QTEST_GUILESS_MAIN(PackedKernelsTest)
#include "packed_kernels_test.moc"
