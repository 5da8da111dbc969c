#include "app/hub/repo_quants.h"

#include <QFile>
#include <QTemporaryDir>

#include "engine/model/model_config.h"

namespace pagoda::hub {

namespace {

// The engine parses config.json from a folder; a scratch folder lets the hub's copy go
// through the same parser instead of a second one.
std::optional<ModelShape> shapeFromConfig(const HubClient& hub, const QString& id, const QString& revision) {
    auto response = hub.connection().call("GET", hub.fileUrl(id, revision, "config.json"));
    if (!response || response->status != 200 || response->body.size() > (1 << 20)) return std::nullopt;
    QTemporaryDir scratch;
    QFile file(scratch.path() + "/config.json");
    if (!scratch.isValid() || !file.open(QIODevice::WriteOnly) || file.write(response->body) != response->body.size())
        return std::nullopt;
    file.close();
    const auto config = loadModelConfig(QFile::encodeName(scratch.path()).toStdString());
    if (!config) return std::nullopt;
    return modelShape(*config, 0);
}

}  // namespace

HubResult<RepoQuants> fetchRepoQuants(const HubClient& hub, const QString& id) {
    auto info = hub.modelInfo(id);
    if (!info) return info.error();
    auto listing = hub.listFiles(info->id, info->revision);
    if (!listing) return listing.error();
    RepoQuants repo{*info, *listing, isGgufRepository(*listing), {}, std::nullopt, {}};
    if (!repo.ggufRepository) return repo;  // a safetensors repo: no quants on offer
    auto quants = ggufQuants(*listing, info->id);
    if (!quants) return HubError(quants.error());
    repo.quants = std::move(*quants);
    bool hasConfig = false;
    for (const HubFile& f : *listing) hasConfig |= f.path == "config.json";
    if (hasConfig && (repo.shape = shapeFromConfig(hub, info->id, info->revision))) repo.shapeFrom = info->id;
    const QString defaultBranch = hub.kind() == HubKind::HuggingFace ? "main" : "master";
    if (!repo.shape && !info->baseModel.isEmpty() && (repo.shape = shapeFromConfig(hub, info->baseModel, defaultBranch)))
        repo.shapeFrom = info->baseModel;
    return repo;
}

MemoryEstimate estimateQuant(const RepoQuants& repo, const GgufQuant& quant, int contextTokens, qint64 availableBytes) {
    ModelShape shape = repo.shape.value_or(ModelShape{});
    shape.weightBytes = quant.bytes;
    return estimateMemory(shape, contextTokens, availableBytes);
}

}  // namespace pagoda::hub
