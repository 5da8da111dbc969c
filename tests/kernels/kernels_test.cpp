// CPU kernels and the shared math against straightforward reference computations.
#include <QtTest>

#include <atomic>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/common/dtype.h"
#include "kernels/common/rope.h"
#include "kernels/cpu/linear.h"
#include "kernels/cpu/norm.h"
#include "kernels/cpu/paged_attention.h"
#include "kernels/cpu/thread_pool.h"
#include "tests/support/random_floats.h"

using namespace pagoda;

namespace {

using test::randomFloats;

}  // namespace

class KernelsTest : public QObject {
    Q_OBJECT

private slots:
    void f16ConversionIsExactForEveryClassOfValue() {
        QCOMPARE(f16ToFloat(0x3c00), 1.0f);
        QCOMPARE(f16ToFloat(0xc000), -2.0f);
        QCOMPARE(f16ToFloat(0x7bff), 65504.0f);             // largest normal
        QCOMPARE(f16ToFloat(0x0400), std::ldexp(1.0f, -14));  // smallest normal
        QCOMPARE(f16ToFloat(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
        QCOMPARE(f16ToFloat(0x03ff), 1023 * std::ldexp(1.0f, -24));
        QVERIFY(std::signbit(f16ToFloat(0x8000)) && f16ToFloat(0x8000) == 0.0f);
        QVERIFY(std::isinf(f16ToFloat(0x7c00)) && f16ToFloat(0xfc00) < 0);
        QVERIFY(std::isnan(f16ToFloat(0x7e00)));
    }

    void bf16RoundsToNearestEven() {
        QCOMPARE(bf16ToFloat(0x3f80), 1.0f);
        QCOMPARE(floatToBf16(1.0f), uint16_t(0x3f80));
        // 1 + 2^-8 is exactly halfway between two bf16 values: ties go to the even one (1.0).
        QCOMPARE(floatToBf16(1.0f + std::ldexp(1.0f, -8)), uint16_t(0x3f80));
        // 1 + 3*2^-8 is halfway again; now the even neighbour is above.
        QCOMPARE(floatToBf16(1.0f + 3 * std::ldexp(1.0f, -8)), uint16_t(0x3f82));
        QVERIFY(std::isnan(bf16ToFloat(floatToBf16(std::nanf("")))));
    }

    void threadPoolCoversEveryIndexExactlyOnce() {
        ThreadPool pool(4);
        for (size_t count : {size_t(0), size_t(1), size_t(3), size_t(7), size_t(64), size_t(1001)}) {
            for (int repeat = 0; repeat < 200; ++repeat) {
                std::vector<std::atomic<int>> hits(count);
                pool.parallelFor(count, [&](size_t begin, size_t end) {
                    for (size_t i = begin; i < end; ++i) hits[i].fetch_add(1);
                });
                for (size_t i = 0; i < count; ++i) QCOMPARE(hits[i].load(), 1);
            }
        }
    }

    void ropeAtPositionZeroIsIdentityAndRotationPreservesNorm() {
        RopeSpec spec;
        spec.theta = 10000.0f;
        spec.rotaryDim = 8;
        std::vector<float> inv(4), c(4), s(4);
        ropeInvFreq(spec, inv.data());
        for (bool interleaved : {false, true}) {
            auto x = randomFloats(12, 1);  // head of 12 dims, 8 rotate, 4 pass through
            const auto original = x;
            ropeCosSin(inv.data(), 4, 0, c.data(), s.data());
            applyRope(x.data(), c.data(), s.data(), 8, interleaved);
            for (size_t i = 0; i < x.size(); ++i) QCOMPARE(x[i], original[i]);
            ropeCosSin(inv.data(), 4, 37, c.data(), s.data());
            applyRope(x.data(), c.data(), s.data(), 8, interleaved);
            double before = 0, after = 0;
            for (int i = 0; i < 8; ++i) before += double(original[i]) * original[i], after += double(x[i]) * x[i];
            QVERIFY(std::fabs(before - after) < 1e-4 * before);
            for (size_t i = 8; i < 12; ++i) QCOMPARE(x[i], original[i]);  // partial rotary passes these through
        }
    }

    void ropePairsDimensionsAsEachLayoutPrescribes() {
        // Frequency 0 (inv_freq 1) at position 1 rotates its pair by 1 radian: NeoX pairs dim 0
        // with dim rotaryDim/2, interleaved (GLM) pairs dim 0 with dim 1.
        const float c[2] = {std::cos(1.0f), 1.0f}, s[2] = {std::sin(1.0f), 0.0f};
        float neox[4] = {1, 0, 0, 0};
        applyRope(neox, c, s, 4, false);
        QCOMPARE(neox[2], std::sin(1.0f));
        QCOMPARE(neox[1], 0.0f);
        float interleaved[4] = {1, 0, 0, 0};
        applyRope(interleaved, c, s, 4, true);
        QCOMPARE(interleaved[1], std::sin(1.0f));
        QCOMPARE(interleaved[2], 0.0f);
    }

    void llama3ScalingKeepsShortDividesLongAndBlendsBetween() {
        RopeSpec plain;
        plain.theta = 500000.0f;
        plain.rotaryDim = 64;
        RopeSpec scaled = plain;
        scaled.llama3Factor = 8.0f;
        scaled.llama3OriginalMaxPositions = 8192.0f;
        std::vector<float> a(32), b(32);
        ropeInvFreq(plain, a.data());
        ropeInvFreq(scaled, b.data());
        int kept = 0, divided = 0, blended = 0;
        for (int i = 0; i < 32; ++i) {
            const float wavelen = 2.0f * float(M_PI) / a[size_t(i)];
            if (wavelen < 8192.0f / 4.0f) {
                QCOMPARE(b[size_t(i)], a[size_t(i)]);
                ++kept;
            } else if (wavelen > 8192.0f) {
                QCOMPARE(b[size_t(i)], a[size_t(i)] / 8.0f);
                ++divided;
            } else {
                QVERIFY(b[size_t(i)] < a[size_t(i)] && b[size_t(i)] > a[size_t(i)] / 8.0f);
                ++blended;
            }
        }
        QVERIFY(kept > 0 && divided > 0 && blended > 0);
    }

    void linearMatchesNaiveProductForEveryWeightDtype() {
        ThreadPool pool(3);
        const size_t tokens = 5, in = 37, out = 29, stride = 40;
        const auto x = randomFloats(tokens * in, 2);
        const auto wf = randomFloats(out * in, 3);
        const auto bias = randomFloats(out, 4);
        for (DType type : {DType::F32, DType::F16, DType::BF16}) {
            // Store the weights in `type` at an odd byte offset: files need not align them.
            std::vector<unsigned char> storage(out * in * dtypeSize(type) + 1);
            std::vector<float> widened(out * in);
            for (size_t i = 0; i < out * in; ++i) {
                unsigned char* dst = storage.data() + 1 + i * dtypeSize(type);
                if (type == DType::F32) {
                    std::memcpy(dst, &wf[i], 4);
                } else if (type == DType::BF16) {
                    const uint16_t h = floatToBf16(wf[i]);
                    std::memcpy(dst, &h, 2);
                } else {
                    // A normal f16 built from bits: sign, exponent 13..16 (|x| in [0.25, 4)), mantissa.
                    const uint16_t h = uint16_t(((i & 1) << 15) | ((13 + i % 4) << 10) | (i * 97 % 1024));
                    std::memcpy(dst, &h, 2);
                }
                widened[i] = loadAsFloat(storage.data() + 1, type, i);
            }
            std::vector<float> y(tokens * stride, -7.0f);
            cpu::linear(pool, x.data(), tokens, {storage.data() + 1, type, out, in}, {bias.data(), DType::F32, out},
                        y.data(), stride);
            for (size_t t = 0; t < tokens; ++t) {
                for (size_t o = 0; o < out; ++o) {
                    double expected = bias[o];
                    for (size_t i = 0; i < in; ++i) expected += double(x[t * in + i]) * widened[o * in + i];
                    QVERIFY(std::fabs(y[t * stride + o] - expected) < 1e-4 * (1 + std::fabs(expected)));
                }
                for (size_t o = out; o < stride; ++o) QCOMPARE(y[t * stride + o], -7.0f);  // stride gap untouched
            }
        }
    }

    void addRmsNormEqualsAddThenNorm() {
        const size_t rows = 3, n = 37;
        const auto weight = randomFloats(n, 21), delta = randomFloats(rows * n, 22);
        auto residual = randomFloats(rows * n, 23);
        std::vector<float> added = residual;
        for (size_t i = 0; i < added.size(); ++i) added[i] += delta[i];
        std::vector<float> expected(rows * n), got(rows * n);
        cpu::rmsNorm(added.data(), rows, {weight.data(), DType::F32, n}, 1e-6f, expected.data());
        cpu::addRmsNorm(residual.data(), delta.data(), rows, {weight.data(), DType::F32, n}, 1e-6f, got.data());
        QCOMPARE(residual, added);  // the residual stream is updated in place
        QCOMPARE(got, expected);
    }

    void pagedAttentionMatchesDenseCausalAttentionWithGqa() {
        ThreadPool pool(2);
        const int numHeads = 6, numKvHeads = 2, headDim = 8, blockSize = 4, numTokens = 11;
        const cpu::KvLayout layout{blockSize, numKvHeads, headDim};
        const size_t kvWidth = size_t(numKvHeads) * headDim;
        const auto q = randomFloats(size_t(numTokens) * numHeads * headDim, 5);
        const auto k = randomFloats(size_t(numTokens) * kvWidth, 6);
        const auto v = randomFloats(size_t(numTokens) * kvWidth, 7);
        const std::vector<int32_t> blockTable = {5, 0, 3};  // tokens 0-3 → block 5, 4-7 → 0, 8-10 → 3
        std::vector<int64_t> slotMapping(numTokens);
        std::vector<int32_t> positions(numTokens), sequence(numTokens, 0);
        for (int t = 0; t < numTokens; ++t) {
            positions[size_t(t)] = t;
            slotMapping[size_t(t)] = int64_t(blockTable[size_t(t / blockSize)]) * blockSize + t % blockSize;
        }
        std::vector<float> kCache(6 * blockSize * kvWidth, NAN), vCache(kCache.size(), NAN);
        cpu::writeKv(layout, k.data(), v.data(), slotMapping.data(), numTokens, kCache.data(), vCache.data());

        std::vector<float> out(q.size());
        cpu::PagedAttentionArgs args;
        args.layout = layout;
        args.numHeads = numHeads;
        args.scale = 1.0f / std::sqrt(float(headDim));
        args.numTokens = numTokens;
        args.q = q.data();
        args.positions = positions.data();
        args.tokenSequence = sequence.data();
        args.blockTables = blockTable.data();
        args.blockTableStride = blockTable.size();
        args.kCache = kCache.data();
        args.vCache = vCache.data();
        args.out = out.data();
        cpu::pagedAttention(pool, args);

        for (int t = 0; t < numTokens; ++t) {
            for (int h = 0; h < numHeads; ++h) {
                const int kvh = h / (numHeads / numKvHeads);
                const float* qh = &q[(size_t(t) * numHeads + h) * headDim];
                std::vector<double> scores(size_t(t) + 1);
                double maxScore = -1e300, sum = 0;
                for (int j = 0; j <= t; ++j) {
                    double dotv = 0;
                    for (int d = 0; d < headDim; ++d) dotv += double(qh[d]) * k[size_t(j) * kvWidth + size_t(kvh) * headDim + size_t(d)];
                    scores[size_t(j)] = dotv * args.scale;
                    maxScore = std::max(maxScore, scores[size_t(j)]);
                }
                for (double& s : scores) sum += (s = std::exp(s - maxScore));
                for (int d = 0; d < headDim; ++d) {
                    double expected = 0;
                    for (int j = 0; j <= t; ++j)
                        expected += scores[size_t(j)] / sum * v[size_t(j) * kvWidth + size_t(kvh) * headDim + size_t(d)];
                    QVERIFY(std::fabs(out[(size_t(t) * numHeads + h) * headDim + size_t(d)] - expected) < 1e-5);
                }
            }
        }
    }
};

QTEST_APPLESS_MAIN(KernelsTest)
#include "kernels_test.moc"
