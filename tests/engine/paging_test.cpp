// Paging is transparent: how a sequence is cut into steps, where its blocks live and who
// shares its batch never change its logits.
#include <QtTest>

#include <numeric>

#include "engine/executor/cpu/cpu_executor.h"
#include "engine/model/model.h"
#include "tests/support/model_fixture.h"

using namespace pagoda;

namespace {

// Different cuts take different (equally valid) summation paths only if a kernel picks its
// method by batch size; today they are bit-identical, and this bound leaves room for that.
constexpr float kTolerance = 1e-5f;
constexpr int kBlockSize = 16;

std::vector<int32_t> syntheticPrompt(size_t length, int vocab, int salt) {
    std::vector<int32_t> ids(length);
    for (size_t i = 0; i < length; ++i) ids[i] = int32_t((i * 37 + size_t(salt) * 101 + 11) % size_t(vocab));
    return ids;
}

std::vector<int32_t> contiguousBlocks(size_t tokens) {
    std::vector<int32_t> blocks((tokens + kBlockSize - 1) / kBlockSize);
    std::iota(blocks.begin(), blocks.end(), 0);
    return blocks;
}

// Runs one sequence cut into steps of the given sizes; returns logits for every position.
std::vector<float> runInChunks(Executor& executor, const std::vector<int32_t>& ids, const std::vector<int32_t>& blocks,
                               const std::vector<size_t>& chunkSizes) {
    std::vector<float> all;
    size_t done = 0;
    for (size_t chunk : chunkSizes) {
        BatchBuilder builder(kBlockSize);
        builder.addSequence(std::span(ids).subspan(done, chunk), int32_t(done), blocks, LogitsFor::All);
        auto logits = executor.execute(builder.build());
        if (!logits) qFatal("%s", logits.error().message.c_str());
        all.insert(all.end(), logits->begin(), logits->end());
        done += chunk;
    }
    if (done != ids.size()) qFatal("chunks do not cover the prompt");
    return all;
}

std::shared_ptr<const Model> loadFixture(const QString& name) {
    auto model = loadModel(test::modelFixturesDir() / name.toStdString());
    if (!model) qFatal("%s", model.error().message.c_str());
    return *model;
}

}  // namespace

class PagingTest : public QObject {
    Q_OBJECT

private slots:
    void prefillThenDecodesEqualsSinglePrefill_data() { fixtureRows(); }
    void prefillThenDecodesEqualsSinglePrefill() {
        QFETCH(QString, fixture);
        const auto model = loadFixture(fixture);
        const auto ids = syntheticPrompt(40, model->config.vocabSize, 1);
        CpuExecutor whole(model, {8, kBlockSize, 0});
        CpuExecutor stepwise(model, {8, kBlockSize, 0});
        const auto reference = runInChunks(whole, ids, contiguousBlocks(40), {40});
        std::vector<size_t> chunks = {9};
        chunks.resize(1 + 31, 1);  // a 9-token prefill, then 31 one-token decodes
        const auto decoded = runInChunks(stepwise, ids, contiguousBlocks(40), chunks);
        QCOMPARE(decoded.size(), reference.size());
        QVERIFY(test::maxAbsDiff(decoded.data(), reference.data(), reference.size()) <= kTolerance);
    }

    void chunkedPrefillEqualsSinglePrefill() {
        const auto model = loadFixture("qwen3-f32");
        const auto ids = syntheticPrompt(45, model->config.vocabSize, 2);
        CpuExecutor whole(model, {8, kBlockSize, 0});
        CpuExecutor chunked(model, {8, kBlockSize, 0});
        const auto reference = runInChunks(whole, ids, contiguousBlocks(45), {45});
        const auto result = runInChunks(chunked, ids, contiguousBlocks(45), {16, 5, 11, 13});
        QVERIFY(test::maxAbsDiff(result.data(), reference.data(), reference.size()) <= kTolerance);
    }

    void scrambledBlockTableEqualsContiguous_data() { fixtureRows(); }
    void scrambledBlockTableEqualsContiguous() {
        QFETCH(QString, fixture);
        const auto model = loadFixture(fixture);
        const auto ids = syntheticPrompt(50, model->config.vocabSize, 3);
        CpuExecutor contiguous(model, {8, kBlockSize, 0});
        CpuExecutor scrambled(model, {8, kBlockSize, 0});
        const auto reference = runInChunks(contiguous, ids, contiguousBlocks(50), {50});
        // Non-contiguous, out of order, and not starting at 0.
        const std::vector<int32_t> blocks = {6, 2, 7, 4};
        const auto result = runInChunks(scrambled, ids, blocks, {20, 1, 1, 28});
        QVERIFY(test::maxAbsDiff(result.data(), reference.data(), reference.size()) <= kTolerance);
    }

    void mixedBatchEqualsEachSequenceAlone_data() { fixtureRows(); }
    void mixedBatchEqualsEachSequenceAlone() {
        QFETCH(QString, fixture);
        const auto model = loadFixture(fixture);
        const int vocab = model->config.vocabSize;
        // Three sequences of different lengths, each with its own blocks in one cache. Step 1
        // prefills A and B fully and C partly; step 2 decodes A and B and finishes C's prefill,
        // so one batch mixes decodes and a prefill chunk, as the scheduler will.
        struct Seq {
            std::vector<int32_t> ids;
            std::vector<int32_t> blocks;
            size_t firstStep;
        };
        const std::vector<Seq> seqs = {{syntheticPrompt(14, vocab, 4), {3}, 13},
                                       {syntheticPrompt(33, vocab, 5), {0, 5, 1}, 32},
                                       {syntheticPrompt(23, vocab, 6), {7, 2}, 10}};

        CpuExecutor batched(model, {8, kBlockSize, 0});
        std::vector<std::vector<float>> batchedLogits(seqs.size());
        for (int step = 0; step < 2; ++step) {
            BatchBuilder builder(kBlockSize);
            for (const Seq& s : seqs) {
                const size_t begin = step == 0 ? 0 : s.firstStep;
                const size_t end = step == 0 ? s.firstStep : s.ids.size();
                builder.addSequence(std::span(s.ids).subspan(begin, end - begin), int32_t(begin), s.blocks,
                                    LogitsFor::All);
            }
            const Batch batch = builder.build();
            auto logits = batched.execute(batch);
            QVERIFY2(logits.ok(), logits.ok() ? "" : logits.error().message.c_str());
            size_t row = 0;
            for (size_t i = 0; i < seqs.size(); ++i) {
                const size_t n = size_t(batch.querySeqStart[i + 1] - batch.querySeqStart[i]) * size_t(vocab);
                batchedLogits[i].insert(batchedLogits[i].end(), logits->begin() + long(row), logits->begin() + long(row + n));
                row += n;
            }
        }
        for (size_t i = 0; i < seqs.size(); ++i) {
            CpuExecutor alone(model, {8, kBlockSize, 0});
            const auto reference = runInChunks(alone, seqs[i].ids, contiguousBlocks(seqs[i].ids.size()),
                                               {seqs[i].ids.size()});
            QCOMPARE(batchedLogits[i].size(), reference.size());
            QVERIFY2(test::maxAbsDiff(batchedLogits[i].data(), reference.data(), reference.size()) <= kTolerance,
                     qPrintable(QString("sequence %1 differs").arg(i)));
        }
    }

    void invalidBatchIsRejectedWithoutTouchingMemory() {
        const auto model = loadFixture("qwen2-tied-f32");
        CpuExecutor executor(model, {2, kBlockSize, 0});
        const std::vector<int32_t> ok = {1, 2, 3};
        struct Case {
            const char* name;
            std::vector<int32_t> ids;
            int32_t start;
            std::vector<int32_t> blocks;
            const char* expected;
        };
        const std::vector<Case> cases = {
            {"token id past the vocabulary", {1, 512, 3}, 0, {0}, "outside the vocabulary"},
            {"block past the cache", ok, 0, {2}, "KV block 2"},
            {"block table too short", ok, 15, {0}, "block table holds only 1"},
        };
        for (const Case& c : cases) {
            BatchBuilder builder(kBlockSize);
            builder.addSequence(c.ids, c.start, c.blocks, LogitsFor::Last);
            auto result = executor.execute(builder.build());
            QVERIFY2(!result.ok(), c.name);
            QVERIFY2(result.error().message.find(c.expected) != std::string::npos, result.error().message.c_str());
        }
    }

private:
    void fixtureRows() {
        QTest::addColumn<QString>("fixture");
        for (const QString& name : test::modelFixtureNames()) QTest::newRow(qPrintable(name)) << name;
    }
};

QTEST_APPLESS_MAIN(PagingTest)
#include "paging_test.moc"
