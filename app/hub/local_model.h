// One model found on this machine, as the library lists it: where it came from, the
// folder the engine loads, whether it can run, and the numbers the UI and the memory
// estimate need. A plain value, safe to pass between threads.
#pragma once

#include <optional>

#include <QString>

#include "app/hub/hub_types.h"
#include "app/hub/memory_estimate.h"

namespace pagoda::hub {

// Bundled: the demo model installed with Pagoda itself (read only, listed last).
enum class ModelSource { Pagoda, HuggingFaceCache, ModelScopeCache, Imported, Bundled };

// Ready: runs as is. Incomplete: files are still missing (download unfinished, dangling
// cache link). Unsupported: a valid model this build cannot run. Invalid: broken files.
enum class ModelStatus { Ready, Incomplete, Unsupported, Invalid };

// "pagoda", "huggingface cache", "modelscope cache", "imported", "built in"; "ready", "incomplete", ...
QString sourceName(ModelSource source);
QString statusName(ModelStatus status);

struct LocalModel {
    QString id;                  // owner/name, the folder name for imports, kDemoModelId when bundled
    ModelSource source = ModelSource::Pagoda;
    std::optional<HubKind> hub;  // unset for imports
    QString folder;              // what the engine loads: the model's directory (for the HF cache,
                                 // snapshots/<commit>), or a GGUF quant's first .gguf file
    QString quant;               // GGUF: the quant's tag ("Q4_K_M"); empty for safetensors models
    QString repoFolder;          // GGUF: the folder holding the repo's quants (README, manifests)
    QString revision;            // commit or branch when known
    ModelStatus status = ModelStatus::Invalid;
    QString problem;             // why it is not Ready, in words a user can act on
    QString architecture;        // config.json architectures[0]
    qint64 parameters = 0;       // elements of every tensor in the checkpoint
    QString dtype;               // "BF16", "F16", "F32"; for mixed checkpoints the one most elements have
    qint64 sizeOnDisk = 0;       // bytes of the files the engine reads, each counted once
    int contextLength = 0;       // max_position_embeddings (seq_length for ChatGLM)
    ModelShape shape;
    bool readOnly = false;       // another tool's cache or the installation: Pagoda never writes or deletes there

    // The name that selects this model everywhere: "Owner/Repo", or "Owner/Repo:Q4_K_M".
    QString name() const { return quant.isEmpty() ? id : id + ":" + quant; }
};

}  // namespace pagoda::hub
