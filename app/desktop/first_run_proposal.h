// Which of Pagoda's picks the first-run welcome proposes, and the one sentence that says why.
// A pure function of the picks and the machine, so the tests can describe any machine.
//
// Without a usable GPU the model runs on the CPU, where decode reads every weight once per
// token: the proposal is the largest pick that fits memory and whose estimated decode speed,
// memory bandwidth / weight bytes, reaches kMinTokensPerSecond. The 4-bit GGUF picks read a
// third of what the 16-bit ones do, so on most machines they are the ones that qualify.
// With a usable GPU the largest 16-bit pick that fits is proposed (the CUDA backend does not
// run GGUF block formats).
#pragma once

#include <vector>

#include <QString>

#include "app/host/engine_settings.h"
#include "app/hub/model_catalog.h"

namespace pagoda {

// Slower than this, an answer of a few hundred words takes over a minute: chat stops
// feeling like chat. The bar, as Ollama and LM Studio users experience 4-bit models.
inline constexpr double kMinTokensPerSecond = 8;

struct ProposalMachine {
    qint64 availableBytes = 0;  // memory models may use now (memoryForModels); <= 0 unknown
    qint64 totalBytes = 0;      // what the engine's memory budget is a share of; <= 0 unknown
    EngineSettings engine;
    double bandwidth = 0;       // bytes/s the CPU reads from memory; <= 0: kFallbackBandwidth
    bool gpu = false;           // a usable NVIDIA GPU (detectBackends().cuda)
};

enum class ProposalReason {
    NoPicks,         // an empty catalog: index -1
    Gpu,             // the largest 16-bit pick that fits the GPU
    FitsAndFast,     // CPU: the largest that fits and reaches kMinTokensPerSecond
    NoneFastEnough,  // CPU: some fit, none is fast enough; the fastest of those that fit
    NoneFits,        // nothing fits: the smallest
};

struct Proposal {
    int index = -1;
    ProposalReason reason = ProposalReason::NoPicks;
    double tokensPerSecond = 0;  // the pick's estimated decode speed on the CPU (0 on a GPU)
};

// Bytes read per token ≈ the weights (for a GGUF pick, its file).
double estimatedTokensPerSecond(const hub::CatalogEntry& pick, double bandwidth);

// Its 8K-context estimate fits the memory available now, and the engine's budget holds its
// weights and a KV cache of 8K tokens (or the model's maximum), so the pick also loads.
bool pickFits(const hub::CatalogEntry& pick, const ProposalMachine& machine);

// Largest by parameters; picks within 1% of each other count as one size, and the one
// listed later wins (the catalog lists the newer family, and a model's GGUF pick, later).
Proposal proposeFirstModel(const std::vector<hub::CatalogEntry>& picks, const ProposalMachine& machine);

// One sentence for the welcome, e.g. "Qwen3 4B Q4_K_M (2.33 GiB) fits in the 13.8 GiB of
// memory available to models and should answer at about 12 tokens/s on this CPU; ...".
QString proposalSentence(const std::vector<hub::CatalogEntry>& picks, const Proposal& proposal,
                         const ProposalMachine& machine);

}  // namespace pagoda
