// Structured output in the engine loop, on the demo model (a real trained tokenizer): every
// constrained output matches its grammar, greedy or sampled, n > 1; constrained requests share
// batches, preemption and the prefix cache with free ones without changing what either
// generates; the constraint can wait for the end of a reasoning section.
#include <QtTest>

#include <map>

#include <fmt/format.h>

#include "engine/engine.h"
#include "engine/executor/cpu/cpu_executor.h"
#include "engine/model/model.h"
#include "engine/structured/compiled_grammar.h"
#include "engine/structured/grammar_matcher.h"
#include "engine/tokenizer/tokenizer.h"

using namespace pagoda;
using namespace pagoda::structured;

namespace {

const std::filesystem::path kDemoModel = std::filesystem::path(PAGODA_SOURCE_DIR) / "resources/demo-model";

struct Demo {
    std::shared_ptr<const Model> model;
    std::unique_ptr<Tokenizer> tokenizer;
};

const Demo& demo() {
    static Demo d = [] {
        Demo out;
        auto model = loadModel(kDemoModel);
        if (!model) qFatal("%s", model.error().message.c_str());
        out.model = *model;
        auto tokenizer = loadTokenizer(kDemoModel);
        if (!tokenizer) qFatal("%s", tokenizer.error().message.c_str());
        out.tokenizer = std::move(tokenizer).value();
        return out;
    }();
    return d;
}

std::unique_ptr<Engine> makeEngine(int numBlocks, bool withTokenizer = true, EngineConfig config = {}) {
    auto executor = std::make_unique<CpuExecutor>(demo().model, CpuExecutorOptions{numBlocks, 16, 2});
    return std::make_unique<Engine>(std::move(executor), demo().model->config,
                                    withTokenizer ? demo().tokenizer.get() : nullptr, config);
}

// {"answer": "yes"|"no", "count": 1 to 3 digits, "tags": ["lowercase word", ...] (at most 3)}
Grammar answerGrammar() {
    using E = Expr;
    Grammar g;
    g.root = "root";
    g.add("word", E::sequence({E::literal("\""), E::repeat(E::charClass({{'a', 'z'}}), 1, 8), E::literal("\"")}));
    g.add("tags", E::sequence({E::literal("["),
                               E::optional(E::sequence({E::ref("word"), E::repeat(E::sequence({E::literal(", "), E::ref("word")}), 0, 2)})),
                               E::literal("]")}));
    g.add("root", E::sequence({E::literal("{\"answer\": "), E::choice({E::literal("\"yes\""), E::literal("\"no\"")}),
                               E::literal(", \"count\": "), E::repeat(E::charClass({{'0', '9'}}), 1, 3),
                               E::literal(", \"tags\": "), E::ref("tags"), E::literal("}")}));
    return g;
}

StructuredOutput structuredOutput(const Grammar& g, std::string key) {
    auto compiled = compileGrammar(g);
    if (!compiled) qFatal("%s", compiled.error().message.c_str());
    return StructuredOutput{*compiled, std::move(key), std::nullopt};
}

bool matchesWhole(const Grammar& g, const std::string& text) {
    auto vocab = TokenVocabulary::fromTokenizer(*demo().tokenizer, {});
    TokenGrammar tg(compileGrammar(g).value(), vocab);
    auto state = tg.advance(tg.initialState(), text);
    return state && *state != TokenGrammar::kDead && tg.accepting(*state);
}

std::vector<int32_t> promptIds(const std::string& text) { return demo().tokenizer->encode(text, false).value(); }

struct Finished {
    std::map<int, std::vector<int32_t>> tokens;
    std::map<int, std::string> text;
    std::map<int, FinishReason> reasons;
};

std::map<std::string, Finished> run(Engine& engine) {
    std::map<std::string, Finished> results;
    for (int guard = 0; engine.hasUnfinished(); ++guard) {
        if (guard > 100000) qFatal("engine does not finish");
        for (const RequestOutput& out : engine.step())
            for (const CompletionOutput& c : out.outputs) {
                Finished& f = results[out.requestId];
                f.tokens[c.index].insert(f.tokens[c.index].end(), c.newTokenIds.begin(), c.newTokenIds.end());
                f.text[c.index] += c.newText;
                if (c.finishReason) f.reasons[c.index] = *c.finishReason;
            }
    }
    return results;
}

SamplingParams freeText(int maxTokens) {
    SamplingParams p;
    p.temperature = 0.0f;
    p.maxTokens = maxTokens;
    p.ignoreEos = true;
    return p;
}

SamplingParams constrained(const StructuredOutput& spec, float temperature, std::optional<uint64_t> seed, int n = 1) {
    SamplingParams p;
    p.temperature = temperature;
    p.seed = seed;
    p.n = n;
    p.maxTokens = 200;
    p.structuredOutput = spec;
    return p;
}

}  // namespace

class StructuredEngineTest : public QObject {
    Q_OBJECT

private slots:
    void freeOutputOfTheDemoModelIsNotTheGrammar() {
        auto engine = makeEngine(64);
        QVERIFY(engine->addRequest({"free", promptIds("Tell me a fortune."), freeText(60)}).ok());
        const auto text = run(*engine).at("free").text.at(0);
        QVERIFY2(!matchesWhole(answerGrammar(), text), text.c_str());
    }

    void constrainedOutputsMatchTheGrammarGreedyAndSampled() {
        const Grammar g = answerGrammar();
        const auto spec = structuredOutput(g, "answer");
        auto engine = makeEngine(128);
        QVERIFY(engine->addRequest({"greedy", promptIds("Tell me a fortune."), constrained(spec, 0.0f, {})}).ok());
        for (uint64_t seed : {1, 2, 3}) {
            SamplingParams p = constrained(spec, 1.0f, seed, 3);
            p.topP = 0.9f;
            p.topK = 50;
            QVERIFY(engine->addRequest({fmt::format("seed{}", seed), promptIds("Say something."), p}).ok());
        }
        const auto results = run(*engine);
        QCOMPARE(results.size(), size_t(4));
        for (const auto& [id, f] : results)
            for (const auto& [index, text] : f.text) {
                QVERIFY2(matchesWhole(g, text), qPrintable(QString::fromStdString(id + ": " + text)));
                QCOMPARE(f.reasons.at(index), FinishReason::Stop);
            }
    }

    void constrainedAndFreeRequestsInOneBatchWithPreemptionChunksAndCacheHitsDoNotChangeEachOther() {
        const auto spec = structuredOutput(answerGrammar(), "answer");
        const std::vector<std::string> prompts = {"Tell me a fortune about the sea and the sky and the moon.",
                                                  "Tell me a fortune about the sea and the sky and the sun.",
                                                  "What is wisdom?"};
        std::map<std::string, Finished> alone;
        for (size_t i = 0; i < prompts.size(); ++i) {
            auto engine = makeEngine(128);
            QVERIFY(engine->addRequest({fmt::format("free{}", i), promptIds(prompts[i]), freeText(48)}).ok());
            QVERIFY(engine->addRequest({fmt::format("json{}", i), promptIds(prompts[i]) , constrained(spec, 0.0f, {})}).ok());
            auto r = run(*engine);
            alone.merge(r);
        }
        // All six at once in a pool small enough to preempt, prompts prefilled in chunks of 8
        // tokens, the shared prompt prefix in the prefix cache from the first request.
        EngineConfig chunked;
        chunked.scheduler.maxNumBatchedTokens = 8;
        auto engine = makeEngine(14, true, chunked);
        for (size_t i = 0; i < prompts.size(); ++i) {
            QVERIFY(engine->addRequest({fmt::format("free{}", i), promptIds(prompts[i]), freeText(48)}).ok());
            QVERIFY(engine->addRequest({fmt::format("json{}", i), promptIds(prompts[i]), constrained(spec, 0.0f, {})}).ok());
        }
        const auto together = run(*engine);
        QVERIFY2(engine->metrics().preemptions > 0, "the pool was meant to force preemption");
        QVERIFY(engine->metrics().prefixCacheHits > 0);
        for (const auto& [id, f] : alone) QCOMPARE(together.at(id).tokens, f.tokens);
    }

    void theConstraintStartsAfterTheReasoningEnd() {
        const Grammar g = answerGrammar();
        auto spec = structuredOutput(g, "answer");
        const int32_t marker = promptIds(" the").back();
        spec.startsAfterToken = marker;
        auto engine = makeEngine(64);
        SamplingParams p = constrained(spec, 0.0f, {});
        p.logitBias = {{marker, 100.0f}};  // free text first: the marker wins at once
        QVERIFY(engine->addRequest({"think", promptIds("Tell me a fortune."), p}).ok());
        const auto f = run(*engine).at("think");
        QCOMPARE(f.tokens.at(0).front(), marker);
        const std::vector<int32_t> rest(f.tokens.at(0).begin() + 1, f.tokens.at(0).end());
        const std::string text = demo().tokenizer->decode(rest, true).value();
        QVERIFY2(matchesWhole(g, text), text.c_str());
    }

    void anEngineWithoutTokenizerRefusesConstrainedRequests() {
        auto engine = makeEngine(16, false);
        auto added = engine->addRequest({"r", {1, 2, 3}, constrained(structuredOutput(answerGrammar(), "a"), 0.0f, {})});
        QVERIFY(!added);
        QVERIFY(QString::fromStdString(added.error().message).contains("tokenizer"));
        QVERIFY(!engine->hasUnfinished());
    }
};

QTEST_APPLESS_MAIN(StructuredEngineTest)
#include "structured_engine_test.moc"
