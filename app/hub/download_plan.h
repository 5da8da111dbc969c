// Before a byte is downloaded: which revision, which files, and whether they can be written.
// A hub listing with an unsafe name is refused whole (it would be a hostile or broken hub),
// only what the engine needs is selected, and the disk must hold what remains to fetch.
#pragma once

#include <vector>

#include "app/hub/hub_client.h"

namespace pagoda::hub {

struct DownloadPlan {
    HubModelInfo info;            // info.id is canonical, info.revision pinned
    std::vector<HubFile> files;   // the files to fetch, each with its size and hash
    qint64 totalBytes = 0;
};

// Asks the hub (blocking): model info, then the file list at the pinned revision.
Result<DownloadPlan> planDownload(const HubClient& hub, const QString& id, const QString& revision);

// The engine's files out of a repo listing; refuses unsafe paths and repos without
// safetensors weights or config.json, naming what was found.
Result<std::vector<HubFile>> selectModelFiles(const std::vector<HubFile>& listing, const QString& id);

// neededBytes must fit in the free space of the volume holding `folder` (or its nearest
// existing parent), with a small reserve so the disk is never filled to the last byte.
Status checkDiskSpace(const QString& folder, qint64 neededBytes);

}  // namespace pagoda::hub
