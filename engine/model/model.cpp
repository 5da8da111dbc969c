#include "engine/model/model.h"

#include "engine/model/weight_map.h"

namespace pagoda {

namespace {

// Every matrix the CPU multiplies by: the projections and the LM head (a copy of the
// embedding when tied: the embedding itself stays exact for the row lookups).
std::vector<TensorView*> quantizableMatrices(DecoderWeights& w) {
    std::vector<TensorView*> matrices;
    for (LayerWeights& l : w.layers)
        for (TensorView* m : {&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down}) matrices.push_back(m);
    matrices.push_back(&w.lmHead);
    return matrices;
}

}  // namespace

Result<std::shared_ptr<const Model>> loadModel(const std::filesystem::path& modelDir, Quantization quantization) {
    if (quantization == Quantization::Int4) return makeError("--quantization int4 is not implemented yet");
    auto config = loadModelConfig(modelDir);
    if (!config) return config.error();
    auto checkpoint = Checkpoint::open(modelDir);
    if (!checkpoint) return checkpoint.error();
    auto weights = bindWeights(*config, *checkpoint);
    if (!weights) return weights.error();
    // Views in `weights` point into the checkpoint's mappings, which moving does not relocate.
    auto model = std::make_shared<Model>(Model{modelDir, std::move(config).value(), std::move(checkpoint).value(),
                                               std::move(weights).value(), quantization, {}});
    if (quantization == Quantization::Int8) {
        ThreadPool pool;
        const auto matrices = quantizableMatrices(model->weights);
        model->quantized.reserve(matrices.size());  // views point into these vectors' buffers
        for (TensorView* m : matrices) {
            model->quantized.push_back(quantizeRowsInt8(*m, pool));
            *m = model->quantized.back().view();
        }
    }
    return std::shared_ptr<const Model>(std::move(model));
}

}  // namespace pagoda
