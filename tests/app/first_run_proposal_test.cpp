// The first-run proposal (app/desktop/first_run_proposal) on the built-in catalog for the
// machines the issue names: each case states the machine and the pick a person would expect,
// worked out from the catalog's sizes (decode speed = bandwidth / weight bytes, >= 8 tokens/s).
#include <QtTest>

#include "app/desktop/first_run_proposal.h"
#include "app/desktop/memory_bandwidth.h"
#include "app/hub/model_catalog.h"

using namespace pagoda;

namespace {

constexpr qint64 kGiB = qint64(1) << 30;

// A machine without a GPU, as the welcome describes it: models may use what is free, but no
// more than the engine's default budget (60% of the memory).
ProposalMachine cpuMachine(qint64 totalGiB, double bandwidth) {
    ProposalMachine m;
    m.totalBytes = totalGiB * kGiB;
    m.engine.backend = Backend::Cpu;
    m.availableBytes = qint64(m.engine.memoryUtilization * double(m.totalBytes));
    m.bandwidth = bandwidth;
    return m;
}

}  // namespace

class FirstRunProposalTest : public QObject {
    Q_OBJECT

    std::vector<hub::CatalogEntry> m_picks;

    QString proposed(const Proposal& p) const {
        return p.index < 0 ? QString() : m_picks[size_t(p.index)].pullName(hub::HubKind::HuggingFace);
    }

    // The pick with the fewest weight bytes, found here by a plain scan.
    QString smallestPick() const {
        size_t smallest = 0;
        for (size_t i = 1; i < m_picks.size(); ++i)
            if (m_picks[i].shape.weightBytes < m_picks[smallest].shape.weightBytes) smallest = i;
        return m_picks[smallest].pullName(hub::HubKind::HuggingFace);
    }

private slots:
    void initTestCase() {
        auto catalog = hub::loadCatalog();
        QVERIFY2(catalog, catalog ? "" : catalog.error().message.c_str());
        m_picks = std::move(*catalog);
    }

    // The machine: 2 cores, 23 GiB, ~30 GB/s. Qwen3-8B Q4_K_M (5.0 GB) would decode at
    // 6 tokens/s; Qwen3-4B Q4_K_M (2.5 GB) at 12.
    void twentyThreeGiBTwoCoreMachineGetsQwen3FourBQ4() {
        const ProposalMachine machine = cpuMachine(23, 30e9);
        const Proposal p = proposeFirstModel(m_picks, machine);
        QCOMPARE(proposed(p), QString("Qwen/Qwen3-4B-GGUF:Q4_K_M"));
        QCOMPARE(p.reason, ProposalReason::FitsAndFast);
        QVERIFY(p.tokensPerSecond > 11.5 && p.tokensPerSecond < 12.5);
        const QString sentence = proposalSentence(m_picks, p, machine);
        QVERIFY2(sentence.contains("Qwen3 4B Q4_K_M (≈ 2.33 GiB)"), qPrintable(sentence));
        QVERIFY2(sentence.contains("about 12 tokens/s on this CPU"), qPrintable(sentence));
        QVERIFY2(sentence.contains("fits in the 13.8 GiB of memory available to models"), qPrintable(sentence));
    }

    // 8 GiB, dual-channel laptop memory (~40 GB/s): 4.8 GiB for models. Qwen3-4B Q4_K_M with an
    // 8K f32 KV cache (2.4 GB) no longer fits; Qwen2.5-3B (2 KV heads) does, at ~21 tokens/s.
    void eightGiBLaptopGetsQwen25ThreeBQ4() {
        const Proposal p = proposeFirstModel(m_picks, cpuMachine(8, 40e9));
        QCOMPARE(proposed(p), QString("Qwen/Qwen2.5-3B-Instruct-GGUF:Q4_K_M"));
        QCOMPARE(p.reason, ProposalReason::FitsAndFast);
        QVERIFY(p.tokensPerSecond > 20 && p.tokensPerSecond < 21.5);
    }

    // 64 GiB at ~80 GB/s: the 14B Q4_K_M picks (9.0 GB) reach 8.9 tokens/s. Qwen2.5-14B and
    // Qwen3-14B are the same size; the later, newer family is proposed. No 16-bit 14B (29.5 GB,
    // 2.7 tokens/s) qualifies.
    void sixtyFourGiBWorkstationGetsAFourteenBQ4() {
        const Proposal p = proposeFirstModel(m_picks, cpuMachine(64, 80e9));
        QCOMPARE(proposed(p), QString("Qwen/Qwen3-14B-GGUF:Q4_K_M"));
        QCOMPARE(p.reason, ProposalReason::FitsAndFast);
        QVERIFY(p.tokensPerSecond >= kMinTokensPerSecond);
    }

    // 5 GB/s: even the smallest file (about 1 GB: Qwen2.5-1.5B Q4_K_M or Qwen2.5-0.5B in bf16)
    // decodes at 5 tokens/s. The welcome says so and proposes the smallest, the fastest.
    void slowMemoryProposesTheSmallestAndSaysSo() {
        const ProposalMachine machine = cpuMachine(23, 5e9);
        const Proposal p = proposeFirstModel(m_picks, machine);
        QCOMPARE(proposed(p), smallestPick());
        QCOMPARE(p.reason, ProposalReason::NoneFastEnough);
        QVERIFY(p.tokensPerSecond < kMinTokensPerSecond);
        const QString sentence = proposalSentence(m_picks, p, machine);
        QVERIFY2(sentence.startsWith("No pick reaches 8 tokens/s on this CPU (it reads memory at about 5.0 GB/s)"),
                 qPrintable(sentence));
        QVERIFY2(sentence.contains(m_picks[size_t(p.index)].name), qPrintable(sentence));
    }

    // Unmeasured bandwidth counts as kFallbackBandwidth, not as infinitely fast.
    void unknownBandwidthIsTheCautiousDefault() {
        const Proposal unknown = proposeFirstModel(m_picks, cpuMachine(23, 0));
        const Proposal fallback = proposeFirstModel(m_picks, cpuMachine(23, kFallbackBandwidth));
        QCOMPARE(unknown.index, fallback.index);
        QCOMPARE(unknown.tokensPerSecond, fallback.tokensPerSecond);
    }

    // With a usable GPU the rule stays what it was, over the 16-bit picks (CUDA does not run
    // GGUF blocks): the largest that fits a 24 GiB card at 60% is Qwen3-4B in bf16.
    void gpuKeepsTheLargestSixteenBitPickThatFits() {
        ProposalMachine machine;
        machine.gpu = true;
        machine.engine.backend = Backend::Cuda;
        machine.totalBytes = 24 * kGiB;
        machine.availableBytes = qint64(0.6 * double(machine.totalBytes));
        machine.bandwidth = 1e9;  // the CPU's speed does not matter here
        const Proposal p = proposeFirstModel(m_picks, machine);
        QCOMPARE(p.reason, ProposalReason::Gpu);
        QCOMPARE(proposed(p), QString("Qwen/Qwen3-4B"));
        QVERIFY(proposalSentence(m_picks, p, machine).contains("NVIDIA GPU"));
        machine.totalBytes = 80 * kGiB;
        machine.availableBytes = 48 * kGiB;
        QCOMPARE(proposed(proposeFirstModel(m_picks, machine)), QString("Qwen/Qwen2.5-14B-Instruct"));
    }

    // Memory unknown or too small: nothing fits, the smallest pick is proposed with a warning.
    void nothingFitsProposesTheSmallest() {
        ProposalMachine machine = cpuMachine(1, 30e9);
        machine.availableBytes = 300 << 20;
        const Proposal p = proposeFirstModel(m_picks, machine);
        QCOMPARE(p.reason, ProposalReason::NoneFits);
        QCOMPARE(proposed(p), smallestPick());
        QVERIFY(proposalSentence(m_picks, p, machine).startsWith("Even the smallest pick"));
        QCOMPARE(proposeFirstModel({}, machine).index, -1);
        QVERIFY(proposalSentence({}, {}, machine).isEmpty());
    }

    // The probe measures something plausible for a computer built this century.
    void bandwidthMeasurementIsPlausible() {
        const double bandwidth = measureMemoryBandwidth(20);
        QVERIFY2(bandwidth > 1e8 && bandwidth < 1e13, qPrintable(QString::number(bandwidth)));
    }
};

QTEST_GUILESS_MAIN(FirstRunProposalTest)
#include "first_run_proposal_test.moc"
