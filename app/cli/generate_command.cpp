#include "app/cli/generate_command.h"

#include <QCommandLineParser>
#include <QTextStream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/cli/model_argument.h"
#include "app/cli/structured_output_options.h"
#include "engine/executor/cpu/cpu_executor.h"
#include "engine/generate.h"
#include "engine/model/model.h"
#include "engine/tokenizer/tokenizer.h"

namespace pagoda::cli {

namespace {

// "1, 2,3" → ids; fails on anything that is not a non-negative integer.
Result<std::vector<int32_t>> parseIds(const QString& text) {
    std::vector<int32_t> ids;
    for (const QString& part : text.split(',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const int id = part.trimmed().toInt(&ok);
        if (!ok || id < 0) return makeError(fmt::format("--prompt-ids: '{}' is not a token id", part.toStdString()));
        ids.push_back(id);
    }
    if (ids.empty()) return makeError("--prompt-ids: give at least one token id, e.g. --prompt-ids 1,2,3");
    return ids;
}

}  // namespace

int runGenerate(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Greedy generation. With --prompt, text in and text out through the model's tokenizer; with "
        "--prompt-ids, token ids in and ids out.");
    parser.addHelpOption();
    const QCommandLineOption modelOption(
        "model", "A model folder, a .gguf file, or a downloaded model's name (Qwen/Qwen3-8B-GGUF:Q4_K_M for a GGUF quant).",
        "dir|file|id");
    const QCommandLineOption promptOption("prompt", "Prompt text (tokenized with the model's tokenizer).", "text");
    const QCommandLineOption idsOption("prompt-ids", "Comma-separated prompt token ids.", "ids");
    const QCommandLineOption tokenizerOption("tokenizer", "Tokenizer directory, if not the model's.", "dir");
    const QCommandLineOption maxTokensOption("max-tokens", "Tokens to generate (default 32).", "n", "32");
    const QCommandLineOption ignoreEosOption("ignore-eos", "Keep generating past end-of-sequence tokens.");
    const QCommandLineOption threadsOption("threads", "CPU threads (default: all cores).", "n", "0");
    const QCommandLineOption quantizationOption("quantization", "none, int8 or int4 (weight-only, converted at load).", "method", "none");
    parser.addOptions({modelOption, promptOption, idsOption, tokenizerOption, maxTokensOption, ignoreEosOption,
                       threadsOption, quantizationOption});
    addStructuredOutputOptions(parser);
    parser.process(arguments);

    QTextStream err(stderr);
    auto fail = [&](const std::string& message) {
        err << "pagoda generate: " << QString::fromStdString(message) << "\n";
        return 1;
    };
    const auto modelDir = resolveModelArgument(parser.value(modelOption));
    if (!modelDir) return fail(modelDir.error().message);
    const bool textMode = parser.isSet(promptOption);
    if (textMode == parser.isSet(idsOption)) return fail("give either --prompt TEXT or --prompt-ids IDS");
    bool ok = false;
    const int maxTokens = parser.value(maxTokensOption).toInt(&ok);
    if (!ok || maxTokens < 1) return fail("--max-tokens must be a positive integer");
    const int threads = parser.value(threadsOption).toInt(&ok);
    if (!ok || threads < 0) return fail("--threads must be a non-negative integer");

    auto constraint = readStructuredOutputOptions(parser);
    if (!constraint) return fail(constraint.error().message);
    if (*constraint && parser.isSet(ignoreEosOption)) return fail("--ignore-eos cannot be combined with a constraint");

    const auto quantization = parseQuantization(parser.value(quantizationOption).toStdString());
    if (!quantization) return fail("--quantization: use none, int8 or int4");
    auto model = loadModel(*modelDir, *quantization);
    if (!model) return fail(model.error().message);
    std::unique_ptr<Tokenizer> tokenizer;
    if (textMode || parser.isSet(tokenizerOption) || *constraint) {
        auto loaded = loadTokenizer(parser.isSet(tokenizerOption) ? parser.value(tokenizerOption).toStdString() : *modelDir);
        if (!loaded) return fail(loaded.error().message);
        tokenizer = std::move(loaded).value();
    }
    auto prompt = textMode ? tokenizer->encode(parser.value(promptOption).toStdString(), true)
                           : parseIds(parser.value(idsOption));
    if (!prompt) return fail(prompt.error().message);

    const int blockSize = 16;
    const int tokensNeeded = int(prompt->size()) + maxTokens;
    CpuExecutor executor(*model, {(tokensNeeded + blockSize - 1) / blockSize, blockSize, size_t(threads)});
    GreedyOptions options{maxTokens, parser.isSet(ignoreEosOption), endOfGenerationIds((*model)->config, tokenizer.get())};
    std::optional<structured::GrammarMatcher> matcher;
    if (*constraint) {
        auto vocabulary = structured::TokenVocabulary::fromTokenizer(*tokenizer, options.eosTokenIds);
        matcher.emplace(std::make_shared<structured::TokenGrammar>((*constraint)->grammar, std::move(vocabulary)));
        options.grammar = &*matcher;
    }
    auto result = greedyGenerate(executor, (*model)->config, *prompt, options);
    if (!result) return fail(result.error().message);

    std::string output;
    if (textMode) {
        // The end-of-sequence token is not text, even where the tokenizer does not mark it special.
        std::span<const int32_t> generated(result->tokens);
        if (result->stoppedOnEos) generated = generated.first(generated.size() - 1);
        auto text = tokenizer->decode(generated, /*skipSpecialTokens=*/true);
        if (!text) return fail(text.error().message);
        output = std::move(text).value() + "\n";
    } else {
        output = fmt::format("{}\n", fmt::join(result->tokens, ","));
    }
    std::fwrite(output.data(), 1, output.size(), stdout);

    const size_t decoded = result->tokens.size() - 1;
    err << QString::fromStdString(fmt::format(
        "prefill: {} tokens in {:.1f} ms ({:.1f} tokens/s)\n", prompt->size(), result->prefillSeconds * 1e3,
        double(prompt->size()) / std::max(result->prefillSeconds, 1e-9)));
    if (decoded > 0)
        err << QString::fromStdString(fmt::format("decode: {} tokens in {:.1f} ms ({:.1f} tokens/s){}\n", decoded,
                                                  result->decodeSeconds * 1e3,
                                                  double(decoded) / std::max(result->decodeSeconds, 1e-9),
                                                  result->stoppedOnEos ? ", stopped at end-of-sequence" : ""));
    return 0;
}

}  // namespace pagoda::cli
