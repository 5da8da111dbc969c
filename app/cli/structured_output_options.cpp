#include "app/cli/structured_output_options.h"

#include <QFile>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace pagoda::cli {

namespace {

using Kind = structured::StructuredOutputRequest::Kind;

Result<std::string> readFile(const QString& path, const char* flag) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(
            fmt::format("{} {}: cannot read it: {}", flag, path.toStdString(), file.errorString().toStdString()));
    return file.readAll().toStdString();
}

}  // namespace

void addStructuredOutputOptions(QCommandLineParser& parser) {
    parser.addOptions({
        {"json-schema", "Constrain the answer to JSON that FILE's JSON Schema accepts.", "file"},
        {"grammar", "Constrain the answer to FILE's GBNF grammar (llama.cpp's syntax, root rule 'root').", "file"},
        {"regex", "Constrain the answer to a whole match of the regular expression.", "pattern"},
        {"choice", "Constrain the answer to one of the given texts (repeat the option for each).", "text"},
    });
}

Result<std::optional<structured::StructuredOutput>> readStructuredOutputOptions(const QCommandLineParser& parser) {
    int given = 0;
    for (const char* flag : {"json-schema", "grammar", "regex", "choice"}) given += parser.isSet(flag) ? 1 : 0;
    if (given == 0) return std::optional<structured::StructuredOutput>();
    if (given > 1) return makeError("give only one of --json-schema, --grammar, --regex and --choice");

    structured::StructuredOutputRequest request;
    std::string source;  // what an error names
    if (parser.isSet("json-schema")) {
        const QString path = parser.value("json-schema");
        source = fmt::format("--json-schema {}", path.toStdString());
        auto text = readFile(path, "--json-schema");
        if (!text) return text.error();
        const auto schema = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
        if (schema.is_discarded() || !schema.is_object())
            return makeError(fmt::format("{}: the file is not a JSON object, so it is not a JSON Schema", source));
        request.kind = Kind::JsonSchema;
        request.text = std::move(text).value();
    } else if (parser.isSet("grammar")) {
        const QString path = parser.value("grammar");
        source = fmt::format("--grammar {}", path.toStdString());
        auto text = readFile(path, "--grammar");
        if (!text) return text.error();
        request.kind = Kind::Grammar;
        request.text = std::move(text).value();
    } else if (parser.isSet("regex")) {
        source = "--regex";
        request.kind = Kind::Regex;
        request.text = parser.value("regex").toStdString();
    } else {
        source = "--choice";
        request.kind = Kind::Choice;
        for (const QString& choice : parser.values("choice")) request.choices.push_back(choice.toStdString());
    }
    auto compiled = structured::compileStructuredOutput(request);
    if (!compiled) return makeError(fmt::format("{}: {}", source, compiled.error().message));
    return std::optional<structured::StructuredOutput>(std::move(compiled).value());
}

}  // namespace pagoda::cli
