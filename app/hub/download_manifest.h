// The record Pagoda keeps beside every model it downloads (<folder>/.pagoda-manifest.json):
// which hub, id and revision it came from, and each file with the size and hash it was
// verified against. A GGUF repository's folder can hold several quants, each downloaded on
// its own: each has its own manifest, <folder>/.pagoda-manifest.<TAG>.json. A model is complete only when the manifest says so and every listed
// file is present at its size; the library never shows anything else as usable.
#pragma once

#include <vector>

#include <QDateTime>
#include <QString>

#include "app/hub/hub_types.h"
#include "engine/common/result.h"

namespace pagoda::hub {

inline constexpr const char* kManifestFileName = ".pagoda-manifest.json";
inline constexpr const char* kIncompleteSuffix = ".incomplete";

struct DownloadManifest {
    HubKind hub = HubKind::HuggingFace;
    QString id;
    QString revision;   // the pinned revision the files came from
    std::vector<HubFile> files;
    bool complete = false;  // set only after every file was verified and renamed into place
    QDateTime completedAt;
    QString quant = {};      // GGUF: the quant's tag ("Q4_K_M"); empty for safetensors
    QString modelFile = {};  // GGUF: the first (or only) .gguf file, relative to the folder
};

// ".pagoda-manifest.json", or ".pagoda-manifest.Q4_K_M.json" for a quant (tag upper-cased,
// so q4_k_m and Q4_K_M are one model).
QString manifestFileName(const QString& quant = {});
// The quant manifests in a folder, by file name.
QStringList quantManifestFiles(const QString& modelFolder);

Result<DownloadManifest> readManifest(const QString& modelFolder, const QString& quant = {});
// Written atomically (QSaveFile), so a crash leaves the old manifest or the new one.
Status writeManifest(const QString& modelFolder, const DownloadManifest& manifest);

// Files the manifest lists that are missing or of the wrong size, for the library's
// "incomplete" reason. Empty when all are present (hashes were checked at download time).
QStringList missingFiles(const QString& modelFolder, const DownloadManifest& manifest);

// Deletes one quant of a GGUF folder: its manifest, its files and their .incomplete parts,
// except files another quant's manifest also lists (README, LICENSE); then the folder (and
// subfolders) when nothing else is left in it.
Status removeQuantFiles(const QString& modelFolder, const QString& quant);

}  // namespace pagoda::hub
