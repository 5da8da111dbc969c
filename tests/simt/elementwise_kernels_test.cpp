// The embedding, RMSNorm, RoPE, SiLU-mul, KV-cache write and argmax kernels, compiled for
// the CPU by the SIMT harness and launched with their own launch shapes, against the CPU
// kernels (kernels/cpu) and kernels/common/rope.h on randomized shapes in every dtype.
#include "tests/simt/simt.h"  // first: the CUDA built-ins the kernels use

#include <QtTest>

#include "kernels/common/rope.h"
#include "kernels/cpu/activation.h"
#include "kernels/cpu/norm.h"
#include "kernels/cpu/paged_attention.h"
#include "kernels/cuda/activation.cuh"
#include "kernels/cuda/embedding.cuh"
#include "kernels/cuda/kv_cache.cuh"
#include "kernels/cuda/norms.cuh"
#include "kernels/cuda/rope.cuh"
#include "kernels/cuda/sampling.cuh"
#include "tests/simt/elementwise_test_util.h"

using namespace pagoda;
using namespace pagoda::cuda;
using namespace pagoda::simt::test;

class ElementwiseKernelsTest : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { simt::setScheduleOrder(simt::ScheduleOrder::Forward); }

    void embeddingGathersRowsWidenedToF32() {
        std::mt19937 rng(1);
        for (DType type : kElementTypes)
            for (int hidden : {1, 33, 300}) {
                const int vocab = 50, numTokens = 7;
                const std::vector<float> values = randomRepresentable(rng, size_t(vocab) * hidden, type);
                const std::vector<unsigned char> table = store(values, type);
                const std::vector<int32_t> ids = {3, 49, 0, 3, 17, 17, 2};
                std::vector<float> out(size_t(numTokens) * hidden, -1.0f), want(out.size());
                for (int t = 0; t < numTokens; ++t)
                    for (int i = 0; i < hidden; ++i) want[size_t(t) * hidden + i] = values[size_t(ids[t]) * hidden + i];
                QCOMPARE(embeddingCheck(numTokens, hidden, type), std::string());
                withElementType(type, [&](auto zero) {
                    using T = decltype(zero);
                    launchBoth(embeddingShape(numTokens, hidden), [&] {
                        embeddingKernel<T>(ids.data(), numTokens, reinterpret_cast<const T*>(table.data()), hidden,
                                           out.data());
                    });
                });
                QCOMPARE(compareExact(out, want), std::string());
            }
    }

    void addRmsNormMatchesCpuInEveryDtype() {
        std::mt19937 rng(2);
        for (auto order : {simt::ScheduleOrder::Forward, simt::ScheduleOrder::Reverse, simt::ScheduleOrder::Shuffled})
            for (DType weightType : kElementTypes)
                for (DType outType : kElementTypes)
                    for (int hidden : {7, 100, 257, 1000, 2051}) {
                        simt::setScheduleOrder(order, uint32_t(hidden));
                        const int rows = 5;
                        const bool withDelta = hidden != 257;  // the first norm of a model has no delta
                        const float eps = 1e-6f;
                        const std::vector<unsigned char> weight = store(randomFloats(rng, hidden, 0.5f, 1.5f), weightType);
                        std::vector<float> residual = randomFloats(rng, size_t(rows) * hidden);
                        const std::vector<float> delta = randomFloats(rng, residual.size());
                        std::vector<float> wantResidual = residual, want(residual.size());
                        const cpu::Vector w{weight.data(), weightType, size_t(hidden)};
                        if (withDelta)
                            cpu::addRmsNorm(wantResidual.data(), delta.data(), rows, w, eps, want.data());
                        else
                            cpu::rmsNorm(wantResidual.data(), rows, w, eps, want.data());
                        QCOMPARE(addRmsNormCheck(rows, hidden, eps, weightType, outType), std::string());
                        std::vector<unsigned char> out(residual.size() * dtypeSize(outType));
                        const std::vector<float> initial = residual;
                        withElementType(weightType, [&](auto wz) {
                            withElementType(outType, [&](auto oz) {
                                using W = decltype(wz);
                                using O = decltype(oz);
                                launchBoth(addRmsNormShape(rows, hidden), [&] {
                                    addRmsNormKernel<W, O>(residual.data(), withDelta ? delta.data() : nullptr,
                                                           reinterpret_cast<const W*>(weight.data()), rows, hidden,
                                                           eps, reinterpret_cast<O*>(out.data()));
                                }, &residual, initial);
                            });
                        });
                        QCOMPARE(compareExact(residual, wantResidual), std::string());
                        // f32 sums in a tree against the reference's double: a few ulps apart.
                        QCOMPARE(compareRounded(load(out, outType), want, outType, 1e-5f), std::string());
                    }
    }

    void headRmsNormMatchesCpuPerHead() {
        std::mt19937 rng(3);
        for (DType weightType : kElementTypes)
            for (int headDim : {40, 64, 128})
                for (int numHeads : {1, 3, 8}) {
                    const int numTokens = 5;
                    const float eps = 1e-6f;
                    const std::vector<unsigned char> weight = store(randomFloats(rng, headDim, 0.5f, 1.5f), weightType);
                    const std::vector<float> initial = randomFloats(rng, size_t(numTokens) * numHeads * headDim);
                    std::vector<float> x = initial, want(x.size());
                    cpu::rmsNorm(x.data(), size_t(numTokens) * numHeads, {weight.data(), weightType, size_t(headDim)},
                                 eps, want.data());
                    QCOMPARE(headRmsNormCheck(numTokens, numHeads, headDim, eps, weightType), std::string());
                    withElementType(weightType, [&](auto zero) {
                        using W = decltype(zero);
                        launchBoth(headRmsNormShape(numTokens, numHeads), [&] {
                            headRmsNormKernel<W>(x.data(), numTokens * numHeads, headDim,
                                                 reinterpret_cast<const W*>(weight.data()), eps);
                        }, &x, initial);
                    });
                    QCOMPARE(compareRounded(x, want, DType::F32, 1e-5f), std::string());
                }
    }

    // q and k point into one fused qkv row (as the executor's QKV product leaves them), so
    // the strides, the v part and the pass-through dims must all come out untouched.
    void ropeMatchesApplyRopeOnFusedQkv() {
        std::mt19937 rng(4);
        struct Case { int numHeads, numKvHeads, headDim, rotaryDim; bool interleaved; float llama3Factor; };
        const Case cases[] = {{8, 2, 64, 64, false, 0.0f},  {7, 1, 128, 128, false, 8.0f}, {4, 4, 128, 64, true, 0.0f},
                              {6, 2, 64, 32, false, 8.0f},  {2, 1, 128, 128, true, 0.0f},  {16, 8, 128, 96, false, 32.0f}};
        for (auto order : {simt::ScheduleOrder::Forward, simt::ScheduleOrder::Shuffled})
            for (const Case& c : cases) {
                simt::setScheduleOrder(order, uint32_t(c.numHeads));
                RopeSpec spec;
                spec.theta = 500000.0f;
                spec.rotaryDim = c.rotaryDim;
                spec.interleaved = c.interleaved;
                spec.llama3Factor = c.llama3Factor;
                std::vector<float> invFreq(c.rotaryDim / 2), cosv(invFreq.size()), sinv(invFreq.size());
                ropeInvFreq(spec, invFreq.data());
                const int numTokens = 9, stride = (c.numHeads + 2 * c.numKvHeads) * c.headDim;
                std::vector<int32_t> positions = {0, 1, 5, 17, 100, 4095, 8191, 70000, 131071};
                const std::vector<float> initial = randomFloats(rng, size_t(numTokens) * stride);
                std::vector<float> qkv = initial, want = initial;
                for (int t = 0; t < numTokens; ++t) {
                    ropeCosSin(invFreq.data(), c.rotaryDim / 2, positions[t], cosv.data(), sinv.data());
                    for (int h = 0; h < c.numHeads + c.numKvHeads; ++h)
                        applyRope(want.data() + size_t(t) * stride + size_t(h) * c.headDim, cosv.data(), sinv.data(),
                                  c.rotaryDim, c.interleaved);
                }
                QCOMPARE(ropeCheck(stride, stride, numTokens, c.numHeads, c.numKvHeads, c.headDim, c.rotaryDim),
                         std::string());
                float* k = qkv.data() + size_t(c.numHeads) * c.headDim;
                launchBoth(ropeShape(numTokens, c.numHeads, c.numKvHeads, c.rotaryDim), [&] {
                    ropeKernel(qkv.data(), stride, k, stride, positions.data(), numTokens, c.numHeads, c.numKvHeads,
                               c.headDim, c.rotaryDim, c.interleaved, invFreq.data());
                }, &qkv, initial);
                QCOMPARE(compareExact(qkv, want), std::string());
            }
    }

    void siluMulMatchesCpuInEveryOutputDtype() {
        std::mt19937 rng(5);
        for (DType outType : kElementTypes)
            for (int intermediate : {1, 37, 300, 700}) {
                const int numTokens = 4;
                const std::vector<float> gateUp = randomFloats(rng, size_t(numTokens) * 2 * intermediate, -8.0f, 8.0f);
                std::vector<float> want(size_t(numTokens) * intermediate);
                cpu::siluMul(gateUp.data(), gateUp.data() + intermediate, numTokens, intermediate, 2 * intermediate,
                             want.data());
                for (float& x : want) x = roundTo(x, outType);
                QCOMPARE(siluMulCheck(numTokens, intermediate, outType), std::string());
                std::vector<unsigned char> out(want.size() * dtypeSize(outType));
                withElementType(outType, [&](auto zero) {
                    using O = decltype(zero);
                    launchBoth(siluMulShape(numTokens, intermediate), [&] {
                        siluMulKernel<O>(gateUp.data(), numTokens, intermediate, reinterpret_cast<O*>(out.data()));
                    });
                });
                QCOMPARE(compareExact(load(out, outType), want), std::string());
            }
    }

    // Slots out of order and across blocks, with padding slots (-1) skipped; k and v read
    // from a fused qkv row. Every other slot of the cache keeps its previous contents.
    void writeKvCacheMatchesCpuWriteKv() {
        std::mt19937 rng(6);
        for (DType cacheType : kElementTypes)
            for (int headDim : {64, 128})
                for (int numKvHeads : {1, 2, 8}) {
                    const int numTokens = 10, numHeads = 2 * numKvHeads, blockSize = 16, numBlocks = 6;
                    const int width = numKvHeads * headDim, stride = (numHeads + 2 * numKvHeads) * headDim;
                    const std::vector<int64_t> slotMapping = {37, -1, 5, 90, 16, -1, 2, 81, 95, 48};
                    const std::vector<float> qkv = randomFloats(rng, size_t(numTokens) * stride);
                    const float* k = qkv.data() + size_t(numHeads) * headDim;
                    const float* v = k + width;
                    std::vector<float> kc, vc;  // contiguous copies for cpu::writeKv
                    for (int t = 0; t < numTokens; ++t) {
                        kc.insert(kc.end(), k + size_t(t) * stride, k + size_t(t) * stride + width);
                        vc.insert(vc.end(), v + size_t(t) * stride, v + size_t(t) * stride + width);
                    }
                    const size_t cacheSize = size_t(numBlocks) * blockSize * width;
                    const std::vector<float> before = randomRepresentable(rng, cacheSize, cacheType);
                    std::vector<float> wantK = before, wantV = before;
                    cpu::writeKv({blockSize, numKvHeads, headDim}, kc.data(), vc.data(), slotMapping.data(), numTokens,
                                 wantK.data(), wantV.data());
                    for (float& x : wantK) x = roundTo(x, cacheType);
                    for (float& x : wantV) x = roundTo(x, cacheType);
                    std::vector<unsigned char> kCache = store(before, cacheType), vCache = kCache;
                    QCOMPARE(writeKvCacheCheck(stride, stride, numTokens, numKvHeads, headDim, cacheType), std::string());
                    withElementType(cacheType, [&](auto zero) {
                        using C = decltype(zero);
                        launchBoth(writeKvCacheShape(numTokens, numKvHeads, headDim), [&] {
                            writeKvCacheKernel<C>(k, stride, v, stride, slotMapping.data(), numTokens, width,
                                                  reinterpret_cast<C*>(kCache.data()), reinterpret_cast<C*>(vCache.data()));
                        });
                    });
                    QCOMPARE(compareExact(load(kCache, cacheType), wantK), std::string());
                    QCOMPARE(compareExact(load(vCache, cacheType), wantV), std::string());
                }
    }

    // torch.argmax: the first maximum; NaN counts as the maximum; an all -inf row gives 0.
    void argmaxRowsPicksLowestIndexOfMaximum() {
        std::mt19937 rng(7);
        for (auto order : {simt::ScheduleOrder::Forward, simt::ScheduleOrder::Reverse, simt::ScheduleOrder::Shuffled})
            for (int vocab : {1, 31, 256, 1000, 5003}) {
                simt::setScheduleOrder(order, uint32_t(vocab));
                const int numRows = 7;
                std::vector<float> logits = randomFloats(rng, size_t(numRows) * vocab);
                auto row = [&](int r) { return logits.data() + size_t(r) * vocab; };
                std::uniform_int_distribution<int> col(0, vocab - 1);
                for (int j = 0; j < 3; ++j) row(1)[col(rng)] = 9.0f;  // ties of the maximum
                for (int i = 0; i < vocab; ++i) row(2)[i] = 0.5f;     // all equal
                for (int i = 0; i < vocab; ++i) row(3)[i] = -INFINITY;
                row(4)[col(rng)] = NAN;
                row(5)[vocab - 1] = 100.0f;                            // the last element
                std::vector<int32_t> want(numRows);
                for (int r = 0; r < numRows; ++r) {
                    int best = 0;
                    for (int i = 1; i < vocab; ++i)
                        if (!std::isnan(row(r)[best]) && (std::isnan(row(r)[i]) || row(r)[i] > row(r)[best])) best = i;
                    want[r] = best;
                }
                QCOMPARE(argmaxRowsCheck(numRows, vocab), std::string());
                std::vector<int32_t> out(numRows, -1);
                launchBoth(argmaxRowsShape(numRows, vocab),
                           [&] { argmaxRowsKernel(logits.data(), numRows, vocab, out.data()); });
                QCOMPARE(out, want);
            }
    }

    void launchShapesFitCudaLimits() {
        for (int width : {1, 31, 33, 257, 4096, 1 << 20}) {
            const LaunchShape s = addRmsNormShape(100000, width);
            QCOMPARE(s.gridX, kMaxGridBlocks);  // the rest by grid-stride
            QVERIFY(s.block % 32 == 0 && s.block >= 32 && s.block <= kNormMaxThreads);
            QVERIFY(s.block >= std::min(width, kNormMaxThreads));
            QCOMPARE(embeddingShape(3, width).gridX, 3);
            QVERIFY(siluMulShape(3, width).block <= kSiluMulThreads);
        }
        QCOMPARE(addRmsNormShape(1, 100).block, 128);
        QCOMPARE(headRmsNormShape(5, 3).gridX, 4);  // 15 heads, 4 warps (rows) per block
        QCOMPARE(headRmsNormShape(5, 3).block, 32 * kHeadNormWarps);
        QCOMPARE(ropeShape(2, 32, 8, 128).sharedBytes, size_t(128 * sizeof(float)));
        QCOMPARE(ropeShape(2, 32, 8, 128).block, kRopeThreads);
        QCOMPARE(argmaxRowsShape(2, 151936).sharedBytes, size_t(kArgmaxThreads / 32 * 8));
        QCOMPARE(writeKvCacheShape(2, 1, 64).block, 64);
    }

    void checkersRejectBadShapesAndTypes() {
        QVERIFY(!embeddingCheck(1, 0, DType::BF16).empty());
        QVERIFY(!embeddingCheck(1, 64, DType::I8).empty());
        QVERIFY(!addRmsNormCheck(-1, 64, 1e-6f, DType::BF16, DType::F32).empty());
        QVERIFY(!addRmsNormCheck(1, 64, NAN, DType::BF16, DType::F32).empty());
        QCOMPARE(addRmsNormCheck(1, 64, 1e-6f, DType::BF16, DType::I8), std::string("addRmsNorm: outType I8 is not F32, BF16 or F16"));
        QVERIFY(!headRmsNormCheck(1, 0, 128, 1e-6f, DType::F16).empty());
        QVERIFY(!headRmsNormCheck(1 << 20, 1 << 12, 128, 1e-6f, DType::F16).empty());
        QVERIFY(!ropeCheck(512, 128, 1, 4, 1, 127, 64).empty());    // odd head dim
        QVERIFY(!ropeCheck(512, 128, 1, 4, 1, 128, 63).empty());    // odd rotary dim
        QCOMPARE(ropeCheck(512, 128, 1, 4, 1, 128, 130), std::string("rope: rotaryDim 130 exceeds headDim 128"));
        QVERIFY(!ropeCheck(511, 128, 1, 4, 1, 128, 128).empty());   // q rows overlap
        QVERIFY(!ropeCheck(512, 127, 1, 4, 1, 128, 128).empty());   // k rows overlap
        QCOMPARE(ropeCheck(512, 128, 0, 4, 1, 128, 64), std::string());
        QVERIFY(!siluMulCheck(1, 0, DType::F32).empty());
        QVERIFY(!siluMulCheck(1, 64, DType::I8).empty());
        QVERIFY(!writeKvCacheCheck(127, 128, 1, 1, 128, DType::BF16).empty());
        QVERIFY(!writeKvCacheCheck(128, 127, 1, 1, 128, DType::BF16).empty());
        QVERIFY(!writeKvCacheCheck(128, 128, 1, 1, 128, DType::I8).empty());
        QVERIFY(!argmaxRowsCheck(1, 0).empty());
        QVERIFY(!argmaxRowsCheck(-1, 10).empty());
    }
};

QTEST_APPLESS_MAIN(ElementwiseKernelsTest)
#include "elementwise_kernels_test.moc"
