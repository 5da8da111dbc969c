// What a model directory's config.json and generation_config.json say, reduced to the
// one canonical decoder Pagoda runs: sizes plus feature flags, whatever the checkpoint family.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/result.h"
#include "kernels/common/dtype.h"
#include "kernels/common/rope.h"

namespace pagoda {

enum class Architecture { Qwen2, Qwen3, Llama, Glm, Glm4, ChatGlm };

struct ModelConfig {
    std::string architectureName;  // as in config.json "architectures", e.g. "Qwen2ForCausalLM"
    Architecture architecture = Architecture::Llama;

    int hiddenSize = 0;
    int intermediateSize = 0;
    int numLayers = 0;
    int numHeads = 0;
    int numKvHeads = 0;
    int headDim = 0;
    int vocabSize = 0;
    int maxPositionEmbeddings = 0;
    float rmsNormEps = 1e-6f;
    RopeSpec rope;
    // Per-frequency divisors of the RoPE inverse frequencies (rotaryDim/2 of them), as GGUF
    // files of Llama 3 carry them in rope_freqs.weight instead of the scaling parameters.
    std::vector<float> ropeFreqFactors;

    bool tieWordEmbeddings = false;
    bool qkvBias = false;       // Qwen2, GLM
    bool qkNorm = false;        // Qwen3: per-head RMSNorm on q and k before RoPE
    bool sandwichNorms = false; // GLM-4-0414: norms after attention and after the MLP

    DType dtype = DType::BF16;  // the checkpoint's declared dtype
    std::vector<int> eosTokenIds;  // union of config.json and generation_config.json
    std::optional<int> bosTokenId;
};

// Reads config.json (required) and generation_config.json (optional) from modelDir, or the
// metadata of the GGUF model modelDir names (a .gguf file or a directory holding one).
Result<ModelConfig> loadModelConfig(const std::filesystem::path& modelDir);

// The checks every config passes before anything is sized from it (positive sizes within
// what real models use, heads that divide, rotary dims within the head, eos ids within the
// vocabulary); errors name `where`.
Status validateModelConfig(const ModelConfig& config, const std::filesystem::path& where);

// The architectures this build can run, for error messages and `--help`.
const std::vector<std::string>& supportedArchitectures();

}  // namespace pagoda
