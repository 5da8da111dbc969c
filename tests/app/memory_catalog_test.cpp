// The memory estimate against numbers worked out by hand, the built-in catalog, and the
// cache locations the library takes from the environment: the tests that need no model
// folders. Part of model_library_test (its main runs this class after the library's).
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include <algorithm>

#include "app/hub/memory_estimate.h"
#include "app/hub/model_catalog.h"
#include "app/hub/model_library.h"
#include "app/hub/model_paths.h"
#include "engine/model/model_config.h"
#include "tests/app/library_fixture.h"

using namespace pagoda;
using namespace pagoda::hub;

namespace {

// Qwen2.5-7B-Instruct's config.json: 28 layers, 4 KV heads of 128, hidden 3584,
// intermediate 18944, vocab 152064, 32768 positions; bf16 weights.
ModelShape qwen7b() { return {28, 4, 128, 3584, 18944, 152064, 2 * qint64(7615616512), 32768}; }

// One layer, one KV head of width 1, no activations: every byte is easy to count.
ModelShape toy() { return {1, 1, 1, 0, 0, 0, 0, 16}; }

// A Chinese summary must hold Chinese, not a copy of the English one.
bool hasHanCharacter(const QString& text) {
    return std::any_of(text.begin(), text.end(), [](QChar c) { return c.unicode() >= 0x4e00 && c.unicode() <= 0x9fff; });
}

}  // namespace

class MemoryCatalogAndLocationsTest : public QObject {
    Q_OBJECT

private slots:
    void memoryEstimateMatchesHandComputedNumbers() {
        const MemoryEstimate e = estimateMemory(qwen7b(), 4096, qint64(64) << 30);
        // K and V × 28 layers × 4 heads × 128 dims × 4 bytes (f32 CPU cache).
        QCOMPARE(e.kvBytesPerToken, qint64(114688));
        QCOMPARE(e.kvBytes, qint64(114688) * 4096);  // 469,762,048
        QCOMPARE(e.weightBytes, qint64(15231233024));
        // 256 MiB + f32 scratch for 2048 tokens × (5·3584 + 2·512 + 3·18944 = 75,776)
        // + 64 logits rows × (3584 + 152064): (155,189,248 + 9,961,472) × 4 = 660,602,880.
        QCOMPARE(e.overheadBytes, qint64(268435456) + qint64(660602880));
        QCOMPARE(e.totalBytes, qint64(16630033408));
        QCOMPARE(e.contextTokens, 4096);
        QCOMPARE(e.fit, Fit::Fits);  // 16.6 GB of 64 GiB

        QCOMPARE(estimateMemory(qwen7b(), 0, 0).contextTokens, 32768);       // 0: the model's maximum
        QCOMPARE(estimateMemory(qwen7b(), 100000, 0).contextTokens, 32768);  // clamped, as the engine does
        const MemoryEstimate odd = estimateMemory(qwen7b(), 1000, 0);
        QCOMPARE(odd.contextTokens, 1000);
        QCOMPARE(odd.kvBytes, qint64(1008) * 114688);  // whole 16-token blocks
        QCOMPARE(estimateMemory(qwen7b(), 4096, 0, 2).kvBytes, e.kvBytes / 2);  // a half-precision cache
    }

    void fitLabelThresholds() {
        // toy(): 16 tokens × 8 bytes of KV + 256 MiB + scratch for the k and v rows of
        // 2048 tokens (2 × 4 bytes each) = 128 + 268,435,456 + 16,384 = 268,451,968 bytes.
        const qint64 total = estimateMemory(toy(), 0, 1).totalBytes;
        QCOMPARE(total, qint64(268451968));
        const qint64 fitsAt = total / 4 * 5;  // total is 80% of this exactly
        QCOMPARE(estimateMemory(toy(), 0, fitsAt).fit, Fit::Fits);
        QCOMPARE(estimateMemory(toy(), 0, fitsAt - 1).fit, Fit::Tight);
        QCOMPARE(estimateMemory(toy(), 0, total).fit, Fit::Tight);
        QCOMPARE(estimateMemory(toy(), 0, total - 1).fit, Fit::WontFit);
        QCOMPARE(estimateMemory(toy(), 0, 0).fit, Fit::Unknown);
        QCOMPARE(fitLabel(Fit::Fits), QString("fits"));
        QCOMPARE(fitLabel(Fit::Tight), QString("tight"));
        QCOMPARE(fitLabel(Fit::WontFit), QString("won't fit"));
        QCOMPARE(fitLabel(Fit::Unknown), QString("unknown"));
    }

    void maxContextForInvertsTheEstimate() {
        const ModelShape shape = qwen7b();
        for (qint64 gib = 15; gib <= 24; ++gib) {
            for (const Fit worst : {Fit::Fits, Fit::Tight}) {
                const qint64 available = gib << 30;
                const int context = maxContextFor(shape, available, worst);
                const auto within = [&](int tokens) {
                    const Fit fit = estimateMemory(shape, tokens, available).fit;
                    return fit == Fit::Fits || (worst == Fit::Tight && fit == Fit::Tight);
                };
                if (context == 0) {
                    QVERIFY2(!within(kKvBlockTokens), qPrintable(QString("%1 GiB").arg(gib)));
                    continue;
                }
                QCOMPARE(context % kKvBlockTokens, 0);
                QVERIFY2(within(context), qPrintable(QString("%1 GiB: %2 tokens").arg(gib).arg(context)));
                QVERIFY(context == shape.maxContext || !within(context + kKvBlockTokens));
            }
        }
        // 16 GiB holds 7B's weights and overhead with room for some context, but not all of it.
        const int at16 = maxContextFor(shape, qint64(16) << 30);
        QVERIFY2(at16 > 0 && at16 < shape.maxContext, qPrintable(QString::number(at16)));
        QCOMPARE(maxContextFor(shape, qint64(1) << 40), shape.maxContext);
        QCOMPARE(maxContextFor(shape, qint64(8) << 30), 0);
        QCOMPARE(maxContextFor(shape, 0), shape.maxContext);  // unknown memory: no limit to show
    }

    void availableMemoryIsKnownOnLinux() {
        const qint64 available = availableMemoryBytes();
        QVERIFY(available > 0);
        QVERIFY(available <= qint64(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE));
    }

    void catalogLoadsFromResourcesAndEveryEntryIsComplete() {
        const auto catalog = loadCatalog();
        QVERIFY2(catalog, catalog ? "" : catalog.error().message.c_str());
        QStringList ids;
        for (const CatalogEntry& e : *catalog) {
            const QByteArray what = e.huggingFaceId.toUtf8();
            ids << e.huggingFaceId;
            QVERIFY2(validateModelId(e.huggingFaceId) && validateModelId(e.modelScopeId), what);
            QVERIFY2(!e.name.isEmpty() && !e.family.isEmpty() && !e.license.isEmpty(), what);
            QVERIFY2(!e.summary.isEmpty() && hasHanCharacter(e.summaryZh), what);
            const auto& supported = supportedArchitectures();
            QVERIFY2(std::find(supported.begin(), supported.end(), e.architecture.toStdString()) != supported.end(),
                     what);
            QVERIFY2(e.contextLength > 0 && e.contextLength == e.shape.maxContext, what);
            QVERIFY2(e.shape.numLayers > 0 && e.shape.numKvHeads > 0 && e.shape.headDim > 0, what);
            QVERIFY2(e.shape.hiddenSize > 0 && e.shape.intermediateSize > 0 && e.shape.vocabSize > 0, what);
            if (e.isGguf()) {
                // The file is the weights; Q4_K_M keeps 4.5-6.6 bits of each of them.
                QVERIFY2(e.shape.weightBytes == e.downloadBytes, what);
                QVERIFY2(e.downloadBytes > e.parameters * 9 / 16 && e.downloadBytes < e.parameters * 7 / 8, what);
                QVERIFY2(e.huggingFaceId.endsWith("-GGUF") && e.modelScopeId.endsWith("-GGUF"), what);
                // The welcome downloads a pick as its repository's default quant, Q4_K_M.
                QVERIFY2(e.quant == "Q4_K_M", what);
            } else {
                QVERIFY2(e.parameters > 0 && e.shape.weightBytes == 2 * e.parameters, what);  // bf16 checkpoints
                QVERIFY2(e.downloadBytes >= e.shape.weightBytes && !e.downloadBytesEstimated, what);
            }
        }
        const QStringList expected = {
            "Qwen/Qwen2.5-0.5B-Instruct", "Qwen/Qwen2.5-1.5B-Instruct", "Qwen/Qwen2.5-3B-Instruct",
            "Qwen/Qwen2.5-7B-Instruct",   "Qwen/Qwen2.5-14B-Instruct",  "Qwen/Qwen3-0.6B",
            "Qwen/Qwen3-1.7B",            "Qwen/Qwen3-4B",              "Qwen/Qwen3-8B",
            "Qwen/Qwen3-14B",             "zai-org/GLM-4-9B-0414",      "zai-org/glm-4-9b-chat-hf",
            "zai-org/glm-4-9b-chat",
            // The 4-bit picks, each after its 16-bit model so it wins a tie of sizes.
            "Qwen/Qwen2.5-1.5B-Instruct-GGUF", "Qwen/Qwen2.5-3B-Instruct-GGUF", "Qwen/Qwen2.5-7B-Instruct-GGUF",
            "Qwen/Qwen2.5-14B-Instruct-GGUF", "Qwen/Qwen3-1.7B-GGUF", "Qwen/Qwen3-4B-GGUF", "Qwen/Qwen3-8B-GGUF",
            "Qwen/Qwen3-14B-GGUF", "unsloth/GLM-4-9B-0414-GGUF"};
        QCOMPARE(ids, expected);

        const auto entry = [&](const QString& id) {
            return *std::find_if(catalog->begin(), catalog->end(), [&](const auto& e) { return e.huggingFaceId == id; });
        };
        QCOMPARE(entry("Qwen/Qwen2.5-3B-Instruct").license, QString("qwen-research"));
        QCOMPARE(entry("Qwen/Qwen2.5-7B-Instruct").shape.numKvHeads, 4);
        QCOMPARE(entry("zai-org/GLM-4-9B-0414").license, QString("mit"));
        QCOMPARE(entry("zai-org/GLM-4-9B-0414").modelScopeId, QString("ZhipuAI/GLM-4-9B-0414"));
        QCOMPARE(entry("zai-org/glm-4-9b-chat").architecture, QString("ChatGLMModel"));
        QCOMPARE(entry("zai-org/glm-4-9b-chat").license, QString("glm-4"));
        QCOMPARE(entry("zai-org/glm-4-9b-chat-hf").idOn(HubKind::ModelScope), QString("ZhipuAI/glm-4-9b-chat-hf"));

        // A GGUF pick is its base model's numbers with the quant's file as the weights.
        const CatalogEntry q8 = entry("Qwen/Qwen3-8B-GGUF");
        const CatalogEntry base = entry("Qwen/Qwen3-8B");
        QCOMPARE(q8.pullName(HubKind::HuggingFace), QString("Qwen/Qwen3-8B-GGUF:Q4_K_M"));
        QCOMPARE(q8.pullName(HubKind::ModelScope), QString("Qwen/Qwen3-8B-GGUF:Q4_K_M"));
        QCOMPARE(base.pullName(HubKind::HuggingFace), QString("Qwen/Qwen3-8B"));
        QCOMPARE(q8.parameters, base.parameters);
        QCOMPARE(q8.shape.numLayers, base.shape.numLayers);
        QCOMPARE(q8.contextLength, base.contextLength);
        QCOMPARE(q8.license, base.license);
        QVERIFY(q8.downloadBytesEstimated);
        // refresh_catalog.py --estimate, by llama.cpp's Q4_K_M rules: 36 layers, untied output.
        QCOMPARE(q8.downloadBytes, qint64(5027795392));
        QCOMPARE(entry("unsloth/GLM-4-9B-0414-GGUF").license, QString("mit"));
        QCOMPARE(entry("unsloth/GLM-4-9B-0414-GGUF").architecture, QString("Glm4ForCausalLM"));
    }

    void catalogErrorNamesEntryAndKey() {
        QTemporaryDir dir;
        const QString path = dir.filePath("catalog.json");
        test::writeBytes(path, "{\"models\": [{\"name\": \"Broken\", \"huggingFaceId\": \"not an id\"}]}");
        const auto broken = loadCatalog(path);
        QVERIFY(!broken);
        QCOMPARE(QString::fromStdString(broken.error().message),
                 path + ": models[0] (Broken): 'huggingFaceId' is 'not an id'; expected an owner/name model id");
        QVERIFY(!loadCatalog(dir.filePath("missing.json")));
        test::writeBytes(path, "{\"models\": []}");
        QVERIFY(!loadCatalog(path));
        // A GGUF pick takes its numbers from a 16-bit entry, which must be there.
        test::writeBytes(path, "{\"models\": [{\"name\": \"Q\", \"huggingFaceId\": \"a/b-GGUF\", \"modelScopeId\": "
                               "\"a/b-GGUF\", \"baseModel\": \"a/b\", \"quantization\": \"Q4_K_M\", \"downloadBytes\": 1}]}");
        const auto orphan = loadCatalog(path);
        QVERIFY(!orphan);
        QCOMPARE(QString::fromStdString(orphan.error().message),
                 path + ": models[0] (Q): 'baseModel' is 'a/b'; expected the huggingFaceId of a 16-bit entry listed "
                        "before it");
    }

    void fromEnvironmentFollowsTheHubsVariables() {
        const char* names[] = {"HF_HOME", "HF_HUB_CACHE", "MODELSCOPE_CACHE", "XDG_DATA_HOME", "XDG_CACHE_HOME"};
        QByteArray saved[5];
        for (int i = 0; i < 5; ++i) saved[i] = qgetenv(names[i]);
        qputenv("XDG_DATA_HOME", "/somewhere/data");
        qputenv("XDG_CACHE_HOME", "/somewhere/cache");
        qunsetenv("HF_HUB_CACHE");
        qunsetenv("HUGGINGFACE_HUB_CACHE");
        qputenv("HF_HOME", "/somewhere/hf-home");
        qputenv("MODELSCOPE_CACHE", "/somewhere/ms");
        LibraryLocations l = LibraryLocations::fromEnvironment();
        QCOMPARE(l.huggingFaceCache, QString("/somewhere/hf-home/hub"));
        QCOMPARE(l.modelScopeCache, QString("/somewhere/ms"));
        QCOMPARE(l.pagodaRoot, modelsRoot());
        QCOMPARE(l.pagodaRoot, QString("/somewhere/data/pagoda/models"));
        QCOMPARE(l.importsFile, QString("/somewhere/data/pagoda/imported-models.json"));

        qputenv("HF_HUB_CACHE", "/explicit/hub");
        QCOMPARE(LibraryLocations::fromEnvironment().huggingFaceCache, QString("/explicit/hub"));
        qunsetenv("HF_HUB_CACHE");
        qunsetenv("HF_HOME");
        QCOMPARE(LibraryLocations::fromEnvironment().huggingFaceCache, QString("/somewhere/cache/huggingface/hub"));
        qunsetenv("MODELSCOPE_CACHE");
        QCOMPARE(LibraryLocations::fromEnvironment().modelScopeCache, QDir::homePath() + "/.cache/modelscope/hub");

        for (int i = 0; i < 5; ++i)
            saved[i].isEmpty() ? qunsetenv(names[i]) : qputenv(names[i], saved[i]);
    }
};

int runMemoryAndCatalogTests(int argc, char** argv) {
    MemoryCatalogAndLocationsTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "memory_catalog_test.moc"
