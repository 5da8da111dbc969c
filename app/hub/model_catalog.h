// The curated list of models the browser offers before any search: chat models this
// engine runs, with both hubs' ids and the numbers needed to say, offline, whether each
// fits this machine, and 4-bit GGUF picks of the same models (Qwen/Qwen3-8B-GGUF:Q4_K_M).
// Data lives in resources/catalog.json (see resources/README.md for where its values come
// from, which are estimates, and how to refresh them).
#pragma once

#include <vector>

#include <QString>

#include "app/hub/hub_types.h"
#include "app/hub/memory_estimate.h"
#include "engine/common/result.h"

namespace pagoda::hub {

struct CatalogEntry {
    QString name;           // display name, e.g. "Qwen2.5 7B Instruct"
    QString huggingFaceId;
    QString modelScopeId;
    QString family;         // "Qwen2.5", "Qwen3", "GLM-4"
    QString architecture;   // config.json architectures[0]
    QString license;        // hub licence id: "apache-2.0", "mit", "qwen-research", "glm-4"
    QString licenseUrl;     // empty when the licence is a standard one without a model-specific text
    QString summary;        // one line, English
    QString summaryZh;      // one line, Simplified Chinese
    qint64 parameters = 0;
    qint64 downloadBytes = 0;  // the files Pagoda downloads, approximately
    // The download size was computed (GGUF: from the parameter count and the quant's bits per
    // weight), not read from the hub's listing; withListedSize replaces it.
    bool downloadBytesEstimated = false;
    QString quant;             // GGUF picks: the quant's tag, e.g. "Q4_K_M"; empty for 16-bit checkpoints
    int contextLength = 0;     // max_position_embeddings (seq_length for ChatGLM)
    ModelShape shape;

    const QString& idOn(HubKind hub) const { return hub == HubKind::HuggingFace ? huggingFaceId : modelScopeId; }
    bool isGguf() const { return !quant.isEmpty(); }
    // As users name it, and as `pagoda pull` takes it: "Qwen/Qwen3-8B-GGUF:Q4_K_M".
    QString pullName(HubKind hub) const { return isGguf() ? idOn(hub) + ':' + quant : idOn(hub); }
};

// "2.33 GiB", or "≈ 2.33 GiB" while the size is an estimate rather than the hub's listing.
QString downloadSizeText(const CatalogEntry& entry);

// The catalog built into the executable (Qt resource :/pagoda/catalog.json).
Result<std::vector<CatalogEntry>> loadCatalog();

// The same from a file, for tests and for trying an edited catalog.
Result<std::vector<CatalogEntry>> loadCatalog(const QString& path);

}  // namespace pagoda::hub
