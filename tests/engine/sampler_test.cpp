// The sampling stage: SamplingParams validation and defaults, the logits processors, the
// filters and the draw, checked against vLLM/HF/OpenAI semantics.
#include <QtTest>

#include <QTemporaryDir>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <new>
#include <numeric>

#include "engine/sampling/sampler.h"
#include "engine/sampling/sampling_params.h"
#include "engine/sampling/softmax_math.h"

using namespace pagoda;

// Counts heap allocations while a test asks for it, to prove the steady state allocates nothing.
namespace {
std::atomic<bool> g_countAllocations{false};
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
    if (g_countAllocations.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// Upper 0.1% points of the chi-square distribution, indexed by degrees of freedom. A correct
// sampler exceeds them with probability 0.001 for a random seed; the seeds here are fixed, so a
// run is deterministic, and the bound is the distribution's, not one tuned to this sampler.
constexpr double kChiSquare999[] = {0, 10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877};

std::vector<float> toVector(const QList<float>& list) { return {list.begin(), list.end()}; }

// softmax(logits / temperature) restricted to `kept`, in double.
std::vector<double> referenceProbabilities(const std::vector<float>& logits, double temperature,
                                           const std::vector<int32_t>& kept) {
    double maxLogit = -INFINITY;
    for (int32_t id : kept) maxLogit = std::max(maxLogit, double(logits[id]));
    std::vector<double> probs;
    double sum = 0;
    for (int32_t id : kept) {
        probs.push_back(std::exp((double(logits[id]) - maxLogit) / temperature));
        sum += probs.back();
    }
    for (double& p : probs) p /= sum;
    return probs;
}

std::vector<int> drawCounts(const std::vector<float>& logits, const SamplingParams& params, uint64_t seed, int draws) {
    Sampler sampler;
    SamplerRng rng(seed);
    std::vector<int> counts(logits.size(), 0);
    std::vector<float> scratch;
    for (int i = 0; i < draws; ++i) {
        scratch = logits;
        ++counts[size_t(sampler.sample(scratch, {&params, {}, {}, {}, &rng}).token)];
    }
    return counts;
}

// Draws from `logits` under `params` and checks that exactly `kept` can come out, with the
// frequencies of softmax(logits / temperature) renormalized over `kept` (chi-square test).
// Returns a failure description, or an empty string.
QString checkKeptDistribution(const std::vector<float>& logits, const SamplingParams& params,
                              const std::vector<int32_t>& kept, int draws = 20000) {
    const auto counts = drawCounts(logits, params, 1234, draws);
    for (size_t id = 0; id < counts.size(); ++id)
        if (counts[id] > 0 && std::find(kept.begin(), kept.end(), int32_t(id)) == kept.end())
            return QString("token %1 was sampled %2 times but should have been filtered out").arg(id).arg(counts[id]);
    const auto probs = referenceProbabilities(logits, params.temperature, kept);
    double chiSquare = 0;
    for (size_t i = 0; i < kept.size(); ++i) {
        const double expected = probs[i] * draws;
        if (expected < 5) return QString("row is too small for a chi-square test (expected %1)").arg(expected);
        chiSquare += (counts[size_t(kept[i])] - expected) * (counts[size_t(kept[i])] - expected) / expected;
    }
    if (kept.size() > 1 && chiSquare >= kChiSquare999[kept.size() - 1])
        return QString("chi-square %1 over %2 kept tokens exceeds the 0.1%% point %3")
            .arg(chiSquare)
            .arg(kept.size())
            .arg(kChiSquare999[kept.size() - 1]);
    return {};
}

std::vector<float> logsOf(std::initializer_list<double> weights) {
    std::vector<float> logits;
    for (double w : weights) logits.push_back(float(std::log(w)));
    return logits;
}

std::filesystem::path writeGenerationConfig(const QTemporaryDir& dir, const std::string& text) {
    const std::filesystem::path path = std::filesystem::path(dir.path().toStdString());
    std::ofstream(path / "generation_config.json") << text;
    return path;
}

struct BadParams {
    const char* name;
    std::function<void(SamplingParams&)> change;
    const char* messagePrefix;
};

const std::vector<BadParams>& badParamsTable() {
    static const std::vector<BadParams> table = {
        {"n below 1", [](SamplingParams& p) { p.n = 0; }, "n must be at least 1, got 0"},
        {"temperature below 0", [](SamplingParams& p) { p.temperature = -0.5f; }, "temperature must be"},
        {"temperature NaN", [](SamplingParams& p) { p.temperature = NAN; }, "temperature must be"},
        {"top_p 0", [](SamplingParams& p) { p.topP = 0.0f; }, "top_p must be in (0, 1], got 0"},
        {"top_p 1.5", [](SamplingParams& p) { p.topP = 1.5f; }, "top_p must be in (0, 1], got 1.5"},
        {"top_k -2", [](SamplingParams& p) { p.topK = -2; }, "top_k must be -1 or 0 (off) or at least 1, got -2"},
        {"top_k above vocabulary", [](SamplingParams& p) { p.topK = 1001; }, "top_k must be at most"},
        {"min_p 1.5", [](SamplingParams& p) { p.minP = 1.5f; }, "min_p must be in [0, 1], got 1.5"},
        {"repetition_penalty 0", [](SamplingParams& p) { p.repetitionPenalty = 0.0f; },
         "repetition_penalty must be greater than 0, got 0"},
        {"presence_penalty 3", [](SamplingParams& p) { p.presencePenalty = 3.0f; },
         "presence_penalty must be in [-2, 2], got 3"},
        {"frequency_penalty -3", [](SamplingParams& p) { p.frequencyPenalty = -3.0f; },
         "frequency_penalty must be in [-2, 2], got -3"},
        {"max_tokens 0", [](SamplingParams& p) { p.maxTokens = 0; }, "max_tokens must be at least 1, got 0"},
        {"min_tokens negative", [](SamplingParams& p) { p.minTokens = -1; }, "min_tokens must be at least 0"},
        {"min_tokens above max_tokens", [](SamplingParams& p) { p.minTokens = 17; },
         "min_tokens must be at most max_tokens (16), got 17"},
        {"logprobs 21", [](SamplingParams& p) { p.logprobs = 21; }, "logprobs must be in [0, 20], got 21"},
        {"logprobs -1", [](SamplingParams& p) { p.logprobs = -1; }, "logprobs must be in [0, 20]"},
        {"logit_bias id outside vocabulary", [](SamplingParams& p) { p.logitBias = {{3, 1.0f}, {1000, 1.0f}}; },
         "logit_bias: token id 1000 is outside the vocabulary (0..999)"},
        {"logit_bias negative id", [](SamplingParams& p) { p.logitBias = {{-1, 1.0f}}; },
         "logit_bias: token id -1 is outside the vocabulary (0..999)"},
        {"logit_bias value above 100", [](SamplingParams& p) { p.logitBias = {{5, 150.0f}}; },
         "logit_bias: the bias for token id 5 must be in [-100, 100], got 150"},
        {"empty stop string", [](SamplingParams& p) { p.stop = {"END", ""}; }, "stop: entry 1 is an empty string"},
        {"stop_token_ids outside vocabulary", [](SamplingParams& p) { p.stopTokenIds = {2, 1000}; },
         "stop_token_ids: token id 1000 is outside the vocabulary (0..999)"},
    };
    return table;
}

void addFilterColumns() {
    QTest::addColumn<QList<float>>("logits");
    QTest::addColumn<float>("temperature");
    QTest::addColumn<int>("topK");
    QTest::addColumn<float>("topP");
    QTest::addColumn<float>("minP");
    QTest::addColumn<QList<int>>("kept");
}

void checkFilterRow() {
    QFETCH(QList<float>, logits);
    QFETCH(float, temperature);
    QFETCH(int, topK);
    QFETCH(float, topP);
    QFETCH(float, minP);
    QFETCH(QList<int>, kept);
    SamplingParams params;
    params.temperature = temperature;
    params.topK = topK;
    params.topP = topP;
    params.minP = minP;
    QVERIFY(params.validate(int(logits.size())).ok());
    const QString failure = checkKeptDistribution(toVector(logits), params, {kept.begin(), kept.end()});
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
}

}  // namespace

class SamplerTest : public QObject {
    Q_OBJECT

private slots:
    // --- greedy -----------------------------------------------------------------------------

    void greedyIsArgmaxWithTiesToLowestId() {
        SamplingParams params;
        params.temperature = 0.0f;
        Sampler sampler;
        std::vector<float> logits = {1.0f, 3.0f, -2.0f, 3.0f, 3.0f};
        QCOMPARE(sampler.sample(logits, {&params, {}, {}, {}, nullptr}).token, 1);
        std::vector<float> flat(7, 0.25f);
        QCOMPARE(sampler.sample(flat, {&params, {}, {}, {}, nullptr}).token, 0);
        std::vector<float> last = {-1.0f, -5.0f, 0.0f};
        QCOMPARE(sampler.sample(last, {&params, {}, {}, {}, nullptr}).token, 2);
    }

    void greedyIgnoresTheRng() {
        SamplingParams params;
        params.temperature = 0.0f;
        Sampler sampler;
        SamplerRng rng(5);
        SamplerRng untouched(5);
        std::vector<float> logits = {0.0f, 1.0f};
        QCOMPARE(sampler.sample(logits, {&params, {}, {}, {}, &rng}).token, 1);
        QCOMPARE(rng.next(), untouched.next());
    }

    void topKOfOneEqualsGreedyOnTies() {
        SamplingParams params;
        params.topK = 1;
        const std::vector<float> logits = {1.0f, 3.0f, -2.0f, 3.0f, 3.0f};
        const auto counts = drawCounts(logits, params, 9, 200);
        QCOMPARE(counts[1], 200);
    }

    // --- temperature ------------------------------------------------------------------------

    void temperatureSamplingMatchesSoftmax_data() {
        QTest::addColumn<float>("temperature");
        QTest::newRow("T=1") << 1.0f;
        QTest::newRow("T=0.7") << 0.7f;
        QTest::newRow("T=1.8") << 1.8f;
    }
    void temperatureSamplingMatchesSoftmax() {
        QFETCH(float, temperature);
        SamplingParams params;
        params.temperature = temperature;
        const std::vector<float> logits = {1.0f, 0.5f, 0.0f, -0.5f, 2.0f};
        const QString failure = checkKeptDistribution(logits, params, {0, 1, 2, 3, 4});
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }

    // --- top_k, top_p, min_p: exactly the expected candidates, with the renormalized frequencies

    void topKKeepsExactlyKCandidates_data() {
        addFilterColumns();
        const QList<float> logits = {0.5f, 2.0f, 1.0f, 1.0f, 3.0f, -1.0f, 1.0f, 0.0f};
        QTest::newRow("k=3, tie at the k-th place goes to the lower id") << logits << 1.0f << 3 << 1.0f << 0.0f
                                                                         << QList<int>{4, 1, 2};
        QTest::newRow("k=2") << logits << 1.0f << 2 << 1.0f << 0.0f << QList<int>{4, 1};
        QTest::newRow("k=5 takes every tie") << logits << 1.0f << 5 << 1.0f << 0.0f << QList<int>{4, 1, 2, 3, 6};
        QTest::newRow("k=vocabulary is off") << logits << 1.0f << 8 << 1.0f << 0.0f << QList<int>{0, 1, 2, 3, 4, 5, 6, 7};
        QTest::newRow("k=-1 is off") << logits << 1.0f << -1 << 1.0f << 0.0f << QList<int>{0, 1, 2, 3, 4, 5, 6, 7};
        QTest::newRow("k=0 is off") << logits << 1.0f << 0 << 1.0f << 0.0f << QList<int>{0, 1, 2, 3, 4, 5, 6, 7};
    }
    void topKKeepsExactlyKCandidates() { checkFilterRow(); }

    void topPKeepsSmallestPrefixReachingP_data() {
        addFilterColumns();
        // Equal logits give exactly representable probabilities (0.25 each), so the boundary
        // "prefix mass == p" is exact: the prefix already reaches p and stops there.
        const QList<float> uniform = {0.0f, 0.0f, 0.0f, 0.0f};
        QTest::newRow("uniform p=0.25 keeps one") << uniform << 1.0f << 0 << 0.25f << 0.0f << QList<int>{0};
        QTest::newRow("uniform p=0.5 exact boundary") << uniform << 1.0f << 0 << 0.5f << 0.0f << QList<int>{0, 1};
        QTest::newRow("uniform p just above 0.5") << uniform << 1.0f << 0 << 0.5001f << 0.0f << QList<int>{0, 1, 2};
        QTest::newRow("uniform p=0.75 exact boundary") << uniform << 1.0f << 0 << 0.75f << 0.0f << QList<int>{0, 1, 2};
        QTest::newRow("uniform p=1 keeps all") << uniform << 1.0f << 0 << 1.0f << 0.0f << QList<int>{0, 1, 2, 3};
        // Probabilities 0.5, 0.25, 0.125, 0.125 (shuffled ids).
        const auto halves = logsOf({0.125, 0.5, 0.125, 0.25});
        const QList<float> h(halves.begin(), halves.end());
        QTest::newRow("p=0.49 keeps the top token") << h << 1.0f << 0 << 0.49f << 0.0f << QList<int>{1};
        QTest::newRow("p=0.74 keeps two") << h << 1.0f << 0 << 0.74f << 0.0f << QList<int>{1, 3};
        QTest::newRow("p=0.76 keeps three, tie to the lower id") << h << 1.0f << 0 << 0.76f << 0.0f
                                                                  << QList<int>{1, 3, 0};
        QTest::newRow("p=0.9 keeps all four") << h << 1.0f << 0 << 0.9f << 0.0f << QList<int>{1, 3, 0, 2};
        // Two tied leaders at ~0.3995 each.
        const QList<float> tiedTop = {1.0f, 2.0f, 2.0f, 0.0f};
        QTest::newRow("tied leaders, p=0.3 keeps the lower id") << tiedTop << 1.0f << 0 << 0.3f << 0.0f << QList<int>{1};
        QTest::newRow("tied leaders, p=0.5 keeps both") << tiedTop << 1.0f << 0 << 0.5f << 0.0f << QList<int>{1, 2};
        // Weights 1, .5, .25, .25: probabilities .5, .25, .125, .125 at T=1, so p=0.6 keeps two;
        // T=0.5 squares the weights (.727 for the leader), so the leader alone reaches p.
        const auto weights = logsOf({1, 0.5, 0.25, 0.25});
        const QList<float> w(weights.begin(), weights.end());
        QTest::newRow("measured after temperature, T=1") << w << 1.0f << 0 << 0.6f << 0.0f << QList<int>{0, 1};
        QTest::newRow("measured after temperature, T=0.5") << w << 0.5f << 0 << 0.6f << 0.0f << QList<int>{0};
        // After top_k=2 the survivors have 0.5 each, so p=0.5 is reached by the first alone
        // (over the whole uniform distribution it would keep two).
        QTest::newRow("measured after top_k renormalizes") << uniform << 1.0f << 2 << 0.5f << 0.0f << QList<int>{0};
    }
    void topPKeepsSmallestPrefixReachingP() { checkFilterRow(); }

    void minPDropsTokensBelowFractionOfMax_data() {
        addFilterColumns();
        const auto weights = logsOf({1, 0.5, 0.25, 0.1, 0.05});
        const QList<float> w(weights.begin(), weights.end());
        QTest::newRow("min_p=0.2") << w << 1.0f << 0 << 1.0f << 0.2f << QList<int>{0, 1, 2};
        QTest::newRow("min_p=0.09") << w << 1.0f << 0 << 1.0f << 0.09f << QList<int>{0, 1, 2, 3};
        // Relative to p_max after temperature: T=2 gives ratios 1, .71, .5, .32, .22.
        QTest::newRow("min_p=0.3 after T=2") << w << 2.0f << 0 << 1.0f << 0.3f << QList<int>{0, 1, 2, 3};
        QTest::newRow("min_p=1 keeps only the maximum") << w << 1.0f << 0 << 1.0f << 1.0f << QList<int>{0};
        // top_p first: weights 1, .5 and ten of .15 (Z=3); p=0.58 keeps ids 0-3, then min_p=0.2
        // drops ids 2-3. min_p first would leave {0, 1} and top_p then only {0}.
        const auto mixed = logsOf({1, 0.5, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15});
        QTest::newRow("applied after top_p") << QList<float>(mixed.begin(), mixed.end()) << 1.0f << 0 << 0.58f << 0.2f
                                             << QList<int>{0, 1};
    }
    void minPDropsTokensBelowFractionOfMax() { checkFilterRow(); }

    // On vocabularies large enough for the sampler's shortcuts (a slice bound instead of
    // ranking everything; top_p ranking only a prefix, then batches of the rest) the kept set
    // is still exactly the ranked prefix a full sort gives. Logits take 200 levels in scrambled
    // order, so ties straddle every cut and must go to the lower ids. T = 1000 makes the kept
    // tokens near-uniform, so with draws >= 10x the kept count, a kept token (in particular
    // the last one) goes undrawn with probability < e^-10.
    void largeVocabularyFiltersKeepExactlyTheRankedPrefix_data() {
        QTest::addColumn<int>("vocab");
        QTest::addColumn<int>("topK");
        QTest::addColumn<int>("topPKeep");  // top_p is set between the masses of this many and one fewer
        QTest::addColumn<int>("draws");
        QTest::newRow("top_k 500 of 20011") << 20011 << 500 << 0 << 12000;
        QTest::newRow("top_k 37 of 20000") << 20000 << 37 << 0 << 1000;
        QTest::newRow("top_p 1100 of 2048, beyond the ranked prefix") << 2048 << 0 << 1100 << 11000;
        QTest::newRow("top_p 150 of 20003, within the ranked prefix") << 20003 << 0 << 150 << 1500;
    }
    void largeVocabularyFiltersKeepExactlyTheRankedPrefix() {
        QFETCH(int, vocab);
        QFETCH(int, topK);
        QFETCH(int, topPKeep);
        QFETCH(int, draws);
        constexpr double kTemperature = 1000.0;
        std::vector<float> logits(static_cast<size_t>(vocab));
        for (size_t i = 0; i < logits.size(); ++i) logits[i] = 0.05f * float((i * 2654435761u) % 200u);
        logits.back() = 10.0f;  // the best token is the very last one, past any whole slice
        std::vector<int32_t> byRank(logits.size());
        std::iota(byRank.begin(), byRank.end(), 0);
        std::stable_sort(byRank.begin(), byRank.end(), [&](int32_t a, int32_t b) { return logits[a] > logits[b]; });

        SamplingParams params;
        params.temperature = float(kTemperature);
        params.topK = topK;
        int keep = topK;
        if (topPKeep > 0) {
            keep = topPKeep;
            double total = 0;
            for (float l : logits) total += std::exp((double(l) - logits[byRank[0]]) / kTemperature);
            double before = 0;
            for (int rank = 0; rank < keep - 1; ++rank)
                before += std::exp((double(logits[byRank[rank]]) - logits[byRank[0]]) / kTemperature);
            const double last = std::exp((double(logits[byRank[keep - 1]]) - logits[byRank[0]]) / kTemperature);
            params.topP = float((before + 0.5 * last) / total);
        }
        std::vector<int> rankOf(logits.size());
        for (size_t rank = 0; rank < byRank.size(); ++rank) rankOf[size_t(byRank[rank])] = int(rank);

        QVERIFY(draws >= 10 * keep);
        const auto counts = drawCounts(logits, params, 99, draws);
        for (size_t id = 0; id < counts.size(); ++id) {
            const bool kept = rankOf[id] < keep;
            if (counts[id] > 0 && !kept)
                QFAIL(qPrintable(QString("token %1 of rank %2 was sampled; only ranks < %3 are kept")
                                     .arg(id).arg(rankOf[id]).arg(keep)));
            if (counts[id] == 0 && kept && (topK > 0 || rankOf[id] == keep - 1))
                QFAIL(qPrintable(QString("token %1 of rank %2 was never sampled").arg(id).arg(rankOf[id])));
        }
    }

    // The draw without top_k/top_p walks the vocabulary in blocks (per-block sums, then one
    // block); tokens at block edges keep their exact share.
    void wholeVocabularyDrawMatchesSoftmaxAcrossBlocks() {
        std::vector<float> logits(4096, -40.0f);  // ~1e-17 each: never drawn in 20000 draws
        const std::vector<int32_t> kept = {0, 1023, 1024, 2047, 2048, 3071, 4095};
        for (size_t i = 0; i < kept.size(); ++i) logits[size_t(kept[i])] = 0.3f * float(i % 4);
        SamplingParams params;
        const QString failure = checkKeptDistribution(logits, params, kept);
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
    }

    // The inlined exp that every vocabulary-wide pass uses, against libm, over its whole range.
    void expNonPositiveMatchesStdExp() {
        QCOMPARE(sampling::expNonPositive(0.0f), 1.0f);
        QCOMPARE(sampling::expNonPositive(-kInf), 0.0f);
        QCOMPARE(sampling::expNonPositive(-87.5f), 0.0f);
        QVERIFY(std::isnan(sampling::expNonPositive(NAN)));
        double worst = 0;
        for (float x = -87.0f; x <= 0.0f; x += 0.000731f) {
            const double exact = std::exp(double(x));
            worst = std::max(worst, std::abs(double(sampling::expNonPositive(x)) - exact) / exact);
        }
        QVERIFY2(worst < 4 * 0x1.0p-23, qPrintable(QString("max relative error %1").arg(worst)));  // a few float ulp
    }

    void maxValueIgnoresNaNAndSeesEveryLane() {
        std::vector<float> values(37, -5.0f);
        values[3] = NAN;
        values[36] = -1.0f;  // past the last whole group of lanes
        QCOMPARE(sampling::maxValue(values.data(), values.size()), -1.0f);
        values[17] = 2.5f;
        QCOMPARE(sampling::maxValue(values.data(), values.size()), 2.5f);
        const std::vector<float> masked = {-kInf, NAN, -kInf};
        QCOMPARE(sampling::maxValue(masked.data(), masked.size()), -kInf);
        QCOMPARE(sampling::maxValue(nullptr, 0), -kInf);
    }

    // --- logits processors ------------------------------------------------------------------

    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOverPromptAndOutput_data() {
        QTest::addColumn<float>("penalty");
        QTest::newRow("1.5 discourages") << 1.5f;
        QTest::newRow("0.8 encourages") << 0.8f;
    }
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOverPromptAndOutput() {
        QFETCH(float, penalty);
        SamplingParams params;
        params.repetitionPenalty = penalty;
        const std::vector<float> raw = {2.0f, -2.0f, 1.0f, -1.0f, 0.5f, 3.0f, 0.0f};
        const std::vector<int32_t> prompt = {0, 1, 0};
        const std::vector<int32_t> output = {2, 3, 6, 3};
        std::vector<float> logits = raw;
        Sampler sampler;
        sampler.processLogits(logits, {&params, prompt, output, {}, nullptr});
        const std::vector<float> expected = {raw[0] / penalty, raw[1] * penalty, raw[2] / penalty, raw[3] * penalty,
                                             raw[4], raw[5], raw[6] * penalty};
        QCOMPARE(logits, expected);
    }

    void presenceAndFrequencyPenaltiesCountOutputTokensOnly() {
        SamplingParams params;
        params.frequencyPenalty = 0.5f;
        params.presencePenalty = 0.25f;
        const std::vector<int32_t> prompt = {0, 0, 1, 3};
        const std::vector<int32_t> output = {1, 2, 2, 2};
        std::vector<float> logits = {1.0f, 1.0f, 1.0f, 1.0f};
        Sampler sampler;
        sampler.processLogits(logits, {&params, prompt, output, {}, nullptr});
        const std::vector<float> expected = {1.0f, 1.0f - 0.5f * 1 - 0.25f, 1.0f - 0.5f * 3 - 0.25f, 1.0f};
        QCOMPARE(logits, expected);
    }

    void negativePresenceAndFrequencyPenaltiesEncourageRepeats() {
        SamplingParams params;
        params.frequencyPenalty = -1.0f;
        params.presencePenalty = -2.0f;
        const std::vector<int32_t> output = {1, 1};
        std::vector<float> logits = {0.0f, 0.0f};
        Sampler sampler;
        sampler.processLogits(logits, {&params, {}, output, {}, nullptr});
        QCOMPARE(logits, (std::vector<float>{0.0f, 4.0f}));
    }

    // vLLM's apply_penalties: repetition first, then frequency, then presence.
    void repetitionPenaltyComesBeforeFrequencyAndPresence() {
        SamplingParams params;
        params.repetitionPenalty = 2.0f;
        params.frequencyPenalty = 0.5f;
        params.presencePenalty = 0.25f;
        const std::vector<int32_t> output = {0, 0};
        std::vector<float> logits = {2.0f};
        Sampler sampler;
        sampler.processLogits(logits, {&params, {}, output, {}, nullptr});
        QCOMPARE(logits[0], 2.0f / 2.0f - 0.5f * 2 - 0.25f);  // -0.25; the other order gives 0.375
    }

    void logitBiasIsAdded() {
        SamplingParams params;
        params.logitBias = {{1, 5.0f}, {2, -100.0f}};
        std::vector<float> logits = {1.0f, 0.5f, 2.0f};
        Sampler sampler;
        sampler.processLogits(logits, {&params, {}, {}, {}, nullptr});
        QCOMPARE(logits, (std::vector<float>{1.0f, 5.5f, -98.0f}));
        params.temperature = 0.0f;
        std::vector<float> again = {1.0f, 0.5f, 2.0f};
        QCOMPARE(sampler.sample(again, {&params, {}, {}, {}, nullptr}).token, 1);
    }

    void minTokensMasksEosAndStopTokenIdsUntilReached() {
        SamplingParams params;
        params.temperature = 0.0f;
        params.minTokens = 3;
        params.stopTokenIds = {3};
        const std::vector<int32_t> eos = {5};
        const std::vector<float> raw = {0.0f, 1.0f, 0.5f, 4.0f, 2.0f, 5.0f};
        Sampler sampler;

        const std::vector<int32_t> twoGenerated = {1, 2};
        std::vector<float> logits = raw;
        sampler.processLogits(logits, {&params, {}, twoGenerated, eos, nullptr});
        QCOMPARE(logits, (std::vector<float>{0.0f, 1.0f, 0.5f, -kInf, 2.0f, -kInf}));
        logits = raw;
        QCOMPARE(sampler.sample(logits, {&params, {}, twoGenerated, eos, nullptr}).token, 4);

        const std::vector<int32_t> threeGenerated = {1, 2, 4};
        logits = raw;
        sampler.processLogits(logits, {&params, {}, threeGenerated, eos, nullptr});
        QCOMPARE(logits, raw);
        logits = raw;
        QCOMPARE(sampler.sample(logits, {&params, {}, threeGenerated, eos, nullptr}).token, 5);
    }

    // As vLLM: under ignore_eos, eos does not end generation, so min_tokens has nothing to hold back.
    void minTokensLeavesEosAloneUnderIgnoreEos() {
        SamplingParams params;
        params.minTokens = 3;
        params.ignoreEos = true;
        params.stopTokenIds = {0};
        const std::vector<int32_t> eos = {1};
        std::vector<float> logits = {1.0f, 2.0f};
        Sampler sampler;
        sampler.processLogits(logits, {&params, {}, {}, eos, nullptr});
        QCOMPARE(logits, (std::vector<float>{-kInf, 2.0f}));
    }

    // --- randomness -------------------------------------------------------------------------

    // Reference values of xoshiro256** seeded through splitmix64 (computed independently), so
    // a seed means the same tokens on every platform and compiler.
    void samplerRngMatchesReferenceStream() {
        SamplerRng zero(0);
        QCOMPARE(zero.next(), 0x99ec5f36cb75f2b4ULL);
        QCOMPARE(zero.next(), 0xbf6e1f784956452aULL);
        QCOMPARE(zero.next(), 0x1a5f849d4933e6e0ULL);
        SamplerRng rng(42);
        QCOMPARE(rng.uniform(), 0x15780bp-24f);  // the top 24 bits of 0x15780b2e0c2ec716
        QCOMPARE(rng.uniformDouble(), double(0x6104d9866d113a7eULL >> 11) * 0x1.0p-53);
        for (int i = 0; i < 10000; ++i) {
            const float u = rng.uniform();
            QVERIFY(u >= 0.0f && u < 1.0f);
        }
    }

    void sameSeedGivesSameTokens() {
        SamplingParams params;
        params.temperature = 1.3f;
        params.topP = 0.95f;
        const std::vector<float> logits = {0.1f, 0.2f, 0.0f, 0.3f, -0.1f, 0.25f, 0.05f, 0.15f};
        auto run = [&](uint64_t seed) {
            Sampler sampler;
            SamplerRng rng(seed);
            std::vector<int32_t> tokens;
            std::vector<float> scratch;
            for (int i = 0; i < 64; ++i) {
                scratch = logits;
                tokens.push_back(sampler.sample(scratch, {&params, {}, {}, {}, &rng}).token);
            }
            return tokens;
        };
        QCOMPARE(run(42), run(42));
        QVERIFY(run(42) != run(43));  // 64 near-uniform draws over 8 tokens coincide with probability ~8^-64
    }

    // A sequence's draws depend only on its own seed and history: interleaving other sequences
    // (other params, other filter paths, greedy ones) through the same Sampler changes nothing.
    void seededSequenceIsIndependentOfBatchNeighbours() {
        SamplingParams mine;
        mine.temperature = 0.9f;
        mine.topK = 6;
        mine.frequencyPenalty = 0.3f;
        const std::vector<float> logits = {0.5f, 0.1f, 0.4f, 0.0f, 0.3f, 0.2f, 0.35f, 0.05f, 0.45f, 0.15f};
        const std::vector<int32_t> prompt = {1, 2, 3};

        auto generate = [&](bool withNeighbours) {
            Sampler sampler;
            SamplerRng rng(2024);
            SamplerRng neighbourRng(7);
            SamplingParams nucleus;
            nucleus.topP = 0.5f;
            nucleus.repetitionPenalty = 1.3f;
            SamplingParams greedy;
            greedy.temperature = 0.0f;
            std::vector<int32_t> output;
            std::vector<int32_t> neighbourOutput;
            std::vector<float> scratch;
            for (int step = 0; step < 100; ++step) {
                if (withNeighbours) {
                    scratch = logits;
                    neighbourOutput.push_back(
                        sampler.sample(scratch, {&nucleus, prompt, neighbourOutput, {}, &neighbourRng}).token);
                    scratch = logits;
                    sampler.sample(scratch, {&greedy, {}, {}, {}, nullptr});
                }
                scratch = logits;
                output.push_back(sampler.sample(scratch, {&mine, prompt, output, {}, &rng}).token);
            }
            return output;
        };
        QCOMPARE(generate(true), generate(false));
    }

    // --- logprobs ---------------------------------------------------------------------------

    void logprobsAreLogSoftmaxOfRawLogits() {
        std::vector<float> raw(50);
        for (size_t i = 0; i < raw.size(); ++i) raw[i] = float(std::sin(double(i) * 1.7) * 3.0);
        raw[10] = raw[20] = 4.0f;  // a tie at the top: 10 before 20
        SamplingParams params;
        params.temperature = 0.7f;
        params.topK = 5;
        params.repetitionPenalty = 1.4f;
        params.logitBias = {{3, 50.0f}};  // makes 3 the likely choice without changing its raw logprob
        params.logprobs = 5;
        const std::vector<int32_t> prompt = {10, 3};

        double maxRaw = -INFINITY;
        for (float l : raw) maxRaw = std::max(maxRaw, double(l));
        double sum = 0;
        for (float l : raw) sum += std::exp(double(l) - maxRaw);
        const double logNormalizer = maxRaw + std::log(sum);

        Sampler sampler;
        SamplerRng rng(3);
        std::vector<float> logits = raw;
        const SampleResult result = sampler.sample(logits, {&params, prompt, {}, {}, &rng});
        QCOMPARE(result.token, 3);
        QVERIFY(std::abs(result.logprob - (double(raw[3]) - logNormalizer)) < 1e-5);

        std::vector<int32_t> byRank(raw.size());
        std::iota(byRank.begin(), byRank.end(), 0);
        std::stable_sort(byRank.begin(), byRank.end(), [&](int32_t a, int32_t b) { return raw[a] > raw[b]; });
        QCOMPARE(result.topLogprobs.size(), size_t(5));
        QCOMPARE(result.topLogprobs[0].token, 10);
        QCOMPARE(result.topLogprobs[1].token, 20);
        for (size_t i = 0; i < 5; ++i) {
            QCOMPARE(result.topLogprobs[i].token, byRank[i]);
            QVERIFY(std::abs(result.topLogprobs[i].logprob - (double(raw[byRank[i]]) - logNormalizer)) < 1e-5);
            if (i > 0) QVERIFY(result.topLogprobs[i].logprob <= result.topLogprobs[i - 1].logprob);
        }

        params.logprobs = 0;  // only the chosen token's logprob
        logits = raw;
        const SampleResult none = sampler.sample(logits, {&params, prompt, {}, {}, &rng});
        QVERIFY(none.topLogprobs.empty());
        QVERIFY(std::abs(none.logprob - (double(raw[size_t(none.token)]) - logNormalizer)) < 1e-5);
    }

    void steadyStateSamplingDoesNotAllocate() {
        std::vector<float> raw(8192);
        for (size_t i = 0; i < raw.size(); ++i) raw[i] = float(std::sin(double(i) * 0.37) * 0.01);
        std::vector<int32_t> prompt(300), output(40);
        for (size_t i = 0; i < prompt.size(); ++i) prompt[i] = int32_t(i * 7 % raw.size());
        for (size_t i = 0; i < output.size(); ++i) output[i] = int32_t(i * 13 % raw.size());
        const std::vector<int32_t> eos = {2};
        SamplingParams sampled;
        sampled.topP = 0.99f;  // beyond the partial selection: the full-sort fallback
        sampled.minP = 0.01f;
        sampled.repetitionPenalty = 1.1f;
        sampled.frequencyPenalty = 0.2f;
        sampled.presencePenalty = 0.1f;
        sampled.logitBias = {{5, 1.0f}};
        sampled.maxTokens = 200;
        sampled.minTokens = 100;
        sampled.stopTokenIds = {7};
        sampled.logprobs = 20;
        SamplingParams topK = sampled;
        topK.topK = 40;
        SamplingParams greedy = sampled;
        greedy.temperature = 0.0f;

        Sampler sampler;
        SamplerRng rng(1);
        SampleResult result;
        std::vector<float> logits(raw.size());
        auto round = [&] {
            for (const SamplingParams* params : {&sampled, &topK, &greedy}) {
                std::copy(raw.begin(), raw.end(), logits.begin());
                sampler.sample(logits, {params, prompt, output, eos, &rng}, result);
            }
        };
        round();  // sizes the member buffers
        g_allocations = 0;
        g_countAllocations = true;
        round();
        round();
        g_countAllocations = false;
        QCOMPARE(g_allocations.load(), 0L);
    }

    // --- SamplingParams ---------------------------------------------------------------------

    void validateRejectsEachBadValue_data() {
        QTest::addColumn<int>("row");
        for (size_t i = 0; i < badParamsTable().size(); ++i) QTest::newRow(badParamsTable()[i].name) << int(i);
    }
    void validateRejectsEachBadValue() {
        QFETCH(int, row);
        const BadParams& bad = badParamsTable()[size_t(row)];
        SamplingParams params;
        bad.change(params);
        const Status status = params.validate(1000);
        QVERIFY(!status.ok());
        QVERIFY2(QString::fromStdString(status.error().message).startsWith(bad.messagePrefix),
                 qPrintable(QString::fromStdString(status.error().message)));
    }

    void validateAcceptsBoundaryValues() {
        const std::vector<std::function<void(SamplingParams&)>> changes = {
            [](SamplingParams&) {},
            [](SamplingParams& p) { p.topK = 0; },
            [](SamplingParams& p) { p.topK = -1; },
            [](SamplingParams& p) { p.topK = 1000; },
            [](SamplingParams& p) { p.temperature = 0.0f; },
            [](SamplingParams& p) { p.topP = 1.0f; },
            [](SamplingParams& p) { p.minP = 1.0f; },
            [](SamplingParams& p) { p.presencePenalty = -2.0f; p.frequencyPenalty = 2.0f; },
            [](SamplingParams& p) { p.minTokens = 16; },
            [](SamplingParams& p) { p.logprobs = 0; },
            [](SamplingParams& p) { p.logprobs = 20; },
            [](SamplingParams& p) { p.logitBias = {{0, -100.0f}, {999, 100.0f}}; },
            [](SamplingParams& p) { p.stopTokenIds = {0, 999}; p.stop = {"\n\n"}; },
        };
        for (size_t i = 0; i < changes.size(); ++i) {
            SamplingParams params;
            changes[i](params);
            const Status status = params.validate(1000);
            QVERIFY2(status.ok(), qPrintable(QString("case %1: %2").arg(i).arg(
                                      status.ok() ? QString() : QString::fromStdString(status.error().message))));
        }
    }

    void samplingDefaultsWithoutGenerationConfigAreBaseDefaults() {
        QTemporaryDir dir;
        const auto defaults = samplingDefaults(std::filesystem::path(dir.path().toStdString()));
        QVERIFY(defaults.ok());
        QCOMPARE(defaults->temperature, 1.0f);
        QCOMPARE(defaults->topP, 1.0f);
        QCOMPARE(defaults->topK, 0);
        QCOMPARE(defaults->maxTokens, 16);
    }

    void samplingDefaultsReadGenerationConfig() {
        QTemporaryDir dir;
        const auto path = writeGenerationConfig(dir, R"({"bos_token_id": 151643, "do_sample": true,
            "eos_token_id": [151645, 151643], "repetition_penalty": 1.05, "temperature": 0.7,
            "top_p": 0.8, "top_k": 20, "max_new_tokens": 2048, "transformers_version": "4.37.0"})");
        const auto defaults = samplingDefaults(path);
        QVERIFY2(defaults.ok(), defaults.ok() ? "" : defaults.error().message.c_str());
        QCOMPARE(defaults->temperature, 0.7f);
        QCOMPARE(defaults->topP, 0.8f);
        QCOMPARE(defaults->topK, 20);
        QCOMPARE(defaults->repetitionPenalty, 1.05f);
        QCOMPARE(defaults->maxTokens, 16);  // max_new_tokens is not a default for max_tokens
    }

    void samplingDefaultsDoSampleFalseMeansGreedy() {
        QTemporaryDir dir;
        const auto defaults = samplingDefaults(writeGenerationConfig(dir, R"({"do_sample": false, "temperature": 0.6})"));
        QVERIFY(defaults.ok());
        QCOMPARE(defaults->temperature, 0.0f);
        QVERIFY(defaults->greedy());
    }

    void samplingDefaultsMalformedJsonNamesTheFile() {
        QTemporaryDir dir;
        const auto defaults = samplingDefaults(writeGenerationConfig(dir, R"({"temperature": 0.7,)"));
        QVERIFY(!defaults.ok());
        QVERIFY2(defaults.error().message.find("generation_config.json") != std::string::npos,
                 defaults.error().message.c_str());
    }

    void samplingDefaultsBadValueNamesFileAndKey_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("key");
        QTest::newRow("top_p not a number") << R"({"top_p": "high"})" << "top_p";
        QTest::newRow("top_k not an integer") << R"({"top_k": 2.5})" << "top_k";
        QTest::newRow("do_sample not a bool") << R"({"do_sample": "no"})" << "do_sample";
        QTest::newRow("top_p out of range") << R"({"top_p": 0})" << "top_p";
        QTest::newRow("not an object") << R"([1, 2])" << "JSON object";
    }
    void samplingDefaultsBadValueNamesFileAndKey() {
        QFETCH(QString, json);
        QFETCH(QString, key);
        QTemporaryDir dir;
        const auto defaults = samplingDefaults(writeGenerationConfig(dir, json.toStdString()));
        QVERIFY(!defaults.ok());
        const QString message = QString::fromStdString(defaults.error().message);
        QVERIFY2(message.contains("generation_config.json") && message.contains(key), qPrintable(message));
    }
};

QTEST_APPLESS_MAIN(SamplerTest)
#include "sampler_test.moc"
