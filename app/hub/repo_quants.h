// A GGUF repository as the hub lists it, before anything is downloaded: its quants with
// their real sizes, and the model's shape so each quant's memory estimate counts the KV
// cache too. The shape comes from a config.json in the repository, else from the base
// model's (the hub's base_model), read by the engine's own config parser.
#pragma once

#include <optional>

#include "app/hub/gguf_quants.h"
#include "app/hub/hub_client.h"
#include "app/hub/memory_estimate.h"

namespace pagoda::hub {

struct RepoQuants {
    HubModelInfo info;
    std::vector<HubFile> listing;     // the whole repository at info.revision
    bool ggufRepository = false;      // its model files are .gguf (isGgufRepository)
    std::vector<GgufQuant> quants;    // empty unless ggufRepository
    std::optional<ModelShape> shape;  // unset: neither the repo nor its base model has a config.json
    QString shapeFrom;                // the repo whose config.json gave the shape
};

// Blocking (model info, the listing, one or two small files): call it off the GUI thread.
HubResult<RepoQuants> fetchRepoQuants(const HubClient& hub, const QString& id);

// The estimate for one quant: its files' bytes as the weights, plus the KV cache and
// overhead the shape gives (weights and overhead only when the shape is unknown).
MemoryEstimate estimateQuant(const RepoQuants& repo, const GgufQuant& quant, int contextTokens, qint64 availableBytes);

}  // namespace pagoda::hub
