#include "app/desktop/first_run_proposal.h"

#include <algorithm>
#include <cmath>

#include <QCoreApplication>

#include "app/desktop/memory_bandwidth.h"
#include "app/hub/hub_types.h"
#include "app/hub/memory_estimate.h"

namespace pagoda {

namespace {

// Counts as larger: more than 1% more parameters. Within 1% the later pick is taken.
bool atLeastAsLarge(const hub::CatalogEntry& candidate, const hub::CatalogEntry& best) {
    return double(candidate.parameters) >= 0.99 * double(best.parameters);
}

// "12" tokens/s, or "2.5" below 10 where a decimal still says something.
QString speedText(double tokensPerSecond) {
    return tokensPerSecond >= 10 ? QString::number(std::lround(tokensPerSecond)) : QString::number(tokensPerSecond, 'f', 1);
}

int smallestOf(const std::vector<hub::CatalogEntry>& picks, bool (*eligible)(const hub::CatalogEntry&, const ProposalMachine&),
               const ProposalMachine& machine) {
    int smallest = -1;
    for (int i = 0; i < int(picks.size()); ++i) {
        const auto& pick = picks[size_t(i)];
        if (eligible && !eligible(pick, machine)) continue;
        if (smallest < 0 || pick.shape.weightBytes < picks[size_t(smallest)].shape.weightBytes) smallest = i;
    }
    return smallest;
}

double bandwidthOf(const ProposalMachine& machine) { return machine.bandwidth > 0 ? machine.bandwidth : kFallbackBandwidth; }

// The rule the welcome had before GGUF, for a GPU: the 16-bit picks only.
Proposal proposeForGpu(const std::vector<hub::CatalogEntry>& picks, const ProposalMachine& machine) {
    Proposal p;
    int smallest = -1;
    for (int i = 0; i < int(picks.size()); ++i) {
        const auto& pick = picks[size_t(i)];
        if (pick.isGguf()) continue;
        if (smallest < 0 || pick.parameters < picks[size_t(smallest)].parameters) smallest = i;
        if (!pickFits(pick, machine)) continue;
        if (p.index < 0 || pick.parameters > picks[size_t(p.index)].parameters) p.index = i;
    }
    p.reason = p.index >= 0 ? ProposalReason::Gpu : ProposalReason::NoneFits;
    if (p.index < 0) p.index = smallest;
    return p;
}

}  // namespace

double estimatedTokensPerSecond(const hub::CatalogEntry& pick, double bandwidth) {
    return pick.shape.weightBytes > 0 ? bandwidth / double(pick.shape.weightBytes) : 0;
}

bool pickFits(const hub::CatalogEntry& pick, const ProposalMachine& machine) {
    if (hub::estimateMemory(pick.shape, hub::kFitContextTokens, machine.availableBytes).fit != hub::Fit::Fits) return false;
    if (machine.totalBytes <= 0) return true;
    const int wanted = pick.shape.maxContext > 0 ? std::min(hub::kFitContextTokens, pick.shape.maxContext)
                                                 : hub::kFitContextTokens;
    const EngineEstimate budget = estimateEngine(pick.shape, machine.engine, machine.totalBytes);
    return budget.fits && budget.kvTokens >= wanted;
}

Proposal proposeFirstModel(const std::vector<hub::CatalogEntry>& picks, const ProposalMachine& machine) {
    if (picks.empty()) return {};
    if (machine.gpu) return proposeForGpu(picks, machine);
    const double bandwidth = bandwidthOf(machine);
    Proposal p;
    for (int i = 0; i < int(picks.size()); ++i) {
        const auto& pick = picks[size_t(i)];
        if (!pickFits(pick, machine) || estimatedTokensPerSecond(pick, bandwidth) < kMinTokensPerSecond) continue;
        if (p.index < 0 || atLeastAsLarge(pick, picks[size_t(p.index)])) p.index = i;
    }
    p.reason = ProposalReason::FitsAndFast;
    if (p.index < 0) {
        // Nothing is fast enough: the fastest (the fewest bytes per token) of those that fit.
        p.index = smallestOf(picks, pickFits, machine);
        p.reason = ProposalReason::NoneFastEnough;
    }
    if (p.index < 0) {
        p.index = smallestOf(picks, nullptr, machine);
        p.reason = ProposalReason::NoneFits;
    }
    p.tokensPerSecond = estimatedTokensPerSecond(picks[size_t(p.index)], bandwidth);
    return p;
}

QString proposalSentence(const std::vector<hub::CatalogEntry>& picks, const Proposal& proposal,
                         const ProposalMachine& machine) {
    if (proposal.index < 0 || proposal.index >= int(picks.size())) return {};
    const auto& pick = picks[size_t(proposal.index)];
    const QString name = QStringLiteral("%1 (%2)").arg(pick.name, hub::downloadSizeText(pick));
    const QString memory = hub::formatBytes(machine.availableBytes);
    switch (proposal.reason) {
    case ProposalReason::NoPicks: break;
    case ProposalReason::Gpu:
        return QCoreApplication::translate(
                   "pagoda::FirstRunProposal",
                   "%1 is the largest pick that fits the memory for models (%2); it runs on the NVIDIA GPU.")
            .arg(name, memory);
    case ProposalReason::FitsAndFast:
        return QCoreApplication::translate(
                   "pagoda::FirstRunProposal",
                   "%1 fits in the %2 of memory available to models and should answer at about %3 tokens/s on "
                   "this CPU; larger picks would not fit or would be slower than %4 tokens/s.")
            .arg(name, memory, speedText(proposal.tokensPerSecond), QString::number(kMinTokensPerSecond));
    case ProposalReason::NoneFastEnough:
        return QCoreApplication::translate(
                   "pagoda::FirstRunProposal",
                   "No pick reaches %1 tokens/s on this CPU (it reads memory at about %2 GB/s), so the fastest "
                   "one is proposed: %3, at about %4 tokens/s.")
            .arg(QString::number(kMinTokensPerSecond), QString::number(bandwidthOf(machine) / 1e9, 'f', 1), name,
                 speedText(proposal.tokensPerSecond));
    case ProposalReason::NoneFits:
        return QCoreApplication::translate(
                   "pagoda::FirstRunProposal",
                   "Even the smallest pick, %1, is tight for the %2 of memory available to models; close other "
                   "programs first.")
            .arg(name, machine.availableBytes > 0 ? memory
                                                  : QCoreApplication::translate("pagoda::FirstRunProposal", "memory"));
    }
    return {};
}

}  // namespace pagoda
