// Every instruction-set build of the CPU kernels (kernels/cpu/isa) this machine can run,
// against plain double-precision references, on shapes that do not divide the vector
// width, the row blocks or the thread count; and linear() giving bit-identical results
// whatever the number of threads.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/common/dtype.h"
#include "kernels/cpu/isa/kernel_table.h"
#include "kernels/cpu/linear.h"
#include "kernels/cpu/thread_pool.h"
#include "tests/support/random_floats.h"

using namespace pagoda;
using namespace pagoda::cpu;

namespace {

using test::randomFloats;

// A weight matrix stored in `type` one byte past an aligned address (files need not align
// tensors), with its exact f32 values for the reference.
struct StoredMatrix {
    std::vector<unsigned char> storage;
    std::vector<float> scales;  // I8 only
    std::vector<float> exact;   // what the kernels must read
    DType type;
    size_t rows, cols;

    StoredMatrix(DType t, size_t r, size_t c, uint32_t seed) : type(t), rows(r), cols(c) {
        const auto values = randomFloats(r * c, seed);
        storage.resize(r * c * dtypeSize(t) + 1);
        exact.resize(r * c);
        if (t == DType::I8) scales = randomFloats(r, seed + 1);
        for (size_t i = 0; i < r * c; ++i) {
            unsigned char* dst = data() + i * dtypeSize(t);
            if (t == DType::F32) {
                std::memcpy(dst, &values[i], 4);
            } else if (t == DType::BF16) {
                const uint16_t h = floatToBf16(values[i]);
                std::memcpy(dst, &h, 2);
            } else if (t == DType::F16) {  // normal f16 values of both signs from their bits
                const uint16_t h = uint16_t(((i & 1) << 15) | ((13 + i % 4) << 10) | (i * 97 % 1024));
                std::memcpy(dst, &h, 2);
            } else {
                dst[0] = static_cast<unsigned char>(int8_t(int(i * 37 % 255) - 127));
            }
            exact[i] = loadAsFloat(data(), t, i) * (t == DType::I8 ? scales[i / c] : 1.0f);
        }
    }
    unsigned char* data() { return storage.data() + 1; }
    WeightRows rowsView() { return {data(), type, scales.empty() ? nullptr : scales.data(), cols}; }
};

std::vector<Isa> runnableIsas() {
    std::vector<Isa> isas;
    for (Isa isa : {Isa::Baseline, Isa::Avx2, Isa::Avx512, Isa::Avx512Bf16, Isa::Amx})
        if (isa <= detectIsa()) isas.push_back(isa);
    return isas;
}

const DType kTypes[] = {DType::F32, DType::BF16, DType::F16, DType::I8};
const size_t kCols[] = {1, 3, 8, 15, 16, 17, 33, 64, 100, 257};

double reference(const float* x, const float* w, size_t cols) {
    double s = 0;
    for (size_t i = 0; i < cols; ++i) s += double(x[i]) * w[i];
    return s;
}

double magnitude(const float* x, const float* w, size_t cols) {
    double s = 0;
    for (size_t i = 0; i < cols; ++i) s += std::fabs(double(x[i]) * w[i]);
    return s;
}

}  // namespace

class IsaKernelsTest : public QObject {
    Q_OBJECT

private slots:
    void activeIsaNeverExceedsTheCpu() {
        QVERIFY(activeIsa() <= detectIsa());
        QCOMPARE(kernels().isa, activeIsa());
        for (Isa isa : runnableIsas()) QCOMPARE(kernelsFor(isa).isa, isa);
        QCOMPARE(parseIsa("avx2"), std::optional<Isa>(Isa::Avx2));
        QVERIFY(!parseIsa("sse9"));
    }

    void widenRowsIsExactForEveryDtype() {
        for (Isa isa : runnableIsas())
            for (DType type : kTypes)
                for (size_t cols : kCols) {
                    StoredMatrix w(type, 5, cols, uint32_t(cols));
                    std::vector<float> out(3 * cols, -1.0f);
                    kernelsFor(isa).widenRows(w.rowsView(), 2, 3, out.data());
                    for (size_t i = 0; i < 3 * cols; ++i)
                        QVERIFY2(out[i] == w.exact[2 * cols + i],
                                 qPrintable(QString("%1 %2 cols %3 element %4").arg(isaName(isa)).arg(dtypeName(type)).arg(cols).arg(i)));
                }
    }

    void multiplyRowsMatchesTheReference() {
        for (Isa isa : runnableIsas())
            for (DType type : kTypes)
                for (size_t cols : kCols)
                    for (size_t tokens : {1, 2, 3})
                        for (size_t rows : {1, 4, 5, 9}) {
                            StoredMatrix w(type, rows + 2, cols, uint32_t(cols * 7 + rows));
                            const auto x = randomFloats(tokens * cols, uint32_t(cols + tokens));
                            const size_t stride = rows + 5;
                            std::vector<float> y(tokens * stride, -7.0f);
                            kernelsFor(isa).multiplyRows(x.data(), tokens, w.rowsView(), 1, rows, y.data(), stride);
                            for (size_t t = 0; t < tokens; ++t)
                                for (size_t r = 0; r < stride; ++r) {
                                    const float got = y[t * stride + r];
                                    if (r < 1 || r > rows) {
                                        QCOMPARE(got, -7.0f);  // outside [row0, row0 + rows): untouched
                                        continue;
                                    }
                                    const float* wr = &w.exact[r * cols];
                                    const double want = reference(&x[t * cols], wr, cols);
                                    QVERIFY2(std::fabs(got - want) <= 1e-5 * (1 + magnitude(&x[t * cols], wr, cols)),
                                             qPrintable(QString("%1 %2 cols %3 rows %4 token %5: %6 vs %7")
                                                            .arg(isaName(isa)).arg(dtypeName(type)).arg(cols).arg(rows).arg(t).arg(got).arg(want)));
                                }
                        }
    }

    void multiplyWidenedMatchesTheReference() {
        for (Isa isa : runnableIsas())
            for (size_t cols : kCols)
                for (size_t tokens : {4, 5, 7, 8, 13})
                    for (size_t rows : {1, 3, 4, 6, 32}) {
                        const auto w = randomFloats(rows * cols, uint32_t(cols + rows));
                        const auto x = randomFloats(tokens * cols, uint32_t(tokens * 3 + cols));
                        const size_t row0 = 2, stride = row0 + rows + 1;
                        std::vector<float> y(tokens * stride, -7.0f);
                        kernelsFor(isa).multiplyWidened(x.data(), tokens, cols, w.data(), rows, y.data(), stride, row0);
                        for (size_t t = 0; t < tokens; ++t)
                            for (size_t r = 0; r < stride; ++r) {
                                const float got = y[t * stride + r];
                                if (r < row0 || r >= row0 + rows) {
                                    QCOMPARE(got, -7.0f);
                                    continue;
                                }
                                const float* wr = &w[(r - row0) * cols];
                                const double want = reference(&x[t * cols], wr, cols);
                                QVERIFY2(std::fabs(got - want) <= 1e-5 * (1 + magnitude(&x[t * cols], wr, cols)),
                                         qPrintable(QString("%1 cols %2 rows %3 tokens %4 token %5")
                                                        .arg(isaName(isa)).arg(cols).arg(rows).arg(tokens).arg(t)));
                            }
                    }
    }

    // bf16 × bf16 products are exact in f32, so against a double reference over the same
    // rounded values only the summation order differs.
    void multiplyBf16MatchesTheReferenceOnRoundedActivations() {
        bool ran = false;
        for (Isa isa : runnableIsas()) {
            const KernelTable& k = kernelsFor(isa);
            QCOMPARE(k.multiplyBf16 != nullptr, isa >= Isa::Avx512Bf16);
            if (!k.multiplyBf16) continue;
            ran = true;
            for (size_t cols : kCols)
                for (size_t tokens : {1, 4, 5, 9})
                    for (size_t rows : {1, 4, 7}) {
                        StoredMatrix w(DType::BF16, rows + 1, cols, uint32_t(cols + rows));
                        const auto xf = randomFloats(tokens * cols, uint32_t(tokens + cols));
                        std::vector<uint16_t> x(xf.size());
                        std::vector<float> xRounded(xf.size());
                        for (size_t i = 0; i < x.size(); ++i) xRounded[i] = bf16ToFloat(x[i] = floatToBf16(xf[i]));
                        const size_t stride = rows + 1;
                        std::vector<float> y(tokens * stride, -7.0f);
                        k.multiplyBf16(x.data(), tokens, w.rowsView(), 1, rows, y.data(), stride);
                        for (size_t t = 0; t < tokens; ++t) {
                            QCOMPARE(y[t * stride], -7.0f);
                            for (size_t r = 1; r <= rows; ++r) {
                                const float* wr = &w.exact[r * cols];
                                const double want = reference(&xRounded[t * cols], wr, cols);
                                QVERIFY2(std::fabs(y[t * stride + r] - want) <= 1e-5 * (1 + magnitude(&xRounded[t * cols], wr, cols)),
                                         qPrintable(QString("cols %1 rows %2 tokens %3").arg(cols).arg(rows).arg(tokens)));
                            }
                        }
                    }
        }
        if (detectIsa() >= Isa::Avx512Bf16) QVERIFY(ran);
    }

    // The vector exp behind siluMul against double precision, over the range activations take
    // and past it (|g| of 100 underflows one side of the sigmoid), lengths off the vector width.
    void siluMulMatchesTheReference() {
        std::vector<float> gate = randomFloats(997, 41), up = randomFloats(997, 42);
        for (size_t i = 0; i < gate.size(); ++i) gate[i] *= 8.0f;
        for (float special : {0.0f, -0.0f, 1e-30f, -1e-30f, 30.0f, -30.0f, 88.0f, -88.0f, 100.0f, -100.0f}) {
            gate.push_back(special);
            up.push_back(1.5f);
        }
        for (Isa isa : runnableIsas()) {
            std::vector<float> out(gate.size());
            kernelsFor(isa).siluMul(gate.data(), up.data(), gate.size(), out.data());
            for (size_t i = 0; i < gate.size(); ++i) {
                const double g = gate[i], want = g / (1.0 + std::exp(-g)) * up[i];
                QVERIFY2(std::fabs(out[i] - want) <= 2e-6 * std::fabs(want) + 1e-35,
                         qPrintable(QString("%1: silu(%2) * %3 = %4, want %5").arg(isaName(isa)).arg(g).arg(up[i]).arg(out[i]).arg(want)));
            }
        }
    }

    void vectorPrimitivesMatchTheReference() {
        for (Isa isa : runnableIsas()) {
            const KernelTable& k = kernelsFor(isa);
            for (size_t n : {0, 1, 7, 16, 17, 63, 128, 129}) {
                const auto a = randomFloats(n, uint32_t(n + 1)), b = randomFloats(n, uint32_t(n + 2));
                QVERIFY(std::fabs(k.dot(a.data(), b.data(), n) - reference(a.data(), b.data(), n)) <=
                        1e-5 * (1 + magnitude(a.data(), b.data(), n)));
                std::vector<float> y = b;
                k.axpy(0.5f, a.data(), y.data(), n);
                for (size_t i = 0; i < n; ++i) QVERIFY(std::fabs(y[i] - (b[i] + 0.5f * a[i])) <= 1e-6f * (1 + std::fabs(y[i])));
                const std::vector<float> before = y;
                k.scale(-2.0f, y.data(), n);
                for (size_t i = 0; i < n; ++i) QCOMPARE(y[i], -2.0f * before[i]);
            }
        }
    }

    // Each output is computed by one task with the same code whatever the split, so the
    // number of threads changes nothing, not even the last bit.
    void linearIsBitIdenticalForAnyThreadCount() {
        for (DType type : kTypes)
            for (size_t tokens : {1, 3, 4, 9}) {
                StoredMatrix w(type, 77, 131, 11);
                const auto x = randomFloats(tokens * 131, 12);
                std::vector<float> first;
                for (size_t threads : {1, 2, 3, 5}) {
                    ThreadPool pool(threads);
                    std::vector<float> y(tokens * 77);
                    linear(pool, x.data(), tokens, {w.data(), type, 77, 131, w.scales.empty() ? nullptr : w.scales.data()}, {},
                           y.data(), 77);
                    if (first.empty()) first = y;
                    QVERIFY2(std::memcmp(first.data(), y.data(), y.size() * sizeof(float)) == 0,
                             qPrintable(QString("%1 tokens %2 threads %3").arg(dtypeName(type)).arg(tokens).arg(threads)));
                }
            }
    }
};

QTEST_GUILESS_MAIN(IsaKernelsTest)
#include "isa_kernels_test.moc"
