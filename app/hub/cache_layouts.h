// Where other tools' download caches keep each model, read only: the Hugging Face hub
// cache (research/hub-apis.md 1.8) and both ModelScope layouts (2.9). Lists candidate
// folders; whether each holds a usable model is model_inspection's job.
#pragma once

#include <vector>

#include <QString>

namespace pagoda::hub {

struct CachedRepo {
    QString id;        // owner/name as the hub spells it
    QString folder;    // the files: a snapshot folder, or the model folder itself (old ModelScope)
    QString revision;  // commit or branch; empty when the layout does not record one
};

// <cache>/models--<owner>--<name>/snapshots/<commit>, the commit named by refs/main; a
// repo downloaded at a pinned commit has no refs/main, so then the newest snapshot.
std::vector<CachedRepo> huggingFaceCacheRepos(const QString& cacheRoot);

// Old SDK: <root>/[models/]<owner>/<name, '.' written as "___">; new SDK (modelscope_hub):
// <root>/models/<owner>--<name>/snapshots/<revision>. $MODELSCOPE_CACHE means
// ~/.cache/modelscope in some SDK versions and ~/.cache/modelscope/hub in others, so both
// <root> and <root>/hub are searched. Each folder is listed once.
std::vector<CachedRepo> modelScopeCacheRepos(const QString& cacheRoot);

// The old ModelScope SDK stores "Qwen2.5-7B" as "Qwen2___5-7B"; this undoes it.
QString modelScopeNameFromFolder(const QString& folderName);

}  // namespace pagoda::hub
