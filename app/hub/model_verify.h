// Re-hashing a model's files against what they are known to be: the check a user runs
// when a model misbehaves or after a disk scare. Reads every byte, so it is slow on
// purpose and reports progress.
#pragma once

#include <functional>

#include <QString>

#include "app/hub/local_model.h"
#include "engine/common/result.h"

namespace pagoda::hub {

// Return false to cancel.
using VerifyProgress = std::function<bool(qint64 done, qint64 total)>;

// Pagoda folders: every manifest file, by sha256 when the manifest has it, else by git
// blob sha1, and its size. Hugging Face cache: every snapshot link whose blob is named by
// a 64-hex sha256 or a 40-hex git sha1, against that name. Other models carry no record
// of what their bytes should be: Ok with nothing checked.
Status verifyModelFiles(const LocalModel& model, const VerifyProgress& progress);

}  // namespace pagoda::hub
