#include "engine/model/model.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/std.h>

#include "engine/model/gguf_locate.h"
#include "engine/model/gguf_model_config.h"
#include "engine/model/weight_map.h"

namespace pagoda {

namespace {

// Every matrix the CPU multiplies by: the projections and the LM head (a copy of the
// embedding when tied: the embedding itself stays exact for the row lookups). Weights is
// DecoderWeights or const DecoderWeights.
template <class Weights>
auto matricesOf(Weights& w) {
    std::vector<decltype(&w.lmHead)> matrices;
    for (auto& l : w.layers)
        for (auto* m : {&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down}) matrices.push_back(m);
    matrices.push_back(&w.lmHead);
    return matrices;
}

Result<std::shared_ptr<Model>> loadGgufModel(const std::filesystem::path& path) {
    auto files = gguf::openModelFiles(path);
    if (!files) return files.error();
    auto config = ggufModelConfig(*files);
    if (!config) return config.error();
    auto weights = bindGgufWeights(*config, *files);
    if (!weights) return weights.error();
    // Views point into the files' mappings, which moving the Files does not relocate.
    auto model = std::make_shared<Model>();
    model->directory = path;
    model->config = std::move(config).value();
    model->ggufFiles = std::move(files).value();
    model->weights = std::move(weights).value();
    return model;
}

Result<std::shared_ptr<Model>> loadSafetensorsModel(const std::filesystem::path& modelDir) {
    auto config = loadModelConfig(modelDir);
    if (!config) return config.error();
    auto checkpoint = Checkpoint::open(modelDir);
    if (!checkpoint) return checkpoint.error();
    auto weights = bindWeights(*config, *checkpoint);
    if (!weights) return weights.error();
    // Views in `weights` point into the checkpoint's mappings, which moving does not relocate.
    return std::make_shared<Model>(Model{modelDir, std::move(config).value(), std::move(checkpoint).value(), {},
                                         std::move(weights).value(), Quantization::None, {}});
}

}  // namespace

bool hasBlockWeights(const Model& model) {
    const auto matrices = matricesOf(model.weights);
    return model.weights.embed.type == DType::Blocks ||
           std::any_of(matrices.begin(), matrices.end(), [](const TensorView* m) { return m->type == DType::Blocks; });
}

Result<std::shared_ptr<const Model>> loadModel(const std::filesystem::path& modelPath, Quantization quantization) {
    const auto gguf = locateGgufModel(modelPath);
    if (!gguf) return gguf.error();
    if (*gguf && quantization != Quantization::None)
        return makeError(fmt::format("{} is a GGUF model, already quantized as its file says; --quantization {} "
                                     "applies to 16-bit safetensors models only",
                                     modelPath, quantizationName(quantization)));
    auto loaded = *gguf ? loadGgufModel(**gguf) : loadSafetensorsModel(modelPath);
    if (!loaded) return loaded.error();
    std::shared_ptr<Model> model = std::move(loaded).value();
    model->quantization = quantization;
    if (quantization != Quantization::None) {
        ThreadPool pool;
        const auto matrices = matricesOf(model->weights);
        model->quantized.reserve(matrices.size());  // views point into these vectors' buffers
        for (TensorView* m : matrices) {
            auto q = quantization == Quantization::Int8 ? std::optional(quantizeRowsInt8(*m, pool))
                                                         : quantizeRowsInt4(*m, pool);
            if (!q) continue;
            model->quantized.push_back(std::move(*q));
            *m = model->quantized.back().view();
        }
    }
    return std::shared_ptr<const Model>(std::move(model));
}

}  // namespace pagoda
