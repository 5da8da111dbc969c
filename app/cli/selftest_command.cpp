#include "app/cli/selftest_command.h"

#include <QCommandLineParser>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "app/cli/model_argument.h"
#include "app/hub/model_library.h"
#include "engine/engine_factory.h"

namespace pagoda::cli {

namespace {

constexpr int kTopLogprobs = 5;

struct Run {
    std::vector<int32_t> tokens;
    std::vector<std::vector<TokenLogprob>> top;  // per generated token, highest first
    double decodeSeconds = 0;
};

// Greedy, EOS ignored, through the whole engine (scheduler, paged cache, sampler), so both
// backends are compared on the path users take.
Result<Run> greedyRun(Engine& engine, std::vector<int32_t> prompt, int maxTokens) {
    SamplingParams params;
    params.temperature = 0;
    params.ignoreEos = true;
    params.maxTokens = maxTokens;
    params.logprobs = kTopLogprobs;
    if (auto added = engine.addRequest({"selftest", std::move(prompt), params}); !added) return added.error();
    Run run;
    auto firstToken = std::chrono::steady_clock::time_point{};
    while (engine.hasUnfinished()) {
        for (const RequestOutput& out : engine.step())
            for (const CompletionOutput& c : out.outputs) {
                for (size_t i = 0; i < c.newTokenIds.size(); ++i) {
                    if (run.tokens.empty()) firstToken = std::chrono::steady_clock::now();
                    run.tokens.push_back(c.newTokenIds[i]);
                    if (i < c.logprobs.size()) run.top.push_back(c.logprobs[i].topLogprobs);
                }
            }
    }
    run.decodeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - firstToken).count();
    return run;
}

// The largest difference between the two runs' log-probabilities of the same tokens, over
// the steps where both chose the same token so far.
double maxLogprobDifference(const Run& a, const Run& b) {
    double worst = 0;
    for (size_t step = 0; step < std::min(a.top.size(), b.top.size()); ++step) {
        for (const TokenLogprob& x : a.top[step])
            for (const TokenLogprob& y : b.top[step])
                if (x.token == y.token) worst = std::max(worst, double(std::fabs(x.logprob - y.logprob)));
        if (a.tokens[step] != b.tokens[step]) break;
    }
    return worst;
}

}  // namespace

int runSelftest(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Checks the CUDA backend against the CPU on this machine: the same greedy tokens and log-probabilities "
        "within --tolerance, then CUDA decode speed against the weights' bytes per token. Exit code 0: passed; "
        "1: a difference; 2: CUDA cannot run here (the reason is printed).");
    parser.addHelpOption();
    parser.addOptions({
        {"model", "A model folder or downloaded id; repeat for several.", "dir|id"},
        {"max-tokens", "Greedy tokens to compare (default 32).", "n", "32"},
        {"tolerance", "Largest accepted log-probability difference (default 0.05: bf16 products).", "x", "0.05"},
        {"gpu-memory-utilization", "As for serve (default 0.9).", "fraction", "0.9"},
    });
    parser.process(arguments);
    QTextStream out(stdout);
    // Exit code 2: the comparison could not run, which is neither a pass nor a difference.
    auto cannotTest = [](const std::string& message) {
        QTextStream(stderr) << "pagoda selftest: " << QString::fromStdString(message) << "\n";
        return 2;
    };
    const QStringList models = parser.values("model");
    if (models.isEmpty()) return cannotTest("give at least one --model");
    const int maxTokens = std::max(1, parser.value("max-tokens").toInt());
    const double tolerance = parser.value("tolerance").toDouble();
    bool allPassed = true;
    for (const QString& model : models) {
        auto dir = resolveModelArgument(model);
        if (!dir) return cannotTest(dir.error().message);
        EngineOptions options;
        options.modelDir = *dir;
        options.maxNumSeqs = 1;
        options.kvCacheMemoryBytes = size_t(256) << 20;
        options.gpuMemoryUtilization = parser.value("gpu-memory-utilization").toDouble();
        options.backend = ExecutorBackend::Cuda;
        auto cuda = loadEngine(options);
        if (!cuda) return cannotTest(cuda.error().message);
        if (cuda->backend != ExecutorBackend::Cuda) return cannotTest(cuda->backendNote);
        options.backend = ExecutorBackend::Cpu;
        auto cpu = loadEngine(options);
        if (!cpu) return cannotTest(cpu.error().message);
        // A fixed prompt of in-vocabulary ids, the same on both, long enough to cross a KV block.
        std::vector<int32_t> prompt;
        for (int i = 0; i < 40; ++i) prompt.push_back(int32_t((i * 7919 + 13) % cpu->model->config.vocabSize));
        auto onCuda = greedyRun(*cuda->engine, prompt, maxTokens);
        auto onCpu = greedyRun(*cpu->engine, prompt, maxTokens);
        if (!onCuda || !onCpu) return cannotTest((!onCuda ? onCuda : onCpu).error().message);
        size_t same = 0;
        while (same < onCuda->tokens.size() && same < onCpu->tokens.size() && onCuda->tokens[same] == onCpu->tokens[same])
            ++same;
        const double difference = maxLogprobDifference(*onCuda, *onCpu);
        const bool passed = same == onCuda->tokens.size() && same == onCpu->tokens.size() && difference <= tolerance;
        allPassed = allPassed && passed;
        // Decode reads every weight once per token: bytes/token over seconds/token is the
        // bandwidth the decode achieved.
        const auto local = hub::ModelLibrary().find(QString::fromStdString(options.modelDir.string()));
        const double weightBytes = local ? double(local->shape.weightBytes) : 0;
        const double tokensPerSecond = onCuda->tokens.size() > 1 ? double(onCuda->tokens.size() - 1) / onCuda->decodeSeconds : 0;
        out << QString::fromStdString(fmt::format(
            "{}: {} on {}: greedy tokens {} of {} identical, largest logprob difference {:.4f} (tolerance {}); "
            "decode {:.1f} tok/s = {:.1f} GB/s of weights, {:.0f}% of the card's {:.0f} GB/s\n",
            passed ? "PASS" : "FAIL", options.modelDir.filename().string(), cuda->deviceName, same, onCpu->tokens.size(),
            difference, tolerance, tokensPerSecond, tokensPerSecond * weightBytes / 1e9,
            cuda->devicePeakBandwidth > 0 ? 100.0 * tokensPerSecond * weightBytes / cuda->devicePeakBandwidth : 0.0,
            cuda->devicePeakBandwidth / 1e9));
    }
    return allPassed ? 0 : 1;
}

}  // namespace pagoda::cli
