// What a downloaded GGUF model is, read from its metadata and tensor table (never the
// weights): architecture, context length, parameters, the dominant block type, and the
// shape the memory estimate needs, with the weights counted at the files' real bytes.
#pragma once

#include "app/hub/local_model.h"

namespace pagoda::hub {

// Fills status, problem, architecture, parameters, dtype, sizeOnDisk, contextLength and
// shape of `model` from model.folder, the first (or only) .gguf file of the model.
void inspectGgufModel(LocalModel& model);

}  // namespace pagoda::hub
