// ModelLibrary: the models on this machine, wherever they are: Pagoda's own folder, the
// Hugging Face and ModelScope caches other tools filled, and folders the user imported.
// It lists them with what they need to run, finds one by id for `pagoda serve --model`,
// and removes, imports and verifies them. Holds no mutable state beside files, so any
// thread may call it; every call reads the disk afresh.
#pragma once

#include <optional>
#include <vector>

#include <QString>

#include "app/hub/local_model.h"
#include "app/hub/model_verify.h"
#include "engine/common/result.h"

namespace pagoda::hub {

struct LibraryLocations {
    QString pagodaRoot;        // <root>/<hub>/<owner>/<name>, owned by Pagoda
    QString huggingFaceCache;  // read only
    QString modelScopeCache;   // read only
    QString importsFile;       // the imported folders, JSON
    QString bundledModel;      // the demo model's folder, read only; empty: none

    // pagodaRoot = modelsRoot(). Hugging Face, as huggingface_hub resolves it:
    // $HF_HUB_CACHE, $HUGGINGFACE_HUB_CACHE, $HF_HOME/hub, $XDG_CACHE_HOME/huggingface/hub,
    // ~/.cache/huggingface/hub. ModelScope: $MODELSCOPE_CACHE, else ~/.cache/modelscope/hub.
    // importsFile = <GenericDataLocation>/pagoda/imported-models.json. bundledModel =
    // bundledModelFolder().
    static LibraryLocations fromEnvironment();
};

class ModelLibrary {
public:
    explicit ModelLibrary(LibraryLocations locations = LibraryLocations::fromEnvironment());

    const LibraryLocations& locations() const { return m_locations; }

    // Every model found, Pagoda's first, then the caches, then imports, then the demo model;
    // each folder once.
    // Folders without a config.json are not models and are skipped silently; anything
    // else that cannot run is listed with its status and problem.
    std::vector<LocalModel> scan() const;

    // "Qwen/Qwen2.5-0.5B-Instruct" (any case), "modelscope:Qwen/Qwen3-0.6B" / "hf:..." to
    // choose the hub, "Qwen/Qwen3-8B-GGUF:Q4_K_M" for one quant of a GGUF repo (tag in any
    // case), or a folder (or .gguf file) path. An existing folder wins over an id, as in
    // transformers' from_pretrained; a folder not in the library is inspected as if
    // imported (and not recorded). Among matches: Ready first, then Pagoda before caches.
    // A GGUF repo named without a tag is its Q4_K_M when that is downloaded, or its only
    // quant; with several others, nothing (findAll lists them).
    std::optional<LocalModel> find(const QString& idOrPath) const;
    // Every model the name matches, best first (all quants of a GGUF repo named without tag).
    std::vector<LocalModel> findAll(const QString& idOrPath) const;

    // Pagoda's folder: deleted, and empty owner/hub folders with it (a GGUF quant: its own
    // files, and the folder once no quant is left). Imported: forgotten,
    // the files stay. Caches: refused, with where the cache is and the hub's own tool. The
    // demo model: refused, it belongs to the installation.
    Status remove(const LocalModel& model) const;

    // Adds a folder the engine can load and chat with (config.json, supported architecture,
    // a checkpoint that opens, a tokenizer and a chat template) to the imports file. Importing the same folder again changes nothing.
    Result<LocalModel> importFolder(const QString& path) const;

    // Full hash check; see verifyModelFiles for what each source can be checked against.
    Status verify(const LocalModel& model, const VerifyProgress& progress = {}) const;

private:
    std::vector<LocalModel> scanPagoda() const;
    std::vector<LocalModel> scanCaches() const;
    std::vector<LocalModel> scanImported() const;
    std::vector<LocalModel> scanBundled() const;
    Status removeQuant(const LocalModel& model) const;

    LibraryLocations m_locations;
};

}  // namespace pagoda::hub
