// `pagoda pull ID`: download a model from Hugging Face or ModelScope into the library,
// with a progress bar; an interrupted pull resumes where it stopped when run again.
#pragma once

#include <QStringList>

namespace pagoda::cli {

int runPull(const QStringList& arguments);

}  // namespace pagoda::cli
