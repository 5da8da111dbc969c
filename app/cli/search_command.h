// `pagoda search TEXT`: text-generation models with safetensors weights on a hub.
#pragma once

#include <QStringList>

namespace pagoda::cli {

int runSearch(const QStringList& arguments);

}  // namespace pagoda::cli
