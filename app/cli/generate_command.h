// `pagoda generate`: greedy continuation of token ids from a model directory, with timing.
#pragma once

#include <QStringList>

namespace pagoda::cli {

int runGenerate(const QStringList& arguments);

}  // namespace pagoda::cli
