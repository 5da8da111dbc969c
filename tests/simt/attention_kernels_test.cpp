// The paged-attention kernels (kernels/cuda/paged_attention_{decode,prefill}.cuh) run on
// the CPU through the SIMT harness, launched with the shapes their launchers use, and
// compared with kernels/cpu/paged_attention.h on randomized caches with shuffled block
// tables.
#include "tests/simt/simt.h"

#include <QTest>

#include <cmath>
#include <string>
#include <vector>

#include "kernels/cuda/paged_attention_decode.cuh"
#include "kernels/cuda/paged_attention_prefill.cuh"
#include "tests/simt/attention_fixture.h"

using namespace pagoda;
using namespace pagoda::cuda;
using simt_test::AttentionCase;
using simt_test::AttentionProblem;

namespace {

template <typename CacheT, int HEAD_DIM>
void decodeAs(const PagedAttentionParams& p, const DecodeWorkspace& ws) {
    const LaunchShape s = decodeLaunch(p);
    simt::launch(s.grid(), dim3(s.block), s.sharedBytes, [&] { pagedAttentionDecodeKernel<CacheT, HEAD_DIM>(p, ws); });
}

template <typename CacheT, int HEAD_DIM>
void prefillAs(const PagedAttentionParams& p) {
    const LaunchShape s = prefillLaunch(p);
    simt::launch(s.grid(), dim3(s.block), s.sharedBytes, [&] { pagedAttentionPrefillKernel<CacheT, HEAD_DIM>(p); });
}

// Calls fn.template operator()<CacheT, HEAD_DIM>() for the params' cache type and head size,
// as the .cu launchers dispatch.
template <typename F>
void dispatch(const PagedAttentionParams& p, F&& fn) {
    auto byDim = [&]<typename CacheT>() {
        if (p.headDim == 64) fn.template operator()<CacheT, 64>();
        else if (p.headDim == 128) fn.template operator()<CacheT, 128>();
        else fn.template operator()<CacheT, 256>();
    };
    if (p.cacheType == DType::F32) byDim.template operator()<float>();
    else if (p.cacheType == DType::BF16) byDim.template operator()<__nv_bfloat16>();
    else byDim.template operator()<__half>();
}

// What pagedAttentionDecode does, through the harness.
void runDecode(AttentionProblem& problem) {
    const PagedAttentionParams p = problem.params();
    std::vector<float> workspace(decodeWorkspaceBytes(p) / sizeof(float) + 1);
    QCOMPARE(QString::fromStdString(decodeCheck(p, workspace.data())), QString());
    const DecodeWorkspace ws = decodeWorkspace(p, workspace.data());
    dispatch(p, [&]<typename CacheT, int HEAD_DIM>() { decodeAs<CacheT, HEAD_DIM>(p, ws); });
    const int numPartitions = decodeNumPartitions(p.maxContextLen);
    if (numPartitions > 1) {
        const LaunchShape s = decodeReduceLaunch(p);
        simt::launch(s.grid(), dim3(s.block), s.sharedBytes,
                     [&] { pagedAttentionDecodeReduceKernel(p, numPartitions, ws); });
    }
}

void runPrefill(AttentionProblem& problem) {
    const PagedAttentionParams p = problem.params();
    QCOMPARE(QString::fromStdString(prefillCheck(p)), QString());
    dispatch(p, [&]<typename CacheT, int HEAD_DIM>() { prefillAs<CacheT, HEAD_DIM>(p); });
}

// f32 output within 1e-5 relative of the reference (summation order differs); a 16-bit
// output equal to the reference rounded the same way, give or take one unit in the last
// place where the f32 difference straddles a rounding boundary.
void compareWithReference(const AttentionProblem& problem) {
    const float ulp = problem.c.outType == DType::BF16 ? 1.0f / 128 : problem.c.outType == DType::F16 ? 1.0f / 1024 : 0;
    for (size_t i = 0; i < problem.reference.size(); ++i) {
        const float want = problem.reference[i], got = problem.output(i);
        const float tolerance = 1e-5f * std::max(1.0f, std::fabs(want)) + ulp * std::fabs(want);
        if (!(std::fabs(got - want) <= tolerance)) {
            const size_t width = size_t(problem.c.numHeads) * problem.c.headDim;
            QFAIL(qPrintable(QStringLiteral("token %1 head %2 dim %3: got %4, reference %5")
                                 .arg(i / width).arg(i % width / problem.c.headDim).arg(i % problem.c.headDim)
                                 .arg(double(got), 0, 'g', 9).arg(double(want), 0, 'g', 9)));
        }
    }
}

AttentionCase decodeCase(int numHeads, int numKvHeads, int headDim, std::vector<int> contextLens, uint32_t seed) {
    AttentionCase c;
    c.numHeads = numHeads;
    c.numKvHeads = numKvHeads;
    c.headDim = headDim;
    c.queryLens.assign(contextLens.size(), 1);
    c.contextLens = std::move(contextLens);
    c.seed = seed;
    return c;
}

std::vector<int> randomLengths(int count, int lo, int hi, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> length(lo, hi);
    std::vector<int> lengths(count);
    for (int& l : lengths) l = length(rng);
    return lengths;
}

}  // namespace

class AttentionKernelsTest : public QObject {
    Q_OBJECT

private slots:
    void init() { simt::setScheduleOrder(simt::ScheduleOrder::Forward); }

    void decodeMatchesReference_data() {
        QTest::addColumn<int>("numHeads");
        QTest::addColumn<int>("numKvHeads");
        QTest::addColumn<int>("headDim");
        QTest::addColumn<int>("blockSize");
        QTest::addColumn<std::vector<int>>("contextLens");
        const std::vector<int> boundaries{1, 15, 16, 17, 511, 512, 513, 1500};
        QTest::newRow("block and partition boundaries, gqa 2, d128") << 4 << 2 << 128 << 16 << boundaries;
        QTest::newRow("block and partition boundaries, gqa 1, d64, block 8") << 2 << 2 << 64 << 8 << boundaries;
        QTest::newRow("one partition, gqa 7, d64") << 7 << 1 << 64 << 16 << std::vector<int>{5, 300, 512};
        QTest::newRow("several partitions, gqa 8, d128") << 16 << 2 << 128 << 16 << std::vector<int>{1100, 2049};
        QTest::newRow("gqa 7 over two kv heads, d128") << 14 << 2 << 128 << 32 << std::vector<int>{37, 700, 1025};
        QTest::newRow("batch 64, d64") << 2 << 1 << 64 << 16 << randomLengths(64, 1, 1100, 7);
        QTest::newRow("batch 32, gqa 8, d128") << 8 << 1 << 128 << 16 << randomLengths(32, 1, 600, 8);
        QTest::newRow("d256") << 4 << 4 << 256 << 16 << std::vector<int>{3, 520};
    }
    void decodeMatchesReference() {
        QFETCH(int, numHeads);
        QFETCH(int, numKvHeads);
        QFETCH(int, headDim);
        QFETCH(int, blockSize);
        QFETCH(std::vector<int>, contextLens);
        AttentionCase c = decodeCase(numHeads, numKvHeads, headDim, contextLens, 11);
        c.blockSize = blockSize;
        AttentionProblem problem(c);
        runDecode(problem);
        compareWithReference(problem);
    }

    void decode16BitCachesAndOutputs_data() {
        QTest::addColumn<int>("cacheType");
        QTest::addColumn<int>("outType");
        QTest::addColumn<int>("headDim");
        QTest::newRow("bf16 cache, bf16 out, d128") << int(DType::BF16) << int(DType::BF16) << 128;
        QTest::newRow("f16 cache, f16 out, d64") << int(DType::F16) << int(DType::F16) << 64;
        QTest::newRow("bf16 cache, f32 out, d64") << int(DType::BF16) << int(DType::F32) << 64;
        QTest::newRow("f16 cache, bf16 out, d256") << int(DType::F16) << int(DType::BF16) << 256;
    }
    void decode16BitCachesAndOutputs() {
        QFETCH(int, cacheType);
        QFETCH(int, outType);
        QFETCH(int, headDim);
        AttentionCase c = decodeCase(4, 2, headDim, {17, 513, 1030}, 12);
        c.cacheType = DType(cacheType);
        c.outType = DType(outType);
        AttentionProblem problem(c);
        runDecode(problem);
        compareWithReference(problem);
    }

    // A missing barrier shows up as a wrong answer under another interleaving of a block's
    // threads.
    void decodeAndPrefillIndependentOfThreadSchedule() {
        for (auto order : {simt::ScheduleOrder::Reverse, simt::ScheduleOrder::Shuffled}) {
            simt::setScheduleOrder(order, 5);
            AttentionProblem decode(decodeCase(4, 2, 64, {40, 600}, 13));
            runDecode(decode);
            compareWithReference(decode);
            AttentionCase c = decodeCase(4, 2, 64, {70, 45}, 14);
            c.queryLens = {30, 45};
            AttentionProblem prefill(c);
            runPrefill(prefill);
            compareWithReference(prefill);
        }
    }

    void prefillMatchesReference_data() {
        QTest::addColumn<int>("numHeads");
        QTest::addColumn<int>("numKvHeads");
        QTest::addColumn<int>("headDim");
        QTest::addColumn<std::vector<int>>("contextLens");
        QTest::addColumn<std::vector<int>>("queryLens");
        QTest::newRow("no prefix, d64, gqa 1") << 2 << 2 << 64 << std::vector<int>{1, 15, 16, 17, 100}
                                               << std::vector<int>{1, 15, 16, 17, 100};
        QTest::newRow("no prefix, d128, gqa 2") << 4 << 2 << 128 << std::vector<int>{33, 64} << std::vector<int>{33, 64};
        QTest::newRow("cached prefix, d128, gqa 7") << 7 << 1 << 128 << std::vector<int>{513, 1500, 40}
                                                    << std::vector<int>{13, 20, 9};
        QTest::newRow("chunked prefill mid-sequence, d64, gqa 8") << 8 << 1 << 64 << std::vector<int>{511, 512, 97}
                                                                  << std::vector<int>{200, 31, 50};
        QTest::newRow("mixed with decode rows, d128") << 4 << 4 << 128 << std::vector<int>{300, 17, 1}
                                                      << std::vector<int>{1, 17, 1};
        QTest::newRow("d256, gqa 2") << 4 << 2 << 256 << std::vector<int>{40, 90} << std::vector<int>{40, 25};
        QTest::newRow("batch 24, d64") << 2 << 1 << 64 << randomLengths(24, 20, 200, 9) << randomLengths(24, 1, 20, 10);
    }
    void prefillMatchesReference() {
        QFETCH(int, numHeads);
        QFETCH(int, numKvHeads);
        QFETCH(int, headDim);
        QFETCH(std::vector<int>, contextLens);
        QFETCH(std::vector<int>, queryLens);
        AttentionCase c = decodeCase(numHeads, numKvHeads, headDim, contextLens, 21);
        c.queryLens = queryLens;
        AttentionProblem problem(c);
        runPrefill(problem);
        compareWithReference(problem);
    }

    void prefill16BitCaches() {
        for (DType type : {DType::BF16, DType::F16}) {
            AttentionCase c = decodeCase(4, 2, 128, {150, 60}, 22);
            c.queryLens = {40, 60};
            c.cacheType = type;
            c.outType = type;
            AttentionProblem problem(c);
            runPrefill(problem);
            compareWithReference(problem);
        }
    }

    void preconditionsRejectBadLaunches_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        QTest::newRow("head size") << "headDim" << "headDim 96 is not compiled";
        QTest::newRow("gqa") << "numKvHeads" << "numHeads 4 is not a multiple of numKvHeads 3";
        QTest::newRow("block table") << "blockTableStride" << "cannot hold maxContextLen";
        QTest::newRow("q stride") << "qStride" << "qStride 10 is less than";
        QTest::newRow("cache type") << "cacheType" << "cacheType I8 is not";
        QTest::newRow("pointers") << "kCache" << "must all be set";
        QTest::newRow("grid") << "numSequences" << "exceeds the grid limit";
    }
    void preconditionsRejectBadLaunches() {
        QFETCH(QString, field);
        QFETCH(QString, message);
        AttentionCase c = decodeCase(4, 2, 64, {20, 30}, 31);
        AttentionProblem problem(c);
        PagedAttentionParams p = problem.params();
        if (field == "headDim") p.headDim = 96;
        if (field == "numKvHeads") p.numKvHeads = 3;
        if (field == "blockTableStride") p.blockTableStride = 1;
        if (field == "qStride") p.qStride = 10;
        if (field == "cacheType") p.cacheType = DType::I8;
        if (field == "kCache") p.kCache = nullptr;
        if (field == "numSequences") p.numSequences = 70000;
        const QString decode = QString::fromStdString(decodeCheck(p, nullptr));
        const QString prefill = QString::fromStdString(prefillCheck(p));
        QVERIFY2(decode.startsWith("pagedAttentionDecode: ") && decode.contains(message), qPrintable(decode));
        QVERIFY2(prefill.startsWith("pagedAttentionPrefill: ") && prefill.contains(message), qPrintable(prefill));
    }

    void preconditionsOfEachKernel() {
        AttentionProblem problem(decodeCase(4, 2, 64, {1500}, 32));
        PagedAttentionParams p = problem.params();
        QVERIFY(decodeWorkspaceBytes(p) > 0);
        QVERIFY(QString::fromStdString(decodeCheck(p, nullptr)).contains("needs a workspace"));
        p.maxContextLen = 512;  // one partition: no workspace needed
        QCOMPARE(decodeWorkspaceBytes(p), size_t(0));
        QCOMPARE(QString::fromStdString(decodeCheck(p, nullptr)), QString());
        p.maxQueryLen = 600;
        QVERIFY(QString::fromStdString(prefillCheck(p)).contains("maxQueryLen 600 exceeds maxContextLen 512"));
        p.querySeqStart = nullptr;
        p.maxQueryLen = 1;
        QVERIFY(QString::fromStdString(prefillCheck(p)).contains("querySeqStart must be set"));
        for (int headDim : {64, 128, 256}) {
            QVERIFY(decodeSharedBytes(headDim) <= kAttentionMaxSharedBytes);
            QVERIFY(prefillSharedBytes(headDim) <= kAttentionMaxSharedBytes);
        }
    }
};

QTEST_APPLESS_MAIN(AttentionKernelsTest)
#include "attention_kernels_test.moc"
