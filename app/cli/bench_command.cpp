#include "app/cli/bench_command.h"

#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>

#include <fmt/format.h>

#include "app/cli/engine_options.h"

namespace pagoda::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(q * double(v.size() - 1) + 0.5))];
}

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0 : s / double(v.size());
}

struct InFlight {
    Clock::time_point submitted;
    std::optional<Clock::time_point> firstToken;
    size_t outputTokens = 0;
};

}  // namespace

int runBench(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription("Offline throughput and latency on random prompts, as vLLM's "
                                     "benchmark_throughput.py measures them.");
    parser.addHelpOption();
    addEngineOptions(parser);
    parser.addOptions({
        {"input-len", "Prompt tokens per request (default 64).", "n", "64"},
        {"output-len", "Generated tokens per request (default 128).", "n", "128"},
        {"num-prompts", "Requests in total (default 25).", "n", "25"},
        {"concurrency", "Requests in flight at once (default: all of them).", "n", "0"},
        {"seed", "Seed for prompts and sampling (default 2024).", "n", "2024"},
        {"temperature", "Sampling temperature; 0 is greedy (argmax), as llama-bench and most CPU benchmarks decode "
                        "(default 1, as vLLM's benchmark_throughput.py samples).", "t", "1"},
        {"warmup", "Untimed requests (min(16, input-len) prompt tokens, 2 generated) run to completion before "
                   "the timed ones, so that first-use costs (weight pages, thread start-up) are not timed "
                   "(default 0).", "n", "0"},
        {"json", "Print the results as one JSON object."},
    });
    parser.process(arguments);

    QTextStream err(stderr);
    auto fail = [&](const std::string& message) {
        err << "pagoda bench: " << QString::fromStdString(message) << "\n";
        return 1;
    };
    auto options = readEngineOptions(parser);
    if (!options) return fail(options.error().message);
    auto positive = [&](const char* name) { return parser.value(name).toInt(); };
    const int inputLen = positive("input-len"), outputLen = positive("output-len");
    const int numPrompts = positive("num-prompts");
    int concurrency = parser.value("concurrency").toInt();
    if (inputLen < 1 || outputLen < 1 || numPrompts < 1 || concurrency < 0)
        return fail("--input-len, --output-len and --num-prompts must be positive integers");
    if (concurrency == 0) concurrency = numPrompts;
    const uint64_t seed = parser.value("seed").toULongLong();
    bool numeric = false;
    const float temperature = parser.value("temperature").toFloat(&numeric);
    if (!numeric || !(temperature >= 0)) return fail("--temperature must be a number >= 0");
    const int warmup = parser.value("warmup").toInt(&numeric);
    if (!numeric || warmup < 0) return fail("--warmup must be an integer >= 0");

    const auto loadStart = Clock::now();
    auto loaded = loadEngine(*options);
    if (!loaded) return fail(loaded.error().message);
    const double loadSeconds = seconds(Clock::now() - loadStart);
    if (!loaded->backendNote.empty()) QTextStream(stderr) << QString::fromStdString(loaded->backendNote) << "\n";
    Engine& engine = *loaded->engine;
    if (inputLen + outputLen > engine.maxModelLen())
        return fail(fmt::format("--input-len + --output-len ({}) exceeds max_model_len {}", inputLen + outputLen,
                                engine.maxModelLen()));

    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int32_t> token(0, loaded->model->config.vocabSize - 1);
    auto makeRequest = [&](std::string id, int promptLen, int maxTokens, std::mt19937_64& from) {
        Request request;
        request.id = std::move(id);
        for (int t = 0; t < promptLen; ++t) request.promptIds.push_back(token(from));
        request.params.temperature = temperature;
        request.params.maxTokens = maxTokens;
        request.params.ignoreEos = true;
        return request;
    };

    // Warm-up prompts come from their own generator, so the timed prompts are the same with or
    // without them (and share no prefix with them to find in the prefix cache).
    std::mt19937_64 warmupRng(seed ^ 0x9e3779b97f4a7c15ull);
    for (int i = 0; i < warmup; ++i) {
        auto added = engine.addRequest(makeRequest(fmt::format("warmup-{}", i), std::min(16, inputLen), 2, warmupRng));
        if (!added) return fail(added.error().message);
    }
    while (engine.hasUnfinished()) engine.step();

    auto submit = [&](int i, std::map<std::string, InFlight>& inFlight) {
        Request request = makeRequest(std::to_string(i), inputLen, outputLen, rng);
        request.params.seed = seed + uint64_t(i);
        inFlight[request.id] = {Clock::now(), std::nullopt, 0};
        return engine.addRequest(std::move(request));
    };

    std::map<std::string, InFlight> inFlight;
    std::vector<double> ttft, tpot, e2e;
    size_t outputTokens = 0;
    int submitted = 0;
    const auto start = Clock::now();
    while (submitted < numPrompts || engine.hasUnfinished()) {
        while (submitted < numPrompts && int(inFlight.size()) < concurrency)
            if (auto s = submit(submitted++, inFlight); !s) return fail(s.error().message);
        for (const RequestOutput& out : engine.step()) {
            InFlight& f = inFlight.at(out.requestId);
            const auto now = Clock::now();
            for (const auto& c : out.outputs) f.outputTokens += c.newTokenIds.size();
            if (!f.firstToken && f.outputTokens > 0) f.firstToken = now;
            if (!out.finished) continue;
            outputTokens += f.outputTokens;
            ttft.push_back(seconds(*f.firstToken - f.submitted));
            e2e.push_back(seconds(now - f.submitted));
            if (f.outputTokens > 1) tpot.push_back(seconds(now - *f.firstToken) / double(f.outputTokens - 1));
            inFlight.erase(out.requestId);
        }
    }
    const double elapsed = seconds(Clock::now() - start);
    const size_t totalTokens = outputTokens + size_t(numPrompts) * size_t(inputLen);

    QTextStream out(stdout);
    if (parser.isSet("json")) {
        out << QString::fromStdString(fmt::format(
            "{{\"model\": \"{}\", \"input_len\": {}, \"output_len\": {}, \"num_prompts\": {}, \"concurrency\": {}, "
            "\"temperature\": {}, \"warmup\": {}, \"elapsed_s\": {:.6f}, \"requests_per_s\": {:.3f}, \"total_tokens_per_s\": {:.2f}, "
            "\"output_tokens_per_s\": {:.2f}, \"ttft_mean_s\": {:.6f}, \"ttft_median_s\": {:.6f}, \"ttft_p99_s\": {:.6f}, "
            "\"tpot_mean_s\": {:.6f}, \"tpot_median_s\": {:.6f}, \"tpot_p99_s\": {:.6f}, \"load_s\": {:.3f}, "
            "\"preemptions\": {}}}\n",
            options->modelDir.string(), inputLen, outputLen, numPrompts, concurrency, temperature, warmup, elapsed, numPrompts / elapsed,
            double(totalTokens) / elapsed, double(outputTokens) / elapsed, mean(ttft), percentile(ttft, 0.5),
            percentile(ttft, 0.99), mean(tpot), percentile(tpot, 0.5), percentile(tpot, 0.99), loadSeconds,
            engine.metrics().preemptions));
        return 0;
    }
    out << QString::fromStdString(fmt::format(
        "Throughput: {:.2f} requests/s, {:.2f} total tokens/s, {:.2f} output tokens/s\n"
        "  {} prompts x ({} in + {} out) tokens at concurrency {}, temperature {}, in {:.2f} s (model loaded in {:.2f} s)\n"
        "Time to first token: mean {:.1f} ms, median {:.1f} ms, p99 {:.1f} ms\n"
        "Time per output token: mean {:.1f} ms, median {:.1f} ms, p99 {:.1f} ms\n",
        numPrompts / elapsed, double(totalTokens) / elapsed, double(outputTokens) / elapsed, numPrompts, inputLen,
        outputLen, concurrency, temperature, elapsed, loadSeconds, mean(ttft) * 1e3, percentile(ttft, 0.5) * 1e3,
        percentile(ttft, 0.99) * 1e3, mean(tpot) * 1e3, percentile(tpot, 0.5) * 1e3, percentile(tpot, 0.99) * 1e3));
    return 0;
}

}  // namespace pagoda::cli
