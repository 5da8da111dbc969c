#include "app/hub/download_plan.h"

#include <QDir>
#include <QFileInfo>
#include <QStorageInfo>

#include <fmt/format.h>

#include "app/hub/gguf_quants.h"
#include "app/hub/model_paths.h"

namespace pagoda::hub {

namespace {
constexpr qint64 kDiskReserveBytes = qint64(64) << 20;
constexpr qint64 kMetadataFileMaxBytes = qint64(1) << 20;

// One unsafe name makes the whole listing suspect: a hostile or broken hub.
Status checkListingPaths(const std::vector<HubFile>& listing, const QString& id) {
    for (const HubFile& f : listing)
        if (!isSafeRepoPath(f.path))
            return makeError(fmt::format("{}: the hub lists an unsafe file name '{}' (absolute, '..', backslash or "
                                         "control character); refusing to download this model",
                                         id.toStdString(), f.path.toHtmlEscaped().toStdString()));
    return Ok{};
}

// README and licence texts at the top of a GGUF repo: what the model is and under which terms.
bool isGgufMetadataFile(const HubFile& f) {
    const QString name = f.path.toLower();
    return !f.path.contains('/') && f.size >= 0 && f.size <= kMetadataFileMaxBytes &&
           (name == "readme.md" || name.startsWith("license") || name.startsWith("licence") || name == "notice");
}

}  // namespace

Status selectGgufFiles(const std::vector<HubFile>& listing, const GgufSelection& selection, DownloadPlan& plan) {
    const QString& id = plan.info.id;
    if (auto safe = checkListingPaths(listing, id); !safe) return safe;
    auto quants = ggufQuants(listing, id);
    if (!quants) return quants.error();
    auto choice = chooseGgufQuant(*quants, selection.quant, selection.file, id);
    if (!choice) return choice.error();
    plan.files = choice->quant.parts;
    for (const HubFile& f : listing)
        if (isGgufMetadataFile(f)) plan.files.push_back(f);
    plan.quant = choice->quant.tag;
    plan.modelFile = choice->quant.firstPart().path;
    plan.note = choice->note;
    return Ok{};
}

Result<std::vector<HubFile>> selectModelFiles(const std::vector<HubFile>& listing, const QString& id) {
    std::vector<HubFile> selected;
    bool hasConfig = false, hasWeights = false;
    QStringList other;
    if (auto safe = checkListingPaths(listing, id); !safe) return safe.error();
    for (const HubFile& f : listing) {
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
        return makeError(fmt::format("{}: the repository has no .safetensors or .gguf weights (found: {})",
                                     id.toStdString(), other.join(", ").left(300).toStdString()));
    return selected;
}

HubResult<DownloadPlan> planDownload(const HubClient& hub, const QString& id, const QString& revision,
                                     const GgufSelection& gguf) {
    auto info = hub.modelInfo(id, revision);
    if (!info) return info.error();
    auto listing = hub.listFiles(info->id, info->revision);
    if (!listing) return listing.error();
    DownloadPlan plan;
    plan.info = *info;
    if (!gguf.quant.isEmpty() || !gguf.file.isEmpty() || isGgufRepository(*listing)) {
        if (auto selected = selectGgufFiles(*listing, gguf, plan); !selected) return HubError(selected.error());
    } else {
        auto files = selectModelFiles(*listing, info->id);
        if (!files) return HubError(files.error());
        plan.files = std::move(*files);
    }
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
