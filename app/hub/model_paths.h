// Where Pagoda keeps downloaded models, and the checks that keep a hub's names inside it:
// a model lives in <data>/models/<hub>/<owner>/<name>/ and every file path a hub lists
// must stay below that folder.
#pragma once

#include <QString>

#include "app/hub/hub_types.h"
#include "engine/common/result.h"

namespace pagoda::hub {

// <GenericDataLocation>/pagoda/models: $XDG_DATA_HOME/pagoda/models on Linux.
QString modelsRoot();

// The demo model that ships with Pagoda (resources/demo-model), so chat works offline out of
// the box; the library lists it under this id.
inline constexpr char kDemoModelId[] = "pagoda/demo";

// Where the demo model is installed relative to the executable: <exe dir>/../share/pagoda/
// demo-model, the same from /usr/bin, a build tree's app/ and a portable zip's bin/.
// Empty when that folder has no config.json (a build without it, or a test executable).
QString bundledModelFolder();

// "Qwen/Qwen2.5-0.5B-Instruct" is accepted; anything that is not owner/name of
// [A-Za-z0-9._-] (or that is "." / "..") is refused with a message naming it.
Status validateModelId(const QString& id);

// <modelsRoot>/<hub>/<owner>/<name>; the id must have passed validateModelId.
QString modelFolder(HubKind hub, const QString& id);

// A repo-relative file path from a hub's listing is safe when it is relative, uses '/'
// only, has no empty, "." or ".." segment, no backslash, colon-drive or control character.
bool isSafeRepoPath(const QString& path);

// What the engine needs from a repo: config and generation config, tokenizer files and
// chat template, safetensors shards and their index. Never *.bin/*.pth/*.gguf/onnx.
bool isWantedModelFile(const QString& path);

}  // namespace pagoda::hub
