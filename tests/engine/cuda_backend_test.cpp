// The CUDA backend's host side, on machines without a GPU: the driver probe and the
// engine's fallback to the CPU (against fake libcuda.so.1 variants), and the executor's pure
// arithmetic (graph sizes, step metadata, fused weights, KV blocks from memory numbers).
#include <QtTest>

#include <cstring>
#include <vector>

#include "engine/engine_factory.h"
#include "engine/executor/cuda/cuda_plan.h"
#include "engine/executor/cuda/cuda_probe.h"
#include "tests/support/model_fixture.h"

using namespace pagoda;
using namespace pagoda::cuda;

namespace {

std::string fakeDriver(const char* variant) { return std::string(PAGODA_FAKE_CUDA_DIR) + "/" + variant + "/libcuda.so.1"; }

bool startsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

ModelConfig smallConfig() {
    ModelConfig c;
    c.hiddenSize = 256;
    c.intermediateSize = 512;
    c.numLayers = 2;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.headDim = 64;
    c.vocabSize = 1000;
    c.maxPositionEmbeddings = 32768;
    return c;
}

constexpr size_t kGiB = size_t(1) << 30;

EngineOptions fixtureOptions(ExecutorBackend backend) {
    EngineOptions options;
    options.modelDir = test::modelFixturesDir() / "qwen3-f32";
    options.kvCacheMemoryBytes = size_t(8) << 20;
    options.backend = backend;
    options.threads = 1;
    return options;
}

}  // namespace

class CudaBackendTest : public QObject {
    Q_OBJECT

private slots:
    void probeWithoutDriverSaysNoNvidiaDriver() {
        const CudaProbe probe = probeCudaDriver();
        if (probe.usable) QSKIP("this machine has a working NVIDIA driver");
        if (!startsWith(probe.reason, "no NVIDIA driver")) QSKIP(qPrintable(QString::fromStdString(probe.reason)));
        QVERIFY(!probe.usable);
        const CudaProbe missing = probeCudaDriver(fakeDriver("absent"));
        QVERIFY2(startsWith(missing.reason, "no NVIDIA driver"), missing.reason.c_str());
    }

    void probeNamesEachFakeDriversProblem() {
        const CudaProbe old = probeCudaDriver(fakeDriver("old"), 13000);
        QVERIFY(!old.usable);
        QVERIFY2(startsWith(old.reason, "driver too old"), old.reason.c_str());
        QVERIFY2(old.reason.find("12.4") != std::string::npos && old.reason.find("13.0") != std::string::npos,
                 old.reason.c_str());
        QCOMPARE(old.driverVersion, 12040);

        const CudaProbe noDevice = probeCudaDriver(fakeDriver("nodevice"), 13000);
        QVERIFY2(startsWith(noDevice.reason, "no CUDA device"), noDevice.reason.c_str());
        const CudaProbe noInit = probeCudaDriver(fakeDriver("noinit"), 13000);
        QVERIFY2(startsWith(noInit.reason, "no CUDA device"), noInit.reason.c_str());

        const CudaProbe usable = probeCudaDriver(fakeDriver("usable"), 13000);
        QVERIFY2(usable.usable, usable.reason.c_str());
        QCOMPARE(usable.deviceCount, 1);
        QCOMPARE(usable.deviceName, std::string("Fake RTX 24GB"));
        QCOMPARE(usable.deviceMemoryBytes, 24ll << 30);
    }

    void engineFallsBackToCpuWithTheReason() {
        auto cpu = loadEngine(fixtureOptions(ExecutorBackend::Cpu));
        QVERIFY2(cpu, cpu ? "" : cpu.error().message.c_str());
        QVERIFY(cpu->backend == ExecutorBackend::Cpu);
        QVERIFY(cpu->backendNote.empty());

        auto autoChoice = loadEngine(fixtureOptions(ExecutorBackend::Auto));
        QVERIFY(autoChoice);
        QVERIFY(autoChoice->backend == ExecutorBackend::Cpu);
        QVERIFY(autoChoice->engine);
        auto forced = loadEngine(fixtureOptions(ExecutorBackend::Cuda));
        QVERIFY(forced);
        QVERIFY(forced->backend == ExecutorBackend::Cpu);
#ifdef PAGODA_HAS_CUDA
        if (probeCudaDriver().usable) QSKIP("this machine has a working NVIDIA driver");
        // Auto without any NVIDIA driver is the ordinary CPU machine: no note. Asking for CUDA
        // explicitly gets the reason.
        QVERIFY2(autoChoice->backendNote.empty(), autoChoice->backendNote.c_str());
        QVERIFY2(forced->backendNote.find("(no NVIDIA driver") != std::string::npos, forced->backendNote.c_str());
#else
        // A build without CUDA: on a machine with no driver, Auto is the ordinary CPU case
        // again; where a driver answers (a fake here), Auto says what the build lacks, and so
        // does asking for CUDA anywhere.
        if (probeCudaDriver().reason.rfind("no NVIDIA driver", 0) == 0)
            QVERIFY2(autoChoice->backendNote.empty(), autoChoice->backendNote.c_str());
        EngineOptions withDriver = fixtureOptions(ExecutorBackend::Auto);
        withDriver.cudaDriverLibrary = fakeDriver("usable");
        auto told = loadEngine(withDriver);
        QVERIFY(told);
        QVERIFY(told->backend == ExecutorBackend::Cpu);
        QVERIFY2(told->backendNote.find("was not built") != std::string::npos, told->backendNote.c_str());
        QVERIFY2(forced->backendNote.find("was not built") != std::string::npos, forced->backendNote.c_str());
#endif
        QVERIFY2(forced->backendNote.find("running on the CPU") != std::string::npos, forced->backendNote.c_str());
    }

    void engineNamesFakeDriversProblems() {
#ifndef PAGODA_HAS_CUDA
        QSKIP("built without CUDA");
#else
        const std::pair<const char*, const char*> cases[] = {
            {"old", "driver too old"}, {"nodevice", "no CUDA device"}, {"noinit", "no CUDA device"}};
        for (const auto& [variant, reason] : cases) {
            EngineOptions options = fixtureOptions(ExecutorBackend::Cuda);
            options.cudaDriverLibrary = fakeDriver(variant);
            auto loaded = loadEngine(options);
            QVERIFY(loaded);
            QVERIFY(loaded->backend == ExecutorBackend::Cpu);
            QVERIFY2(loaded->backendNote.find(reason) != std::string::npos, loaded->backendNote.c_str());
        }
        // A driver that looks usable gets as far as the module: without it the reason says so;
        // with it the CUDA runtime itself fails here (the fake is not a driver) and says which call.
        EngineOptions options = fixtureOptions(ExecutorBackend::Cuda);
        options.cudaDriverLibrary = fakeDriver("usable");
        options.cudaModuleDirectory = PAGODA_CUDA_MODULE_DIR;
        auto loaded = loadEngine(options);
        QVERIFY(loaded);
        QVERIFY(loaded->backend == ExecutorBackend::Cpu);
#ifdef PAGODA_CUDA_MODULE_BUILT
        QVERIFY2(loaded->backendNote.find("was not built") == std::string::npos, loaded->backendNote.c_str());
        QVERIFY2(loaded->backendNote.find("cuda") != std::string::npos, loaded->backendNote.c_str());
#else
        QVERIFY2(loaded->backendNote.find("the CUDA backend was not built") != std::string::npos,
                 loaded->backendNote.c_str());
#endif
#endif
    }

    void backendNamesRoundTrip() {
        for (auto backend : {ExecutorBackend::Auto, ExecutorBackend::Cpu, ExecutorBackend::Cuda})
            QVERIFY(parseExecutorBackend(executorBackendName(backend)) == backend);
        QVERIFY(!parseExecutorBackend("gpu"));
    }

    void decodeGraphsArePowersOfTwoUpToMaxNumSeqs() {
        QCOMPARE(graphBatchSizes(1), std::vector<int>({1}));
        QCOMPARE(graphBatchSizes(48), std::vector<int>({1, 2, 4, 8, 16, 32, 64}));
        QCOMPARE(graphBatchSizes(64), std::vector<int>({1, 2, 4, 8, 16, 32, 64}));
        QCOMPARE(graphBatchSizes(5000).back(), kMaxGraphBatch);
        const std::vector<int> sizes = graphBatchSizes(48);
        QCOMPARE(graphBatchFor(1, sizes), 1);
        QCOMPARE(graphBatchFor(3, sizes), 4);
        QCOMPARE(graphBatchFor(48, sizes), 64);
        QCOMPARE(graphBatchFor(65, sizes), 0);
    }

    void stepBuffersHoldPaddedGraphBatches() {
        const StepLimits limits = stepLimits(2048, 48, 4097, 16);
        QCOMPARE(limits.maxSeqs, 64);
        QCOMPARE(limits.maxTokens, 2048);
        QCOMPARE(limits.maxBlocksPerSeq, 257);
        QCOMPARE(limits.maxLogitRows, 64);
        QCOMPARE(stepLimits(16, 48, 16, 16).maxTokens, 64);

        const StepMetadataLayout layout = stepMetadataLayout(limits);
        const size_t offsets[] = {layout.tokenIds, layout.positions, layout.slotMapping, layout.blockTables,
                                  layout.contextLens, layout.querySeqStart, layout.logitsIndices, layout.totalBytes};
        for (size_t i = 0; i + 1 < std::size(offsets); ++i) QVERIFY(offsets[i] < offsets[i + 1]);
        for (size_t offset : offsets) QCOMPARE(offset % 256, size_t(0));
        QVERIFY(layout.positions - layout.tokenIds >= 2048 * 4);
        QVERIFY(layout.blockTables - layout.slotMapping >= 2048 * 8);
        QVERIFY(layout.contextLens - layout.blockTables >= 64 * 257 * 4);
        QVERIFY(layout.totalBytes - layout.logitsIndices >= 2048 * 4);

        const ActivationSizes sizes = activationSizes(smallConfig(), limits);
        QCOMPARE(sizes.qkv, size_t(2048) * (256 + 2 * 128));
        QCOMPARE(sizes.logits, size_t(64) * 1000);
    }

    void decodeStepIsPaddedForItsGraph() {
        const StepLimits limits = stepLimits(64, 8, 64, 16);
        const StepMetadataLayout layout = stepMetadataLayout(limits);
        BatchBuilder builder(16);
        const std::vector<int32_t> tableA{3, 7}, tableB{5};
        builder.addSequence(std::vector<int32_t>{11}, 20, tableA, LogitsFor::Last);
        builder.addSequence(std::vector<int32_t>{12}, 4, tableB, LogitsFor::Last);
        builder.addSequence(std::vector<int32_t>{13}, 0, tableB, LogitsFor::None);
        const Batch batch = builder.build();
        std::vector<std::byte> host(layout.totalBytes, std::byte{0x7f});
        QVERIFY(packStepMetadata(batch, limits, layout, 4, host.data()));
        auto ints = [&](size_t offset) { return reinterpret_cast<const int32_t*>(host.data() + offset); };
        const auto* slotValues = reinterpret_cast<const int64_t*>(host.data() + layout.slotMapping);
        QCOMPARE(ints(layout.tokenIds)[2], 13);
        QCOMPARE(ints(layout.tokenIds)[3], 0);
        QCOMPARE(slotValues[0], int64_t(7 * 16 + 4));
        QCOMPARE(slotValues[3], int64_t(-1));
        QCOMPARE(ints(layout.contextLens)[0], 21);
        QCOMPARE(ints(layout.contextLens)[3], 1);
        const int32_t* starts = ints(layout.querySeqStart);
        QCOMPARE(std::vector<int32_t>(starts, starts + 5), std::vector<int32_t>({0, 1, 2, 3, 4}));
        // Re-strided to maxBlocksPerSeq (4); the -1 padding of the batch becomes block 0.
        const int32_t* tables = ints(layout.blockTables);
        QCOMPARE(std::vector<int32_t>(tables, tables + 8), std::vector<int32_t>({3, 7, 0, 0, 5, 0, 0, 0}));
        QCOMPARE(std::vector<int32_t>(tables + 12, tables + 16), std::vector<int32_t>({0, 0, 0, 0}));
        const int32_t* logits = ints(layout.logitsIndices);
        QCOMPARE(std::vector<int32_t>(logits, logits + 4), std::vector<int32_t>({0, 1, 0, 0}));
    }

    void prefillIsNeverPaddedAndOversizedStepsAreRefused() {
        const StepLimits limits = stepLimits(32, 2, 64, 16);
        const StepMetadataLayout layout = stepMetadataLayout(limits);
        std::vector<std::byte> host(layout.totalBytes);
        BatchBuilder prefill(16);
        const std::vector<int32_t> table{0, 1};
        prefill.addSequence(std::vector<int32_t>(20, 1), 0, table, LogitsFor::Last);
        const Batch batch = prefill.build();
        QVERIFY(packStepMetadata(batch, limits, layout, 0, host.data()));
        QVERIFY(!packStepMetadata(batch, limits, layout, 2, host.data()));
        BatchBuilder big(16);
        big.addSequence(std::vector<int32_t>(40, 1), 0, std::vector<int32_t>{0, 1, 2}, LogitsFor::Last);
        auto refused = packStepMetadata(big.build(), limits, layout, 0, host.data());
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find("exceeds the CUDA buffers") != std::string::npos,
                 refused.error().message.c_str());
    }

    void fusedWeightsConcatenateRows() {
        const char data[1] = {};
        const TensorView q{data, DType::BF16, 256, 256}, k{data, DType::BF16, 128, 256}, v{data, DType::BF16, 128, 256};
        auto fused = fuseRows(std::vector<TensorView>{q, k, v}, "q/k/v");
        QVERIFY(fused);
        QCOMPARE(fused->offsets, std::vector<int64_t>({0, 256, 384}));
        QCOMPARE(fused->rows, int64_t(512));
        QCOMPARE(fused->cols, int64_t(256));
        const TensorView f16{data, DType::F16, 128, 256}, narrow{data, DType::BF16, 128, 128};
        const TensorView int8{data, DType::I8, 128, 256}, missing;
        QVERIFY(!fuseRows(std::vector<TensorView>{q, f16}, "q/k"));
        QVERIFY(!fuseRows(std::vector<TensorView>{q, narrow}, "q/k"));
        auto quantized = fuseRows(std::vector<TensorView>{int8}, "down");
        QVERIFY(!quantized);
        QVERIFY(quantized.error().message.find("quantized") != std::string::npos);
        QVERIFY(!fuseRows(std::vector<TensorView>{q, missing}, "q/k"));
    }

    void kvBlocksComeFromUtilizationMinusWhatIsUsed() {
        const ModelConfig c = smallConfig();
        // bytes per block: 2 (K,V) x 2 layers x 16 tokens x 2 kv heads x 64 x 2 bytes = 16 KiB.
        GpuKvRequest request;
        request.utilization = 0.9;
        request.maxNumSeqs = 1 << 20;  // no cap from max_num_seqs here
        request.marginBytes = size_t(256) << 20;
        const GpuMemory memory{24 * kGiB, 20 * kGiB, 1 * kGiB};
        auto sizing = sizeGpuKvCache(c, memory, request);
        QVERIFY(sizing);
        QCOMPARE(sizing->bytesPerBlock, size_t(16384));
        const double budget = 0.9 * 24 * double(kGiB) - 4.0 * double(kGiB) - 1.0 * double(kGiB) - double(256 << 20);
        QCOMPARE(sizing->numBlocks, int(size_t(budget) / 16384));
        QCOMPARE(sizing->maxModelLen, 32768);
        QVERIFY(sizing->note.empty());

        // Never more than is free, whatever the utilization says.
        request.utilization = 1.0;
        auto capped = sizeGpuKvCache(c, GpuMemory{24 * kGiB, 2 * kGiB, 0}, request);
        QVERIFY(capped);
        QCOMPARE(capped->numBlocks, int((2 * kGiB - (size_t(256) << 20)) / 16384));

        // The pool stops at what max_num_seqs full-length sequences use.
        request.maxNumSeqs = 4;
        auto useful = sizeGpuKvCache(c, memory, request);
        QVERIFY(useful);
        QCOMPARE(useful->numBlocks, 4 * 32768 / 16);
    }

    void tightMemoryLowersMaxModelLenAndNoRoomIsOutOfMemory() {
        const ModelConfig c = smallConfig();
        GpuKvRequest request;
        request.utilization = 0.5;
        request.maxNumSeqs = 16;
        const size_t used = 1 * kGiB;
        // 0.5 x (1 GiB + 1 MiB + 64 blocks) leaves room for 32 blocks after the used GiB... at
        // total = 2 x (used + 64 blocks): budget = 64 blocks = 1024 tokens.
        const size_t total = 2 * (used + 64 * 16384);
        auto tight = sizeGpuKvCache(c, GpuMemory{total, total - used, 0}, request);
        QVERIFY(tight);
        QCOMPARE(tight->numBlocks, 64);
        QCOMPARE(tight->maxModelLen, 1024);
        QVERIFY2(tight->note.find("--gpu-memory-utilization") != std::string::npos, tight->note.c_str());

        request.utilization = 0.3;
        auto none = sizeGpuKvCache(c, GpuMemory{total, total - used, 0}, request);
        QVERIFY(!none);
        QVERIFY2(startsWith(none.error().message, "out of memory"), none.error().message.c_str());
        QVERIFY(kvMarginBytes(24 * kGiB) > (size_t(256) << 20));
        QCOMPARE(kvMarginBytes(4 * kGiB), size_t(256) << 20);
    }
};

QTEST_APPLESS_MAIN(CudaBackendTest)
#include "cuda_backend_test.moc"
