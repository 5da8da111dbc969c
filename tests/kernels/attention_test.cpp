// Paged attention (kernels/cpu/paged_attention.h) against causal attention computed in
// double over a dense copy of the keys and values: batches mixing a decode token, a chunk
// starting mid-sequence and a prompt over a thousand tokens, on shuffled block tables, for
// several block sizes, GQA groups and head sizes, with every thread count. CTest runs the
// suite again under each lower PAGODA_CPU_ISA; the tile kernel of every table this CPU
// runs is also checked directly.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "kernels/cpu/isa/kernel_table.h"
#include "kernels/cpu/paged_attention.h"
#include "kernels/cpu/thread_pool.h"

using namespace pagoda;
using namespace pagoda::cpu;

namespace {

struct Shape {
    int blockSize, numKvHeads, groupSize, headDim;
};

// A sequence of the batch: `numQueries` tokens at positions firstPosition.. (or at the
// listed positions), attending to its cache from key 0.
struct SequenceSpec {
    int firstPosition;
    int numQueries;
    std::vector<int32_t> positions = {};  // when set, these instead of consecutive ones
};

// Keys and values of every sequence, dense ([position][kvHead][d]) and in a paged cache
// whose blocks are handed out in shuffled order; unused slots hold NaN so a read of one
// shows in the output.
struct PagedBatch {
    Shape shape;
    std::vector<SequenceSpec> specs;
    std::vector<std::vector<float>> keys, values;  // per sequence, dense
    std::vector<int32_t> blockTables;
    size_t blockTableStride = 0;
    std::vector<float> kCache, vCache;
    std::vector<float> q;
    std::vector<int32_t> positions, tokenSequence;

    int numHeads() const { return shape.numKvHeads * shape.groupSize; }
    size_t kvWidth() const { return size_t(shape.numKvHeads) * shape.headDim; }

    PagedBatch(Shape s, std::vector<SequenceSpec> sequences, uint32_t seed) : shape(s), specs(std::move(sequences)) {
        std::mt19937 rng(seed);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        std::vector<int> contexts;
        for (const SequenceSpec& spec : specs) {
            std::vector<int32_t> pos = spec.positions;
            if (pos.empty())
                for (int i = 0; i < spec.numQueries; ++i) pos.push_back(spec.firstPosition + i);
            contexts.push_back(*std::max_element(pos.begin(), pos.end()) + 1);
            for (int32_t p : pos) {
                positions.push_back(p);
                tokenSequence.push_back(int32_t(contexts.size() - 1));
            }
        }
        size_t totalBlocks = 0;
        for (int c : contexts) {
            blockTableStride = std::max(blockTableStride, size_t((c + s.blockSize - 1) / s.blockSize));
            totalBlocks += size_t((c + s.blockSize - 1) / s.blockSize);
        }
        totalBlocks += 3;  // blocks nobody owns
        std::vector<int32_t> order(totalBlocks);
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), rng);
        blockTables.assign(specs.size() * blockTableStride, -1);
        kCache.assign(totalBlocks * size_t(s.blockSize) * kvWidth(), NAN);
        vCache.assign(kCache.size(), NAN);
        size_t nextBlock = 0;
        for (size_t seq = 0; seq < specs.size(); ++seq) {
            const int context = contexts[seq];
            for (int b = 0; b * s.blockSize < context; ++b) blockTables[seq * blockTableStride + size_t(b)] = order[nextBlock++];
            keys.emplace_back(size_t(context) * kvWidth());
            values.emplace_back(size_t(context) * kvWidth());
            for (float& x : keys.back()) x = normal(rng);
            for (float& x : values.back()) x = normal(rng);
            for (int j = 0; j < context; ++j) {
                const size_t slot = size_t(blockTables[seq * blockTableStride + size_t(j / s.blockSize)]) * s.blockSize +
                                    size_t(j % s.blockSize);
                std::copy_n(&keys[seq][size_t(j) * kvWidth()], kvWidth(), &kCache[slot * kvWidth()]);
                std::copy_n(&values[seq][size_t(j) * kvWidth()], kvWidth(), &vCache[slot * kvWidth()]);
            }
        }
        // Queries a few times larger than unit scores, so each row's maximum moves as keys
        // arrive and the online softmax has to rescale.
        q.resize(positions.size() * size_t(numHeads()) * s.headDim);
        for (float& x : q) x = 3.0f * normal(rng);
    }

    float scale() const { return 1.0f / std::sqrt(float(shape.headDim)); }

    PagedAttentionArgs args(float* out) const {
        PagedAttentionArgs a;
        a.layout = {shape.blockSize, shape.numKvHeads, shape.headDim};
        a.numHeads = numHeads();
        a.scale = scale();
        a.numTokens = positions.size();
        a.q = q.data();
        a.positions = positions.data();
        a.tokenSequence = tokenSequence.data();
        a.blockTables = blockTables.data();
        a.blockTableStride = blockTableStride;
        a.kCache = kCache.data();
        a.vCache = vCache.data();
        a.out = out;
        return a;
    }

    // Softmax(q kᵀ · scale) v over keys 0..position in double, for every token and head.
    std::vector<double> reference() const {
        const int H = numHeads(), D = shape.headDim;
        std::vector<double> out(q.size());
        std::vector<double> weights;
        for (size_t t = 0; t < positions.size(); ++t) {
            const auto& K = keys[size_t(tokenSequence[t])];
            const auto& V = values[size_t(tokenSequence[t])];
            const int numKeys = positions[t] + 1;
            weights.resize(size_t(numKeys));
            for (int h = 0; h < H; ++h) {
                const size_t kvOffset = size_t(h / shape.groupSize) * D;
                const float* qh = &q[(t * H + size_t(h)) * D];
                double maxScore = -INFINITY, sum = 0;
                for (int j = 0; j < numKeys; ++j) {
                    double dot = 0;
                    for (int d = 0; d < D; ++d) dot += double(qh[d]) * K[size_t(j) * kvWidth() + kvOffset + size_t(d)];
                    weights[size_t(j)] = dot * scale();
                    maxScore = std::max(maxScore, weights[size_t(j)]);
                }
                for (double& w : weights) sum += (w = std::exp(w - maxScore));
                double* o = &out[(t * H + size_t(h)) * D];
                for (int j = 0; j < numKeys; ++j)
                    for (int d = 0; d < D; ++d) o[d] += weights[size_t(j)] * V[size_t(j) * kvWidth() + kvOffset + size_t(d)];
                for (int d = 0; d < D; ++d) o[d] /= sum;
            }
        }
        return out;
    }
};

// The largest error relative to 1 + |expected| (outputs are averages of unit-scale values).
double worstError(const std::vector<float>& got, const std::vector<double>& expected) {
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        const double e = std::fabs(double(got[i]) - expected[i]) / (1.0 + std::fabs(expected[i]));
        worst = std::isnan(e) ? INFINITY : std::max(worst, e);
    }
    return worst;
}

constexpr double kTolerance = 1e-4;

std::vector<SequenceSpec> mixedSequences() {
    return {
        {300, 1},        // a decode token
        {50, 37},        // a chunk starting mid-sequence (prefix cached or chunked prefill)
        {0, 1030},       // a whole long prompt
        {0, 1},          // the first token of a prompt: one key
    };
}

}  // namespace

class AttentionTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { qInfo("kernel table: %s", isaName(kernels().isa)); }

    void mixedBatchMatchesDoubleReference_data() {
        QTest::addColumn<int>("blockSize");
        QTest::addColumn<int>("numKvHeads");
        QTest::addColumn<int>("groupSize");
        QTest::addColumn<int>("headDim");
        QTest::newRow("block16 group7 dim64 (Qwen2.5-0.5B)") << 16 << 2 << 7 << 64;
        QTest::newRow("block32 group2 dim128") << 32 << 2 << 2 << 128;
        QTest::newRow("block8 group1 dim40") << 8 << 2 << 1 << 40;
        QTest::newRow("block16 group7 dim72") << 16 << 1 << 7 << 72;
        QTest::newRow("block32 group1 dim64") << 32 << 1 << 1 << 64;
    }

    void mixedBatchMatchesDoubleReference() {
        QFETCH(int, blockSize);
        QFETCH(int, numKvHeads);
        QFETCH(int, groupSize);
        QFETCH(int, headDim);
        const PagedBatch batch({blockSize, numKvHeads, groupSize, headDim}, mixedSequences(), 11);
        const std::vector<double> expected = batch.reference();
        for (size_t threads : {1, 2, 3}) {
            ThreadPool pool(threads);
            std::vector<float> out(batch.q.size(), NAN);
            pagedAttention(pool, batch.args(out.data()));
            const double error = worstError(out, expected);
            if (!(error <= kTolerance)) qWarning("%zu threads: worst relative error %g", threads, error);
            QVERIFY(error <= kTolerance);
        }
    }

    // Tokens of one sequence at positions that do not follow each other, and sequences
    // that interleave, are legal inputs too: each still sees exactly its own keys.
    void irregularLayoutsMatchDoubleReference() {
        std::vector<SequenceSpec> specs = {
            {0, 0, {40, 7, 8, 9, 100}},
            {0, 3},
            {0, 0, {64}},
        };
        PagedBatch batch({16, 2, 3, 64}, specs, 12);
        // Interleave: move sequence 1's middle token to the end of the batch.
        const int H = batch.numHeads(), D = batch.shape.headDim;
        const size_t moved = 6, last = batch.positions.size() - 1;
        std::rotate(batch.positions.begin() + moved, batch.positions.begin() + moved + 1, batch.positions.end());
        std::rotate(batch.tokenSequence.begin() + moved, batch.tokenSequence.begin() + moved + 1,
                    batch.tokenSequence.end());
        std::rotate(batch.q.begin() + moved * H * D, batch.q.begin() + (moved + 1) * H * D, batch.q.end());
        QCOMPARE(batch.tokenSequence[last], 1);
        const std::vector<double> expected = batch.reference();
        ThreadPool pool(2);
        std::vector<float> out(batch.q.size(), NAN);
        pagedAttention(pool, batch.args(out.data()));
        QVERIFY(worstError(out, expected) <= kTolerance);
    }

    // The tile kernel of every table this CPU can run, on one query tile in the middle of a
    // prompt (its first keys visible to all rows, its last ones only to its later rows).
    void everyTablesTileKernelMatchesDoubleReference() {
        const PagedBatch batch({16, 2, 7, 72}, {{0, 90}}, 13);
        const std::vector<double> expected = batch.reference();
        const int H = batch.numHeads(), D = batch.shape.headDim, group = batch.shape.groupSize;
        const int firstToken = 70, numTokens = 9, kvHead = 1;
        std::vector<float> scratch(attentionScratchFloats(size_t(numTokens * group), size_t(D)));
        for (int level = 0; level <= int(detectIsa()); ++level) {
            const Isa isa = Isa(level);
            std::vector<float> out(batch.q.size(), 0.0f);
            AttentionTile tile;
            const size_t headOffset = size_t(kvHead * group * D), tokenStride = size_t(H * D);
            tile.q = batch.q.data() + size_t(firstToken) * tokenStride + headOffset;
            tile.qTokenStride = tokenStride;
            tile.out = out.data() + size_t(firstToken) * tokenStride + headOffset;
            tile.outTokenStride = tokenStride;
            tile.numTokens = numTokens;
            tile.groupSize = group;
            tile.headDim = D;
            tile.firstPosition = firstToken;
            tile.scale = batch.scale();
            tile.blockTable = batch.blockTables.data();
            tile.blockSize = batch.shape.blockSize;
            tile.slotStride = batch.kvWidth();
            tile.kCache = batch.kCache.data() + size_t(kvHead * D);
            tile.vCache = batch.vCache.data() + size_t(kvHead * D);
            tile.scratch = scratch.data();
            kernelsFor(isa).attendTile(tile);
            double worst = 0;
            for (int i = 0; i < numTokens; ++i)
                for (int g = 0; g < group; ++g)
                    for (int d = 0; d < D; ++d) {
                        const size_t at = size_t(firstToken + i) * tokenStride + headOffset + size_t(g * D + d);
                        worst = std::max(worst, std::fabs(out[at] - expected[at]) / (1.0 + std::fabs(expected[at])));
                    }
            if (!(worst <= kTolerance)) qWarning("%s: worst relative error %g", isaName(isa), worst);
            QVERIFY(worst <= kTolerance);
        }
    }
};

QTEST_APPLESS_MAIN(AttentionTest)
#include "attention_test.moc"
