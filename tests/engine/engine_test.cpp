// The continuous-batching engine on the fixture models: batching, chunking, prefix caching
// and preemption never change what a request generates, and every block comes back.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include <fmt/format.h>

#include "engine/cache/kv_cache_sizing.h"
#include "engine/engine.h"
#include "engine/engine_thread.h"
#include "engine/executor/cpu/cpu_executor.h"
#include "engine/generate.h"
#include "engine/model/model.h"
#include "tests/support/model_fixture.h"
#include "tests/support/patience.h"

using namespace pagoda;

namespace {

std::shared_ptr<const Model> fixtureModel(const char* name) {
    static std::map<std::string, std::shared_ptr<const Model>> cache;
    auto& slot = cache[name];
    if (!slot) {
        auto model = loadModel(test::modelFixturesDir() / name);
        if (!model) qFatal("%s", model.error().message.c_str());
        slot = *model;
    }
    return slot;
}

std::unique_ptr<Engine> makeEngine(const std::shared_ptr<const Model>& model, int numBlocks, EngineConfig config = {},
                                   const Tokenizer* tokenizer = nullptr) {
    auto executor = std::make_unique<CpuExecutor>(model, CpuExecutorOptions{numBlocks, 16, 2});
    return std::make_unique<Engine>(std::move(executor), model->config, tokenizer, config);
}

std::vector<int32_t> prompt(size_t length, int salt, int vocab = 512) {
    std::vector<int32_t> ids(length);
    for (size_t i = 0; i < length; ++i) ids[i] = int32_t((i * 131 + size_t(salt) * 17 + 3) % size_t(vocab));
    return ids;
}

SamplingParams greedy(int maxTokens) {
    SamplingParams p;
    p.temperature = 0.0f;
    p.maxTokens = maxTokens;
    p.ignoreEos = true;
    return p;
}

struct Finished {
    std::map<int, std::vector<int32_t>> tokens;  // by choice index
    std::map<int, std::string> text;
    std::map<int, FinishReason> reasons;
    std::map<int, std::string> stopStrings;
    Usage usage;
    std::optional<std::vector<PromptTokenLogprobs>> promptLogprobs;
    int promptLogprobDeliveries = 0;
};

// Steps until idle, checking block accounting after every step.
std::map<std::string, Finished> runToCompletion(Engine& engine, size_t* maxStepTokens = nullptr) {
    std::map<std::string, Finished> results;
    int guard = 0;
    while (engine.hasUnfinished()) {
        for (const RequestOutput& out : engine.step()) {
            Finished& f = results[out.requestId];
            for (const CompletionOutput& c : out.outputs) {
                auto& t = f.tokens[c.index];
                t.insert(t.end(), c.newTokenIds.begin(), c.newTokenIds.end());
                f.text[c.index] += c.newText;
                if (c.finishReason) f.reasons[c.index] = *c.finishReason;
                if (!c.stopString.empty()) f.stopStrings[c.index] = c.stopString;
            }
            f.usage = out.usage;
            if (out.promptLogprobs) {
                f.promptLogprobs = out.promptLogprobs;
                ++f.promptLogprobDeliveries;
            }
        }
        const auto live = engine.liveSequences();
        if (!engine.blockManager().consistentWith(live)) qFatal("block accounting broken");
        if (maxStepTokens) *maxStepTokens = std::max(*maxStepTokens, engine.metrics().lastStepTokens);
        if (++guard > 100000) qFatal("engine does not finish");
    }
    if (engine.blockManager().numFreeBlocks() != engine.blockManager().numBlocks()) qFatal("blocks leaked");
    return results;
}

std::vector<int32_t> soloGreedy(const std::shared_ptr<const Model>& model, const std::vector<int32_t>& ids, int maxTokens) {
    CpuExecutor executor(model, {16, 16, 2});
    return greedyGenerate(executor, model->config, ids, {maxTokens, true, {}}).value().tokens;
}

// log_softmax (in double) of the logits at every position of `ids`, from a forward pass of its
// own on a fresh executor: row i is the distribution of token i + 1.
std::vector<std::vector<double>> referenceLogprobs(const std::shared_ptr<const Model>& model,
                                                   const std::vector<int32_t>& ids) {
    CpuExecutor executor(model, {16, 16, 2});
    std::vector<int32_t> table;
    for (int b = 0; b * 16 < int(ids.size()); ++b) table.push_back(b);
    BatchBuilder builder(16);
    builder.addSequence(ids, 0, table, LogitsFor::All);
    const auto logits = executor.execute(builder.build());
    if (!logits) qFatal("%s", logits.error().message.c_str());
    const size_t vocab = size_t(model->config.vocabSize);
    std::vector<std::vector<double>> rows(ids.size(), std::vector<double>(vocab));
    for (size_t r = 0; r < ids.size(); ++r) {
        const float* row = logits->data() + r * vocab;
        const double maxLogit = *std::max_element(row, row + vocab);
        double sum = 0;
        for (size_t v = 0; v < vocab; ++v) sum += std::exp(double(row[v]) - maxLogit);
        for (size_t v = 0; v < vocab; ++v) rows[r][v] = double(row[v]) - maxLogit - std::log(sum);
    }
    return rows;
}

SamplingParams withPromptLogprobs(SamplingParams params, int top) {
    params.promptLogprobs = top;
    return params;
}

// Entries for prompt tokens 1.. agree with a separate forward pass: logprob, rank and top list.
void checkAgainstReference(const std::vector<PromptTokenLogprobs>& entries, const std::vector<int32_t>& ids,
                           const std::vector<std::vector<double>>& reference, int top) {
    QCOMPARE(entries.size(), ids.size() - 1);
    constexpr double kTolerance = 1e-4;
    for (size_t i = 0; i < entries.size(); ++i) {
        const PromptTokenLogprobs& e = entries[i];
        const std::vector<double>& ref = reference[i];
        QCOMPARE(e.token, ids[i + 1]);
        const double own = ref[size_t(e.token)];
        QVERIFY2(std::abs(e.logprob - own) < kTolerance, fmt::format("token {}: {} vs {}", i + 1, e.logprob, own).c_str());
        const auto above = std::count_if(ref.begin(), ref.end(), [&](double v) { return v > own + kTolerance; });
        const auto atLeast = std::count_if(ref.begin(), ref.end(), [&](double v) { return v >= own - kTolerance; });
        QVERIFY2(e.rank >= above + 1 && e.rank <= atLeast, fmt::format("token {}: rank {}", i + 1, e.rank).c_str());
        QCOMPARE(e.top.size(), size_t(top));
        for (size_t k = 0; k < e.top.size(); ++k) {
            QVERIFY(std::abs(e.top[k].logprob - ref[size_t(e.top[k].token)]) < kTolerance);
            if (k > 0) QVERIFY(e.top[k].logprob <= e.top[k - 1].logprob);
        }
        const double best = *std::max_element(ref.begin(), ref.end());
        QVERIFY(std::abs(e.top[0].logprob - best) < kTolerance);
    }
}

}  // namespace

class EngineTest : public QObject {
    Q_OBJECT

private slots:
    void batchedGreedyEqualsEachPromptAlone() {
        const auto model = fixtureModel("qwen3-f32");
        EngineConfig config;
        config.scheduler.maxNumBatchedTokens = 48;  // forces chunked prefill mixed with decodes
        config.scheduler.maxNumSeqs = 8;            // and a queue
        auto engine = makeEngine(model, 64, config);
        std::map<std::string, std::vector<int32_t>> prompts;
        for (int i = 0; i < 12; ++i) {
            const auto ids = prompt(size_t(3 + i * 7), i);
            prompts[fmt::format("r{}", i)] = ids;
            QVERIFY(engine->addRequest({fmt::format("r{}", i), ids, greedy(10 + i % 5)}).ok());
        }
        size_t maxStepTokens = 0;
        const auto results = runToCompletion(*engine, &maxStepTokens);
        QVERIFY(maxStepTokens <= 48);
        for (const auto& [id, ids] : prompts) {
            const Finished& f = results.at(id);
            QCOMPARE(f.reasons.at(0), FinishReason::Length);
            QCOMPARE(f.tokens.at(0), soloGreedy(model, ids, int(f.tokens.at(0).size())));
        }
    }

    void prefixCachingOnEqualsOffAndReportsCachedTokens() {
        const auto model = fixtureModel("glm4-sandwich-f32");
        const auto shared = prompt(50, 99);  // 3 full blocks reusable
        std::map<std::string, Finished> results[2];
        for (bool caching : {false, true}) {
            EngineConfig config;
            config.enablePrefixCaching = caching;
            auto engine = makeEngine(model, 64, config);
            auto first = shared;
            first.push_back(7);
            QVERIFY(engine->addRequest({"first", first, greedy(6)}).ok());
            runToCompletion(*engine);
            auto second = shared;
            second.insert(second.end(), {11, 12, 13});
            const auto promptTokensBefore = engine->metrics().promptTokens;
            QVERIFY(engine->addRequest({"second", second, greedy(6)}).ok());
            results[caching] = runToCompletion(*engine);
            const auto computed = engine->metrics().promptTokens - promptTokensBefore;
            if (caching) {
                QCOMPARE(results[caching].at("second").usage.cachedPromptTokens, size_t(48));
                QCOMPARE(computed, second.size() - 48);  // only the rest was computed
                QVERIFY(engine->metrics().prefixCacheHits >= 3);
            } else {
                QCOMPARE(results[caching].at("second").usage.cachedPromptTokens, size_t(0));
                QCOMPARE(computed, second.size());
            }
        }
        QCOMPARE(results[1].at("second").tokens, results[0].at("second").tokens);
    }

    void tinyPoolWithRepeatedPreemptionGivesTheSameOutputs() {
        const auto model = fixtureModel("qwen2-tied-f32");
        std::map<std::string, Finished> results[2];
        uint64_t preemptions[2] = {};
        for (int small : {0, 1}) {
            // Six requests start in one block each and grow to five: 10 blocks cannot hold them,
            // so the newest is preempted again and again as the others grow.
            auto engine = makeEngine(model, small ? 10 : 128);
            for (int i = 0; i < 6; ++i)
                QVERIFY(engine->addRequest({fmt::format("p{}", i), prompt(size_t(8 + i), 40 + i), greedy(70)}).ok());
            results[small] = runToCompletion(*engine);
            preemptions[small] = engine->metrics().preemptions;
        }
        QCOMPARE(preemptions[0], uint64_t(0));
        QVERIFY2(preemptions[1] >= 5, qPrintable(QString("only %1 preemptions").arg(preemptions[1])));
        for (const auto& [id, f] : results[0]) QCOMPARE(results[1].at(id).tokens, f.tokens);
    }

    void seededParallelSamplingIsReproducibleAcrossBatchCompositions() {
        const auto model = fixtureModel("llama3-ropescaled-f16");
        SamplingParams p;
        p.n = 3;
        p.temperature = 0.9f;
        p.topP = 0.95f;
        p.seed = 1234;
        p.maxTokens = 12;
        p.ignoreEos = true;
        const auto ids = prompt(37, 5);

        auto alone = makeEngine(model, 64);
        QVERIFY(alone->addRequest({"x", ids, p}).ok());
        const Finished a = runToCompletion(*alone).at("x");

        auto crowded = makeEngine(model, 64);
        for (int i = 0; i < 5; ++i) {
            SamplingParams other = p;
            other.seed = 99 + uint64_t(i);
            QVERIFY(crowded->addRequest({fmt::format("o{}", i), prompt(size_t(9 + i * 4), i), other}).ok());
        }
        crowded->step();  // join the running batch mid-flight
        QVERIFY(crowded->addRequest({"x", ids, p}).ok());
        const Finished b = runToCompletion(*crowded).at("x");

        QCOMPARE(a.tokens.size(), size_t(3));
        QCOMPARE(b.tokens, a.tokens);
        QVERIFY(a.tokens.at(0) != a.tokens.at(1) || a.tokens.at(1) != a.tokens.at(2));  // choices differ
        QCOMPARE(a.usage.completionTokens, size_t(36));
    }

    void abortMidPrefillEndsTheRequestAndFreesItsBlocks() {
        const auto model = fixtureModel("qwen3-f32");
        EngineConfig config;
        config.scheduler.maxNumBatchedTokens = 16;
        auto engine = makeEngine(model, 32, config);
        QVERIFY(engine->addRequest({"long", prompt(200, 1), greedy(5)}).ok());
        engine->step();  // first 16 tokens of the prompt
        QVERIFY(engine->blockManager().numFreeBlocks() < engine->blockManager().numBlocks());
        engine->abort("long");
        const auto outputs = engine->step();
        QCOMPARE(outputs.size(), size_t(1));
        QVERIFY(outputs[0].finished);
        QCOMPARE(outputs[0].outputs.at(0).finishReason.value(), FinishReason::Abort);
        QVERIFY(!engine->hasUnfinished());
        QCOMPARE(engine->blockManager().numFreeBlocks(), engine->blockManager().numBlocks());
        QCOMPARE(engine->metrics().requestsFinished, uint64_t(1));
        QCOMPARE(engine->metrics().requestsAborted, uint64_t(1));
        engine->abort("long");  // gone already: nothing more is counted
        QCOMPARE(engine->metrics().requestsAborted, uint64_t(1));
    }

    void badRequestsAreRejectedWithAReason() {
        const auto model = fixtureModel("qwen3-f32");
        auto engine = makeEngine(model, 8);  // 128 tokens of cache: max_model_len 128
        QCOMPARE(engine->maxModelLen(), 128);
        auto reject = [&](Request r, const char* expected) {
            const auto status = engine->addRequest(std::move(r));
            QVERIFY(!status.ok());
            QVERIFY2(status.error().message.find(expected) != std::string::npos, status.error().message.c_str());
        };
        reject({"a", {}, greedy(4)}, "prompt is empty");
        reject({"b", prompt(128, 1), greedy(4)}, "maximum context length is 128 tokens, but the prompt has 128");
        reject({"c", {1, 512}, greedy(4)}, "prompt token id 512 is outside the vocabulary");
        SamplingParams bad = greedy(4);
        bad.topP = 2.0f;
        reject({"d", {1, 2}, bad}, "top_p");
        QVERIFY(engine->addRequest({"e", {1, 2}, greedy(4)}).ok());
        reject({"e", {1, 2}, greedy(4)}, "already in use");
        runToCompletion(*engine);
    }

    void generationStopsAtMaxModelLen() {
        const auto model = fixtureModel("qwen3-f32");
        EngineConfig config;
        config.maxModelLen = 40;
        auto engine = makeEngine(model, 16, config);
        QVERIFY(engine->addRequest({"r", prompt(30, 2), greedy(100)}).ok());
        const Finished f = runToCompletion(*engine).at("r");
        QCOMPARE(f.tokens.at(0).size(), size_t(10));
        QCOMPARE(f.reasons.at(0), FinishReason::Length);
    }

    void eosEndsGenerationUnlessIgnored() {
        // glm-f32's greedy continuation of its truth prompt reaches eos id 2 at index 11.
        const auto model = fixtureModel("glm-f32");
        const auto truth = test::loadTruth(test::modelFixturesDir() / "glm-f32");
        auto engine = makeEngine(model, 16);
        SamplingParams p = greedy(32);
        p.ignoreEos = false;
        QVERIFY(engine->addRequest({"eos", truth.promptIds, p}).ok());
        p.ignoreEos = true;
        QVERIFY(engine->addRequest({"ignored", truth.promptIds, p}).ok());
        p.ignoreEos = false;
        p.minTokens = 15;
        QVERIFY(engine->addRequest({"min", truth.promptIds, p}).ok());
        const auto results = runToCompletion(*engine);
        QCOMPARE(results.at("eos").tokens.at(0).size(), size_t(12));
        QCOMPARE(results.at("eos").tokens.at(0).back(), 2);
        QCOMPARE(results.at("eos").reasons.at(0), FinishReason::Stop);
        QCOMPARE(results.at("ignored").tokens.at(0), truth.greedyIdsF32);
        QVERIFY(results.at("min").tokens.at(0).size() > 15);
    }

    void promptLogprobsEqualLogSoftmaxOfASeparateForwardPass() {
        const auto model = fixtureModel("qwen3-f32");
        const auto ids = prompt(40, 3);
        auto engine = makeEngine(model, 64);
        QVERIFY(engine->addRequest({"asked", ids, withPromptLogprobs(greedy(4), 5)}).ok());
        const Finished f = runToCompletion(*engine).at("asked");
        QVERIFY(f.promptLogprobs.has_value());
        QCOMPARE(f.promptLogprobDeliveries, 1);
        checkAgainstReference(*f.promptLogprobs, ids, referenceLogprobs(model, ids), 5);
        QCOMPARE(f.tokens.at(0), soloGreedy(model, ids, 4));  // asking changes nothing generated

        // prompt_logprobs 0: the prompt token alone; a one-token prompt has no entries.
        QVERIFY(engine->addRequest({"zero", ids, withPromptLogprobs(greedy(1), 0)}).ok());
        QVERIFY(engine->addRequest({"single", {ids[0]}, withPromptLogprobs(greedy(1), 3)}).ok());
        const auto results = runToCompletion(*engine);
        QCOMPARE(results.at("zero").promptLogprobs->size(), ids.size() - 1);
        QVERIFY(results.at("zero").promptLogprobs->front().top.empty());
        QVERIFY(results.at("single").promptLogprobs.has_value());
        QVERIFY(results.at("single").promptLogprobs->empty());
    }

    void aLongPromptWithPromptLogprobsIsPrefilledInBoundedChunks() {
        // Each prompt row comes back as a whole row of logits, so the scheduler caps the
        // chunk (128 rows) whatever the token budget allows.
        const auto model = fixtureModel("qwen3-f32");
        const auto ids = prompt(250, 5);  // two chunks; referenceLogprobs holds 256 tokens
        auto engine = makeEngine(model, 64);
        QVERIFY(engine->addRequest({"long", ids, withPromptLogprobs(greedy(2), 1)}).ok());
        size_t maxStepTokens = 0;
        const Finished f = runToCompletion(*engine, &maxStepTokens).at("long");
        QVERIFY2(maxStepTokens <= 128, qPrintable(QString("a step computed %1 tokens").arg(maxStepTokens)));
        QCOMPARE(f.promptLogprobs->size(), ids.size() - 1);
        checkAgainstReference(*f.promptLogprobs, ids, referenceLogprobs(model, ids), 1);
    }

    void promptLogprobsAreTheSameChunkedBatchedPreemptedAndAfterACacheHit() {
        const auto model = fixtureModel("qwen3-f32");
        std::vector<std::vector<int32_t>> prompts;
        for (int i = 0; i < 3; ++i) prompts.push_back(prompt(size_t(37 + 5 * i), 10 + i));
        const auto alone = [&](const std::vector<int32_t>& ids) {
            auto engine = makeEngine(model, 64);
            if (!engine->addRequest({"solo", ids, withPromptLogprobs(greedy(20), 3)}).ok()) qFatal("rejected");
            return runToCompletion(*engine).at("solo");
        };
        // Chunks of 16 tokens mixed with other requests, a pool small enough to preempt, and
        // the prompts already in the prefix cache (which a prompt-logprobs request must not use).
        EngineConfig config;
        config.scheduler.maxNumBatchedTokens = 16;
        auto engine = makeEngine(model, 12, config);
        for (size_t i = 0; i < prompts.size(); ++i)
            QVERIFY(engine->addRequest({fmt::format("warm{}", i), prompts[i], greedy(1)}).ok());
        runToCompletion(*engine);
        for (size_t i = 0; i < prompts.size(); ++i) {
            SamplingParams params = withPromptLogprobs(greedy(20), 3);
            params.n = i == 0 ? 2 : 1;
            QVERIFY(engine->addRequest({fmt::format("asked{}", i), prompts[i], params}).ok());
            QVERIFY(engine->addRequest({fmt::format("other{}", i), prompt(30, 50 + int(i)), greedy(20)}).ok());
        }
        const auto results = runToCompletion(*engine);
        QVERIFY(engine->metrics().preemptions > 0);
        for (size_t i = 0; i < prompts.size(); ++i) {
            const Finished& f = results.at(fmt::format("asked{}", i));
            const Finished solo = alone(prompts[i]);
            QCOMPARE(f.usage.cachedPromptTokens, size_t(0));
            QCOMPARE(f.promptLogprobDeliveries, 1);
            QCOMPARE(f.promptLogprobs->size(), solo.promptLogprobs->size());
            for (size_t t = 0; t < f.promptLogprobs->size(); ++t) {
                const auto& a = (*f.promptLogprobs)[t];
                const auto& b = (*solo.promptLogprobs)[t];
                QCOMPARE(a.token, b.token);
                QVERIFY2(std::abs(a.logprob - b.logprob) < 1e-4, fmt::format("prompt {} token {}", i, t + 1).c_str());
                QCOMPARE(a.top.size(), b.top.size());
                for (size_t k = 0; k < a.top.size(); ++k) QVERIFY(std::abs(a.top[k].logprob - b.top[k].logprob) < 1e-4);
            }
            QCOMPARE(f.tokens.at(0), solo.tokens.at(0));
        }
        QVERIFY(!results.at("other0").promptLogprobs.has_value());
    }

    void kvCacheSizingLowersMaxModelLenAndSaysWhy() {
        const auto model = fixtureModel("qwen3-f32");
        // qwen3-f32: 2 layers, 2 kv heads of 32 dims → 2*2*16*2*32*4 = 16 KiB per block.
        const KvCacheSizing fits = sizeKvCache(model->config, 256 << 20, 16, 0, 4);
        QCOMPARE(fits.bytesPerBlock, size_t(16384));
        QCOMPARE(fits.maxModelLen, model->config.maxPositionEmbeddings);
        QVERIFY(fits.note.empty());
        const KvCacheSizing tight = sizeKvCache(model->config, 10 * 16384, 16, 0, 4);
        QCOMPARE(tight.numBlocks, 10);
        QCOMPARE(tight.maxModelLen, 160);
        QVERIFY2(tight.note.find("lowered from 2048 to 160") != std::string::npos, tight.note.c_str());
        QVERIFY2(tight.note.find("KV cache budget") != std::string::npos, tight.note.c_str());
        // Above the model's context: lowered to it, and the note says so (it was silent).
        const KvCacheSizing beyond = sizeKvCache(model->config, 256 << 20, 16, 100000, 4);
        QCOMPARE(beyond.maxModelLen, 2048);
        QVERIFY2(beyond.note.find("lowered from 100000 to 2048 tokens: the model's context") != std::string::npos,
                 beyond.note.c_str());
        QVERIFY2(beyond.note.find("KV cache") == std::string::npos, beyond.note.c_str());
        const KvCacheSizing both = sizeKvCache(model->config, 10 * 16384, 16, 100000, 4);
        QVERIFY2(both.note.find("lowered from 100000 to 160 tokens: the model's context") != std::string::npos &&
                     both.note.find(", and the KV cache budget") != std::string::npos,
                 both.note.c_str());
        QVERIFY(sizeKvCache(model->config, 256 << 20, 16, 1000, 4).note.empty());  // what was asked fits
    }

    void randomizedStressKeepsEveryInvariant() {
        const auto model = fixtureModel("qwen2-tied-f32");
        std::mt19937 rng(4242);
        for (int round = 0; round < 4; ++round) {
            EngineConfig config;
            config.scheduler.maxNumBatchedTokens = 8 + int(rng() % 120);
            config.scheduler.maxNumSeqs = 1 + int(rng() % 12);
            config.enablePrefixCaching = rng() % 4 != 0;
            const int numBlocks = 8 + int(rng() % 40);
            auto engine = makeEngine(model, numBlocks, config);
            const int maxLen = engine->maxModelLen();
            std::map<std::string, bool> open;
            int nextId = 0;
            size_t maxStepTokens = 0;
            for (int step = 0; step < 700; ++step) {
                if (rng() % 3 == 0) {  // arrival
                    const std::string id = fmt::format("q{}", nextId++);
                    SamplingParams p;
                    p.temperature = rng() % 2 ? 0.0f : 1.0f;
                    p.seed = rng();
                    p.n = 1 + int(rng() % 3);
                    p.maxTokens = 1 + int(rng() % 30);
                    p.ignoreEos = rng() % 2;
                    const size_t length = 1 + rng() % size_t(std::min(maxLen - 1, 90));
                    auto ids = prompt(length, int(rng() % 7));  // few salts: shared prefixes
                    QVERIFY(engine->addRequest({id, ids, p}).ok());
                    open[id] = true;
                }
                if (!open.empty() && rng() % 11 == 0) {  // abort a random open request
                    auto it = open.begin();
                    std::advance(it, long(rng() % open.size()));
                    engine->abort(it->first);
                }
                for (const RequestOutput& out : engine->step())
                    if (out.finished) QVERIFY(open.erase(out.requestId) == 1);
                QVERIFY(engine->blockManager().consistentWith(engine->liveSequences()));
                maxStepTokens = std::max(maxStepTokens, engine->metrics().lastStepTokens);
                QVERIFY(engine->metrics().numRunning <= size_t(config.scheduler.maxNumSeqs));
            }
            for (const auto& [id, unused] : open) engine->abort(id);
            for (int drain = 0; drain < 20000 && engine->hasUnfinished(); ++drain)
                for (const RequestOutput& out : engine->step())
                    if (out.finished) open.erase(out.requestId);
            if (!open.empty()) {
                const auto m = engine->metrics();
                qWarning("round %d: %zu open, running %zu waiting %zu free blocks %d/%d, first %s", round, open.size(),
                         m.numRunning, m.numWaiting, engine->blockManager().numFreeBlocks(), numBlocks,
                         open.begin()->first.c_str());
            }
            QVERIFY(open.empty());
            QVERIFY(!engine->hasUnfinished());
            QVERIFY(maxStepTokens <= size_t(config.scheduler.maxNumBatchedTokens));
            QCOMPARE(engine->blockManager().numFreeBlocks(), numBlocks);
        }
    }

    void engineThreadServesManyThreadsAndShutsDownCleanly() {
        const auto model = fixtureModel("qwen3-f32");
        auto thread = std::make_unique<EngineThread>(makeEngine(model, 64));
        std::mutex mutex;
        std::map<std::string, std::vector<int32_t>> tokens;
        std::map<std::string, FinishReason> reasons;
        std::atomic<int> finished{0};
        auto onOutput = [&](const RequestOutput& out) {
            std::lock_guard lock(mutex);
            for (const auto& c : out.outputs) {
                tokens[out.requestId].insert(tokens[out.requestId].end(), c.newTokenIds.begin(), c.newTokenIds.end());
                if (c.finishReason) reasons[out.requestId] = *c.finishReason;
            }
            if (out.finished) ++finished;
        };
        std::vector<std::thread> clients;
        for (int t = 0; t < 4; ++t)
            clients.emplace_back([&, t] {
                for (int i = 0; i < 3; ++i) {
                    const std::string id = fmt::format("t{}-{}", t, i);
                    thread->submit({id, prompt(size_t(5 + t + i), t * 3 + i), greedy(8)}, onOutput, [](const Error&) {});
                }
            });
        for (auto& c : clients) c.join();
        std::string rejected;
        thread->submit({"bad", {}, greedy(2)}, onOutput, [&](const Error& e) {
            std::lock_guard lock(mutex);
            rejected = e.message;
        });
        auto rejectionArrived = [&] {
            std::lock_guard lock(mutex);
            return !rejected.empty();
        };
        QTRY_VERIFY_WITH_TIMEOUT(finished == 12 && rejectionArrived(), test::kPatienceMs);
        {
            std::lock_guard lock(mutex);
            QVERIFY(rejected.find("prompt is empty") != std::string::npos);
            for (const auto& [id, ids] : tokens) QCOMPARE(ids.size(), size_t(8));
        }
        // Shutdown with a long request in flight: it ends as aborted, and the thread joins.
        thread->submit({"inflight", prompt(20, 1), greedy(100000 / 1000)}, onOutput, {});
        QTest::qWait(5);
        thread.reset();
        std::lock_guard lock(mutex);
        QVERIFY(reasons.count("inflight") == 0 || reasons.at("inflight") == FinishReason::Abort ||
                reasons.at("inflight") == FinishReason::Length);
    }
};

QTEST_GUILESS_MAIN(EngineTest)
#include "engine_test.moc"
