// `pagoda tokenize`: text → ids, ids → text, and chat messages → prompt, through a model's
// own tokenizer and chat template.
#pragma once

#include <QStringList>

namespace pagoda::cli {

int runTokenize(const QStringList& arguments);

}  // namespace pagoda::cli
