// Before a byte is downloaded: which revision, which files, and whether they can be written.
// A hub listing with an unsafe name is refused whole (it would be a hostile or broken hub),
// only what the engine needs is selected, and the disk must hold what remains to fetch.
#pragma once

#include <vector>

#include "app/hub/hub_client.h"

namespace pagoda::hub {

// Which model of a GGUF repository (see gguf_quants.h); both empty for a safetensors repo,
// or for the default quant of a GGUF one.
struct GgufSelection {
    QString quant;  // a tag such as "Q4_K_M", any case
    QString file;   // a .gguf file of the repo (any part of a split model)
};

struct DownloadPlan {
    HubModelInfo info;            // info.id is canonical, info.revision pinned
    std::vector<HubFile> files;   // the files to fetch, each with its size and hash
    qint64 totalBytes = 0;
    // GGUF only: the quant taken (its tag), its first (or only) file, and a
    // note for the user when the default was taken.
    QString quant = {};
    QString modelFile = {};
    QString note = {};
};

// Asks the hub (blocking): model info, then the file list at the pinned revision. A GGUF
// repository (or any request naming a quant or file) gets one quant's files and the
// repository's README and licence, never other quants.
HubResult<DownloadPlan> planDownload(const HubClient& hub, const QString& id, const QString& revision,
                                     const GgufSelection& gguf = {});

// The engine's files out of a repo listing; refuses unsafe paths and repos without
// safetensors weights or config.json, naming what was found.
Result<std::vector<HubFile>> selectModelFiles(const std::vector<HubFile>& listing, const QString& id);

// The chosen quant's parts plus the small top-level files worth keeping beside it (README,
// LICENSE); fills plan.files, quant, modelFile and note.
Status selectGgufFiles(const std::vector<HubFile>& listing, const GgufSelection& selection, DownloadPlan& plan);

// neededBytes must fit in the free space of the volume holding `folder` (or its nearest
// existing parent), with a small reserve so the disk is never filled to the last byte.
Status checkDiskSpace(const QString& folder, qint64 neededBytes);

}  // namespace pagoda::hub
