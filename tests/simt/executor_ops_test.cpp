// The CUDA executor's two small kernels through the SIMT harness: bias added to strided
// slices of a fused q|k|v row, and the rows that need logits gathered in order.
#include "tests/simt/simt.h"  // first: the CUDA built-ins the kernels use

#include <QtTest>

#include <random>
#include <vector>

#include "kernels/cuda/executor_ops.cuh"

using namespace pagoda;

class ExecutorOpsTest : public QObject {
    Q_OBJECT

private slots:
    void addBiasTouchesOnlyItsSliceOfEachRow() {
        const int rows = 5, stride = 48, cols = 20, offset = 16;  // k's slice inside a q|k|v row
        std::vector<float> x(size_t(rows) * stride);
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> dist(-2, 2);
        for (float& v : x) v = dist(rng);
        std::vector<float> bias(cols);
        for (float& b : bias) b = dist(rng);
        std::vector<float> expected = x;
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) expected[size_t(r) * stride + offset + c] += bias[size_t(c)];
        // Fewer threads than columns: each thread strides.
        simt::launch(dim3(rows), dim3(8), 0, [&] { cuda::addBiasKernel(x.data() + offset, cols, stride, bias.data()); });
        QCOMPARE(x, expected);
    }

    void gatherRowsCopiesTheAskedRowsInOrder() {
        const int cols = 37;
        std::vector<float> src(size_t(6) * cols);
        for (size_t i = 0; i < src.size(); ++i) src[i] = float(i);
        const std::vector<int32_t> rows = {5, 0, 3, 3};  // out of order, one twice
        std::vector<float> dst(rows.size() * cols, -1.0f);
        simt::launch(dim3(unsigned(rows.size())), dim3(32), 0,
                     [&] { cuda::gatherRowsKernel(src.data(), cols, rows.data(), dst.data()); });
        for (size_t r = 0; r < rows.size(); ++r)
            for (int c = 0; c < cols; ++c) QCOMPARE(dst[r * cols + size_t(c)], src[size_t(rows[r]) * cols + size_t(c)]);
    }
};

QTEST_APPLESS_MAIN(ExecutorOpsTest)
#include "executor_ops_test.moc"
