// `pagoda serve`: the OpenAI-compatible API on one model, headless, with vLLM's flag names.
#pragma once

#include <QStringList>

namespace pagoda::cli {

int runServe(const QStringList& arguments);

}  // namespace pagoda::cli
