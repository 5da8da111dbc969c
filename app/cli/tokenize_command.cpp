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

}  // namespace

int runTokenize(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Reads UTF-8 text on stdin and prints its token ids as a JSON array; with --decode reads a JSON array "
        "of ids and prints the text.");
    parser.addHelpOption();
    const QCommandLineOption modelOption("model", "Model directory (tokenizer.json or tokenizer.model).", "dir");
    const QCommandLineOption decodeOption("decode", "Decode a JSON array of ids read from stdin.");
    const QCommandLineOption noSpecialOption("no-add-special-tokens",
                                             "Do not add the tokenizer's BOS/EOS around the text.");
    const QCommandLineOption skipSpecialOption("skip-special-tokens", "Leave special tokens out when decoding.");
    parser.addOptions({modelOption, decodeOption, noSpecialOption, skipSpecialOption});
    parser.process(arguments);

    QTextStream err(stderr);
    auto fail = [&](const std::string& message) {
        err << "pagoda tokenize: " << QString::fromStdString(message) << "\n";
        return 1;
    };
    if (!parser.isSet(modelOption)) return fail("--model DIR is required");
    auto tokenizer = loadTokenizer(parser.value(modelOption).toStdString());
    if (!tokenizer) return fail(tokenizer.error().message);

    const std::string input = readStdin();
    std::string output;
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
