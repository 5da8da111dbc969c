// Builders for model_library_test: Pagoda model folders, a Hugging Face hub cache and
// both ModelScope cache layouts, made from copies of the tiny tests/fixtures/models in a
// temporary directory, laid out as the real tools lay them out.
#pragma once

#include <QString>
#include <QStringList>

#include "app/hub/hub_types.h"
#include "app/hub/model_library.h"

namespace pagoda::test {

// Fixture names (tests/fixtures/models/<name>).
inline constexpr const char* kShardedBf16 = "qwen3-gqa7-bf16-sharded";  // index + 3 shards, Qwen3
inline constexpr const char* kSingleF32 = "qwen2-tied-f32";              // model.safetensors, Qwen2
inline constexpr const char* kSingleF16 = "llama3-ropescaled-f16";
inline constexpr const char* kChatGlm = "chatglm-f32";

// The model files of a fixture (config, generation config, index, shards), not its truth files.
QStringList fixtureModelFiles(const char* fixture);
// Copies them into `folder` (created).
void copyModelFiles(const char* fixture, const QString& folder);

QString sha256Hex(const QString& path);
QString gitSha1Hex(const QString& path);  // sha1("blob <size>\0" + bytes)
void writeBytes(const QString& path, const QByteArray& bytes);
void flipByte(const QString& path, qint64 offset);
// Replaces config.json's "architectures" (an empty list removes the key).
void setArchitectures(const QString& folder, const QStringList& architectures);

// Sum of the element counts in every safetensors header of the folder, read with
// nlohmann::json here rather than with the engine's reader.
qint64 headerElementCount(const QString& folder);
qint64 headerDataBytes(const QString& folder);

// Locations inside `base`: base/pagoda, base/hf, base/ms, base/imports.json; no demo model.
hub::LibraryLocations locationsUnder(const QString& base);

// <root>/<hub>/<id> with the fixture's files and a manifest listing each with its size and
// sha256, marked complete or not. Returns the folder.
QString makePagodaModel(const QString& root, hub::HubKind hub, const QString& id, const char* fixture,
                        bool complete = true);

// <cache>/models--owner--name as huggingface_hub writes it: blobs/<sha256> for safetensors
// (LFS) and blobs/<git sha1> for the rest, snapshots/<commit>/<file> -> ../../blobs/<hash>
// relative links, refs/main = commit. Returns the snapshot folder.
QString makeHuggingFaceCacheModel(const QString& cache, const QString& id, const char* fixture,
                                  const QString& commit = "0123456789abcdef0123456789abcdef01234567");
// The blob a snapshot file links to.
QString blobOf(const QString& snapshotFile);

// Old ModelScope SDK: <base>/<owner>/<folderName>, plain files. Returns the folder.
QString makeModelScopeOldModel(const QString& base, const QString& owner, const QString& folderName,
                               const char* fixture);
// New SDK: <cache>/models/<owner>--<name>/snapshots/<revision>. Returns the snapshot folder.
QString makeModelScopeNewModel(const QString& cache, const QString& id, const QString& revision, const char* fixture);

}  // namespace pagoda::test
