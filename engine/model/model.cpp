#include "engine/model/model.h"

#include "engine/model/weight_map.h"

namespace pagoda {

Result<std::shared_ptr<const Model>> loadModel(const std::filesystem::path& modelDir) {
    auto config = loadModelConfig(modelDir);
    if (!config) return config.error();
    auto checkpoint = Checkpoint::open(modelDir);
    if (!checkpoint) return checkpoint.error();
    auto weights = bindWeights(*config, *checkpoint);
    if (!weights) return weights.error();
    // Views in `weights` point into the checkpoint's mappings, which moving does not relocate.
    return std::shared_ptr<const Model>(new Model{modelDir, std::move(config).value(), std::move(checkpoint).value(),
                                                  std::move(weights).value()});
}

}  // namespace pagoda
