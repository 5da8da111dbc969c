// The CLI's structured-output flags, shared by `pagoda generate` and `pagoda chat`:
// --json-schema FILE, --grammar FILE (GBNF), --regex PATTERN and --choice TEXT (repeatable).
#pragma once

#include <QCommandLineParser>

#include <optional>

#include "engine/common/result.h"
#include "engine/structured/structured_output.h"

namespace pagoda::cli {

void addStructuredOutputOptions(QCommandLineParser& parser);

// The one constraint the flags ask for, compiled; nullopt when none is given. Errors name the
// flag and, for files, the file: "--json-schema person.json: ...".
Result<std::optional<structured::StructuredOutput>> readStructuredOutputOptions(const QCommandLineParser& parser);

}  // namespace pagoda::cli
