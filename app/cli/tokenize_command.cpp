#include "app/cli/tokenize_command.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTextStream>

#include <cstdio>
#include <iostream>
#include <iterator>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "app/cli/model_argument.h"

#include "engine/tokenizer/chat_template.h"
#include "engine/tokenizer/tokenizer.h"

namespace pagoda::cli {

namespace {

std::string readStdin() {
    std::ios::sync_with_stdio(false);
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

Result<std::vector<int32_t>> parseIdArray(const std::string& text) {
    try {
        const auto j = nlohmann::json::parse(text);
        if (!j.is_array()) return makeError("--decode expects a JSON array of token ids on stdin");
        std::vector<int32_t> ids;
        for (const auto& v : j) {
            if (!v.is_number_integer()) return makeError(fmt::format("--decode: {} is not a token id", v.dump()));
            ids.push_back(v.get<int32_t>());
        }
        return ids;
    } catch (const nlohmann::json::exception& e) {
        return makeError(fmt::format("--decode expects a JSON array of token ids on stdin: {}", e.what()));
    }
}

// Renders an OpenAI-style request file ({"messages": [...], "tools": [...]} or a bare list of
// messages) through the model's own chat template, with the tokenizer's special tokens.
Result<std::string> renderChatFile(const std::string& modelDir, const QString& file, const Tokenizer& tokenizer,
                                   bool addGenerationPrompt) {
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly)) return makeError(fmt::format("cannot read {}", file.toStdString()));
    nlohmann::ordered_json request;
    try {
        request = nlohmann::ordered_json::parse(in.readAll().toStdString());
    } catch (const nlohmann::json::exception& e) {
        return makeError(fmt::format("{}: not valid JSON: {}", file.toStdString(), e.what()));
    }
    if (request.is_array()) request = nlohmann::ordered_json{{"messages", std::move(request)}};
    if (!request.is_object() || !request.contains("messages"))
        return makeError(fmt::format("{}: expected {{\"messages\": [...]}} or a list of messages", file.toStdString()));

    auto chatTemplate = loadChatTemplate(modelDir);
    if (!chatTemplate) return chatTemplate.error();
    if (!*chatTemplate)
        return makeError(fmt::format("{}: no chat template (looked for chat_template.jinja, and chat_template in "
                                     "tokenizer_config.json and chat_template.json, or tokenizer.chat_template in a "
                                     "GGUF file)",
                                     modelDir));
    nlohmann::ordered_json context = nlohmann::ordered_json::object();
    context["messages"] = request["messages"];
    if (request.contains("tools")) context["tools"] = request["tools"];
    context["add_generation_prompt"] = addGenerationPrompt;
    if (request.contains("chat_template_kwargs") && request["chat_template_kwargs"].is_object())
        for (const auto& [key, value] : request["chat_template_kwargs"].items()) context[key] = value;
    return renderChat(**chatTemplate, tokenizer, std::move(context));
}

}  // namespace

int runTokenize(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Reads UTF-8 text on stdin and prints its token ids as a JSON array; with --decode reads a JSON array "
        "of ids and prints the text; with --chat renders a conversation through the model's chat template.");
    parser.addHelpOption();
    const QCommandLineOption modelOption("model", "A model folder (tokenizer.json or tokenizer.model), or a downloaded model's id.", "dir|id");
    const QCommandLineOption decodeOption("decode", "Decode a JSON array of ids read from stdin.");
    const QCommandLineOption noSpecialOption("no-add-special-tokens",
                                             "Do not add the tokenizer's BOS/EOS around the text.");
    const QCommandLineOption skipSpecialOption("skip-special-tokens", "Leave special tokens out when decoding.");
    const QCommandLineOption chatOption(
        "chat", "Render an OpenAI-style messages file (with optional tools and chat_template_kwargs) through the "
                "model's chat template and print the prompt.", "file");
    const QCommandLineOption noGenerationPromptOption("no-generation-prompt",
                                                      "With --chat: do not open an assistant turn at the end.");
    parser.addOptions({modelOption, decodeOption, noSpecialOption, skipSpecialOption, chatOption,
                       noGenerationPromptOption});
    parser.process(arguments);

    QTextStream err(stderr);
    auto fail = [&](const std::string& message) {
        err << "pagoda tokenize: " << QString::fromStdString(message) << "\n";
        return 1;
    };
    const auto modelDir = resolveModelArgument(parser.value(modelOption));
    if (!modelDir) return fail(modelDir.error().message);
    auto tokenizer = loadTokenizer(*modelDir);
    if (!tokenizer) return fail(tokenizer.error().message);

    std::string output;
    if (parser.isSet(chatOption)) {
        auto prompt = renderChatFile(*modelDir, parser.value(chatOption), **tokenizer,
                                     !parser.isSet(noGenerationPromptOption));
        if (!prompt) return fail(prompt.error().message);
        std::fwrite(prompt->data(), 1, prompt->size(), stdout);
        return 0;
    }
    const std::string input = readStdin();
    if (parser.isSet(decodeOption)) {
        auto ids = parseIdArray(input);
        if (!ids) return fail(ids.error().message);
        auto text = (*tokenizer)->decode(*ids, parser.isSet(skipSpecialOption));
        if (!text) return fail(text.error().message);
        output = std::move(text).value();
    } else {
        auto ids = (*tokenizer)->encode(input, !parser.isSet(noSpecialOption));
        if (!ids) return fail(ids.error().message);
        output = fmt::format("[{}]\n", fmt::join(*ids, ", "));
    }
    std::fwrite(output.data(), 1, output.size(), stdout);
    return 0;
}

}  // namespace pagoda::cli
