#include "app/hub/download_plan.h"

#include <QDir>
#include <QFileInfo>
#include <QStorageInfo>

#include <fmt/format.h>

#include "app/hub/model_paths.h"

namespace pagoda::hub {

namespace {
constexpr qint64 kDiskReserveBytes = qint64(64) << 20;
}

Result<std::vector<HubFile>> selectModelFiles(const std::vector<HubFile>& listing, const QString& id) {
    std::vector<HubFile> selected;
    bool hasConfig = false, hasWeights = false;
    QStringList other;
    for (const HubFile& f : listing) {
        if (!isSafeRepoPath(f.path))
            return makeError(fmt::format("{}: the hub lists an unsafe file name '{}' (absolute, '..', backslash or "
                                         "control character); refusing to download this model",
                                         id.toStdString(), f.path.toHtmlEscaped().toStdString()));
        if (!isWantedModelFile(f.path)) {
            if (!f.path.contains('/')) other << f.path;
            continue;
        }
        hasConfig |= f.path == "config.json";
        hasWeights |= f.path.endsWith(".safetensors");
        selected.push_back(f);
    }
    if (!hasConfig) return makeError(fmt::format("{}: the repository has no config.json; it is not a transformers model", id.toStdString()));
    if (!hasWeights)
        return makeError(fmt::format("{}: the repository has no .safetensors weights (found: {}); Pagoda loads safetensors only",
                                     id.toStdString(), other.join(", ").left(300).toStdString()));
    return selected;
}

Result<DownloadPlan> planDownload(const HubClient& hub, const QString& id, const QString& revision) {
    auto info = hub.modelInfo(id, revision);
    if (!info) return info.error();
    auto listing = hub.listFiles(info->id, info->revision);
    if (!listing) return listing.error();
    auto files = selectModelFiles(*listing, info->id);
    if (!files) return files.error();
    DownloadPlan plan{*info, std::move(*files), 0};
    for (const HubFile& f : plan.files) plan.totalBytes += std::max<qint64>(f.size, 0);
    return plan;
}

Status checkDiskSpace(const QString& folder, qint64 neededBytes) {
    QString existing = folder;
    while (!QFileInfo::exists(existing) && QFileInfo(existing).path() != existing) existing = QFileInfo(existing).path();
    const QStorageInfo storage(existing);
    const qint64 free = storage.bytesAvailable();
    if (storage.isValid() && free >= 0 && neededBytes + kDiskReserveBytes > free)
        return makeError(fmt::format("not enough disk space in {}: the download needs {}, {} free",
                                     existing.toStdString(), formatBytes(neededBytes).toStdString(),
                                     formatBytes(free).toStdString()));
    return Ok{};
}

}  // namespace pagoda::hub
