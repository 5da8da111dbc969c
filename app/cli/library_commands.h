// `pagoda list` and `pagoda rm`: the models on this machine (Pagoda's library plus the
// Hugging Face and ModelScope caches), with what each needs in memory, and removal.
#pragma once

#include <QStringList>

namespace pagoda::cli {

int runList(const QStringList& arguments);
int runRemove(const QStringList& arguments);

}  // namespace pagoda::cli
