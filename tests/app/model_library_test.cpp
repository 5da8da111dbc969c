// ModelLibrary against folders laid out as Pagoda, huggingface_hub and both ModelScope
// SDKs lay them out, built in a temporary directory from the tiny model fixtures.
// The memory estimate, catalog and environment tests are in memory_catalog_test.cpp (same executable).
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <filesystem>
#include <memory>

#include "app/hub/download_manifest.h"
#include "app/hub/model_library.h"
#include "app/hub/model_paths.h"
#include "tests/app/library_fixture.h"

using namespace pagoda;
using namespace pagoda::hub;
using namespace pagoda::test;

int runMemoryAndCatalogTests(int argc, char** argv);

namespace {

const LocalModel* byId(const std::vector<LocalModel>& models, const QString& id) {
    for (const LocalModel& m : models)
        if (m.id == id) return &m;
    return nullptr;
}

QString readText(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

qint64 fileSizes(const QString& folder, const QStringList& names) {
    qint64 total = 0;
    for (const QString& name : names) total += QFileInfo(folder + "/" + name).size();
    return total;
}

}  // namespace

class ModelLibraryTest : public QObject {
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    LibraryLocations m_at;

    ModelLibrary library() const { return ModelLibrary(m_at); }

private slots:
    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_at = locationsUnder(m_dir->path());
    }

    void scanFindsPagodaModelWithArchitectureParametersAndDtype() {
        const QString sharded = makePagodaModel(m_at.pagodaRoot, HubKind::HuggingFace, "Qwen/Tiny-Qwen3", kShardedBf16);
        makePagodaModel(m_at.pagodaRoot, HubKind::ModelScope, "Qwen/Tiny-Qwen2", kSingleF32);
        makePagodaModel(m_at.pagodaRoot, HubKind::HuggingFace, "meta/Tiny-Llama", kSingleF16);
        const auto models = library().scan();
        QCOMPARE(models.size(), size_t(3));

        const LocalModel* m = byId(models, "Qwen/Tiny-Qwen3");
        QVERIFY(m);
        QCOMPARE(m->status, ModelStatus::Ready);
        QVERIFY2(m->problem.isEmpty(), qPrintable(m->problem));
        QCOMPARE(m->source, ModelSource::Pagoda);
        QCOMPARE(m->hub, std::optional(HubKind::HuggingFace));
        QCOMPARE(m->folder, sharded);
        QCOMPARE(m->revision, QString("main"));
        QCOMPARE(m->architecture, QString("Qwen3ForCausalLM"));
        QCOMPARE(m->parameters, headerElementCount(sharded));
        QCOMPARE(m->dtype, QString("BF16"));
        QCOMPARE(m->contextLength, 2048);  // max_position_embeddings in its config.json
        QCOMPARE(m->sizeOnDisk, fileSizes(sharded, fixtureModelFiles(kShardedBf16)));  // not the manifest
        QCOMPARE(m->shape.numLayers, 2);
        QCOMPARE(m->shape.numKvHeads, 1);
        QCOMPARE(m->shape.headDim, 16);
        QCOMPARE(m->shape.weightBytes, headerDataBytes(sharded));
        QVERIFY(!m->readOnly);

        QCOMPARE(byId(models, "Qwen/Tiny-Qwen2")->dtype, QString("F32"));
        QCOMPARE(byId(models, "Qwen/Tiny-Qwen2")->hub, std::optional(HubKind::ModelScope));
        QCOMPARE(byId(models, "meta/Tiny-Llama")->dtype, QString("F16"));
        QCOMPARE(byId(models, "meta/Tiny-Llama")->status, ModelStatus::Ready);
    }

    void incompleteDownloadIsNotReady() {
        const QString folder = makePagodaModel(m_at.pagodaRoot, HubKind::HuggingFace, "Qwen/Tiny", kShardedBf16, false);
        const QString shard = folder + "/model-00002-of-00003.safetensors";
        QVERIFY(QFile::rename(shard, shard + ".incomplete"));
        const auto models = library().scan();
        QCOMPARE(models.size(), size_t(1));
        QCOMPARE(models[0].status, ModelStatus::Incomplete);
        QVERIFY2(models[0].problem.startsWith("download not finished (5 of 6 files)"), qPrintable(models[0].problem));
    }

    void manifestWithMissingShardIsIncomplete() {
        const QString folder = makePagodaModel(m_at.pagodaRoot, HubKind::HuggingFace, "Qwen/Tiny", kShardedBf16);
        QVERIFY(QFile::remove(folder + "/model-00003-of-00003.safetensors"));
        auto models = library().scan();
        QCOMPARE(models[0].status, ModelStatus::Incomplete);
        QVERIFY2(models[0].problem.startsWith("model-00003-of-00003.safetensors is missing"),
                 qPrintable(models[0].problem));

        writeBytes(folder + "/model-00003-of-00003.safetensors", "short");
        models = library().scan();
        QCOMPARE(models[0].status, ModelStatus::Incomplete);
        QVERIFY2(models[0].problem.contains("is 5 bytes; the manifest expects 99296"), qPrintable(models[0].problem));
    }

    void pagodaFolderWithoutManifestIsInvalid() {
        copyModelFiles(kSingleF32, m_at.pagodaRoot + "/huggingface/Qwen/Copied");
        QDir().mkpath(m_at.pagodaRoot + "/huggingface/Qwen/EmptyNotAModel");
        const auto models = library().scan();
        QCOMPARE(models.size(), size_t(1));
        QCOMPARE(models[0].status, ModelStatus::Invalid);
        QVERIFY2(models[0].problem.startsWith("not downloaded by Pagoda: no .pagoda-manifest.json"),
                 qPrintable(models[0].problem));
    }

    void huggingFaceCacheSnapshotIsFoundReadOnly() {
        const QString old = makeHuggingFaceCacheModel(m_at.huggingFaceCache, "Qwen/Tiny-Qwen2", kSingleF32,
                                                      "1111111111111111111111111111111111111111");
        const QString current = makeHuggingFaceCacheModel(m_at.huggingFaceCache, "Qwen/Tiny-Qwen2", kSingleF32);
        QVERIFY(QFileInfo(current + "/config.json").isSymLink());
        QVERIFY(QFileInfo(current + "/model.safetensors").symLinkTarget().contains("/blobs/"));
        QDir().mkpath(m_at.huggingFaceCache + "/datasets--someone--data/snapshots/abc");  // not a model
        // The older snapshot is newer on disk: refs/main, not the timestamp, must decide.
        std::filesystem::last_write_time(old.toStdString(),
                                         std::filesystem::file_time_type::clock::now() + std::chrono::hours(24));

        const auto models = library().scan();
        QCOMPARE(models.size(), size_t(1));
        const LocalModel& m = models[0];
        QCOMPARE(m.id, QString("Qwen/Tiny-Qwen2"));
        QCOMPARE(m.source, ModelSource::HuggingFaceCache);
        QCOMPARE(m.hub, std::optional(HubKind::HuggingFace));
        QCOMPARE(m.folder, current);
        QCOMPARE(m.revision, QString("0123456789abcdef0123456789abcdef01234567"));
        QVERIFY(m.readOnly);
        QCOMPARE(m.status, ModelStatus::Ready);
        QCOMPARE(m.architecture, QString("Qwen2ForCausalLM"));
        QCOMPARE(m.sizeOnDisk, fileSizes(current, fixtureModelFiles(kSingleF32)));  // the blobs, not the links
    }

    void danglingSymlinkInCacheIsIncomplete() {
        const QString snapshot = makeHuggingFaceCacheModel(m_at.huggingFaceCache, "Qwen/Tiny", kShardedBf16);
        QVERIFY(QFile::remove(blobOf(snapshot + "/model-00002-of-00003.safetensors")));
        auto models = library().scan();
        QCOMPARE(models[0].status, ModelStatus::Incomplete);
        QVERIFY2(models[0].problem.startsWith("model-00002-of-00003.safetensors in ") &&
                     models[0].problem.contains("points to a file that does not exist"),
                 qPrintable(models[0].problem));

        // A shard the index lists that was never linked into the snapshot.
        QVERIFY(QFile::remove(snapshot + "/model-00002-of-00003.safetensors"));
        models = library().scan();
        QCOMPARE(models[0].status, ModelStatus::Incomplete);
        QVERIFY2(models[0].problem.startsWith("model-00002-of-00003.safetensors is missing (listed in "
                                              "model.safetensors.index.json)"),
                 qPrintable(models[0].problem));
    }

    void modelScopeOldAndNewLayouts() {
        makeModelScopeOldModel(m_at.modelScopeCache + "/models", "Qwen", "Qwen2___5-0___5B-Instruct", kSingleF32);
        makeModelScopeOldModel(m_at.modelScopeCache, "ZhipuAI", "glm-4-9b-chat", kChatGlm);  // oldest: no models/
        const QString snapshot = makeModelScopeNewModel(m_at.modelScopeCache, "Qwen/Qwen3-0.6B", "master", kShardedBf16);
        QDir().mkpath(m_at.modelScopeCache + "/._____temp/Qwen/Qwen3-0.6B");
        QDir().mkpath(m_at.modelScopeCache + "/.lock");

        const auto models = library().scan();
        QCOMPARE(models.size(), size_t(3));
        for (const LocalModel& m : models) {
            QCOMPARE(m.source, ModelSource::ModelScopeCache);
            QCOMPARE(m.hub, std::optional(HubKind::ModelScope));
            QVERIFY(m.readOnly);
            QVERIFY2(m.status == ModelStatus::Ready, qPrintable(m.id + ": " + m.problem));
        }
        QVERIFY(byId(models, "Qwen/Qwen2.5-0.5B-Instruct"));
        QCOMPARE(byId(models, "ZhipuAI/glm-4-9b-chat")->architecture, QString("ChatGLMModel"));
        const LocalModel* fresh = byId(models, "Qwen/Qwen3-0.6B");
        QVERIFY(fresh);
        QCOMPARE(fresh->folder, snapshot);
        QCOMPARE(fresh->revision, QString("master"));
    }

    void unsupportedArchitectureIsLabelled() {
        const QString folder = makePagodaModel(m_at.pagodaRoot, HubKind::HuggingFace, "mistralai/Tiny", kSingleF32);
        setArchitectures(folder, {"MistralForCausalLM"});
        const QString binOnly = m_at.huggingFaceCache + "/models--old--bin/snapshots/c";
        copyModelFiles(kSingleF32, binOnly);
        QVERIFY(QFile::rename(binOnly + "/model.safetensors", binOnly + "/pytorch_model.bin"));

        const auto models = library().scan();
        const LocalModel* mistral = byId(models, "mistralai/Tiny");
        QCOMPARE(mistral->status, ModelStatus::Unsupported);
        QCOMPARE(mistral->architecture, QString("MistralForCausalLM"));
        QVERIFY2(mistral->problem.contains("architecture 'MistralForCausalLM' is not supported") &&
                     mistral->problem.contains("Qwen2ForCausalLM"),
                 qPrintable(mistral->problem));
        const LocalModel* bin = byId(models, "old/bin");
        QCOMPARE(bin->status, ModelStatus::Unsupported);
        QVERIFY2(bin->problem.contains("reads safetensors only"), qPrintable(bin->problem));
    }

    void garbageFoldersDoNotCrash() {
        const QString hf = m_at.huggingFaceCache;
        writeBytes(hf + "/models--bad--json/snapshots/a/config.json", "{ not json");
        copyModelFiles(kSingleF32, hf + "/models--no--arch/snapshots/a");
        setArchitectures(hf + "/models--no--arch/snapshots/a", {});
        copyModelFiles(kSingleF32, hf + "/models--empty--weights/snapshots/a");
        writeBytes(hf + "/models--empty--weights/snapshots/a/model.safetensors", {});
        const QString loop = hf + "/models--link--loop/snapshots/a";
        copyModelFiles(kSingleF32, loop);
        QFile::remove(loop + "/model.safetensors");
        QVERIFY(QFile::link("model.safetensors.2", loop + "/model.safetensors"));
        QVERIFY(QFile::link("model.safetensors", loop + "/model.safetensors.2"));
        QVERIFY(QFile::link(".", loop + "/self"));
        QDir().mkpath(hf + "/models--no-separator/snapshots/a");
        QDir().mkpath(hf + "/models--no--config/snapshots/a");
        writeBytes(hf + "/models--bad--ref/refs/main", "../../../../etc");
        writeBytes(hf + "/models--x--y", "a file where a folder belongs");
        QDir().mkpath(m_at.modelScopeCache + "/models");
        QVERIFY(QFile::link(m_at.modelScopeCache, m_at.modelScopeCache + "/models/loop"));
        writeBytes(m_at.importsFile, "[broken");
        writeBytes(m_at.pagodaRoot + "/huggingface/Qwen/Bad/.pagoda-manifest.json", "{}");

        const auto models = library().scan();
        QCOMPARE(models.size(), size_t(5));
        QVERIFY(byId(models, "bad/json")->problem.contains("not valid JSON"));
        QCOMPARE(byId(models, "bad/json")->status, ModelStatus::Invalid);
        QVERIFY(byId(models, "no/arch")->problem.contains("missing 'architectures'"));
        QCOMPARE(byId(models, "empty/weights")->status, ModelStatus::Invalid);
        QCOMPARE(byId(models, "link/loop")->status, ModelStatus::Incomplete);
        QCOMPARE(byId(models, "Qwen/Bad")->status, ModelStatus::Invalid);
        QVERIFY(!library().find("no/config"));
        QVERIFY(!library().importFolder(m_dir->path() + "/nowhere"));
    }

    void findByIdIsCaseInsensitiveAndPrefersReady() {
        const QString pagoda = makePagodaModel(m_at.pagodaRoot, HubKind::HuggingFace, "Qwen/Qwen3-0.6B", kShardedBf16,
                                               false);
        const QString cached = makeHuggingFaceCacheModel(m_at.huggingFaceCache, "Qwen/Qwen3-0.6B", kShardedBf16);
        const QString ms = makeModelScopeNewModel(m_at.modelScopeCache, "Qwen/Qwen3-0.6B", "master", kShardedBf16);

        auto found = library().find("qwen/QWEN3-0.6b");
        QVERIFY(found);
        QCOMPARE(found->folder, cached);  // the ready cache copy beats our unfinished download

        auto manifest = readManifest(pagoda);  // the download finishes
        manifest->complete = true;
        QVERIFY(writeManifest(pagoda, *manifest));
        QCOMPARE(library().find("Qwen/Qwen3-0.6B")->folder, pagoda);  // both ready: ours first
        QCOMPARE(library().find("modelscope:qwen/qwen3-0.6b")->folder, ms);
        QCOMPARE(library().find("ms:Qwen/Qwen3-0.6B")->source, ModelSource::ModelScopeCache);
        QCOMPARE(library().find(cached)->source, ModelSource::HuggingFaceCache);  // a path
        QVERIFY(!library().find("Qwen/Qwen3-0.7B"));
        QVERIFY(!library().find("gitlab:Qwen/Qwen3-0.6B"));
        QVERIFY(!library().find(""));

        const QString loose = m_dir->path() + "/elsewhere/my-model";
        copyModelFiles(kSingleF32, loose);
        const auto adHoc = library().find(loose);
        QVERIFY(adHoc);
        QCOMPARE(adHoc->status, ModelStatus::Ready);
        QCOMPARE(adHoc->id, QString("my-model"));
    }

    void removeDeletesPagodaFolderButRefusesCaches() {
        const QString a = makePagodaModel(m_at.pagodaRoot, HubKind::HuggingFace, "Qwen/A", kSingleF32);
        const QString b = makePagodaModel(m_at.pagodaRoot, HubKind::HuggingFace, "Qwen/B", kSingleF32);
        const QString snapshot = makeHuggingFaceCacheModel(m_at.huggingFaceCache, "Qwen/C", kSingleF32);
        const QString ms = makeModelScopeNewModel(m_at.modelScopeCache, "Qwen/D", "master", kSingleF32);
        const ModelLibrary lib = library();

        QVERIFY(lib.remove(*lib.find("Qwen/A")));
        QVERIFY(!QFileInfo::exists(a));
        QVERIFY(QFileInfo::exists(m_at.pagodaRoot + "/huggingface/Qwen"));  // B still there
        QVERIFY(lib.remove(*lib.find("Qwen/B")));
        QVERIFY(!QFileInfo::exists(m_at.pagodaRoot + "/huggingface"));  // empty owner and hub pruned
        QVERIFY(QFileInfo::exists(m_at.pagodaRoot));

        const Status hf = lib.remove(*lib.find("Qwen/C"));
        QVERIFY(!hf);
        QVERIFY2(QString::fromStdString(hf.error().message).contains("hf cache rm model/Qwen/C") &&
                     QString::fromStdString(hf.error().message).contains(m_at.huggingFaceCache),
                 hf.error().message.c_str());
        QVERIFY(QFileInfo::exists(blobOf(snapshot + "/model.safetensors")));
        const Status mss = lib.remove(*lib.find("Qwen/D"));
        QVERIFY(!mss);
        QVERIFY2(QString::fromStdString(mss.error().message).contains("modelscope clear-cache --model Qwen/D"),
                 mss.error().message.c_str());
        QVERIFY(QFileInfo::exists(ms + "/config.json"));

        LocalModel forged;  // a Pagoda model that points outside the root
        forged.source = ModelSource::Pagoda;
        forged.folder = ms;
        QVERIFY(!lib.remove(forged));
        forged.folder = m_at.pagodaRoot + "/huggingface/../../ms";
        QVERIFY(!lib.remove(forged));
        QVERIFY(QFileInfo::exists(ms + "/config.json"));
    }

    void importFolderIsRememberedAndForgotten() {
        const QString folder = m_dir->path() + "/mine/tiny-qwen";
        copyModelFiles(kSingleF32, folder);
        QVERIFY(QFile::link("model.safetensors", folder + "/copy.safetensors"));  // one file, counted once
        const ModelLibrary lib = library();
        // Weights without a tokenizer or chat template cannot chat: refused, saying what is missing where.
        const auto cannotChat = lib.importFolder(folder);
        QVERIFY(!cannotChat);
        const QString why = QString::fromStdString(cannotChat.error().message);
        QVERIFY2(why.contains("no tokenizer (tokenizer.json or tokenizer.model) and no chat template") &&
                     why.contains(QFileInfo(folder).canonicalFilePath()),
                 qPrintable(why));
        QVERIFY(!QFileInfo::exists(m_at.importsFile));
        writeBytes(folder + "/tokenizer.json", "{}");
        writeBytes(folder + "/tokenizer_config.json", R"({"chat_template": "{{ messages[0]['content'] }}"})");

        const auto imported = lib.importFolder(folder);
        QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
        QCOMPARE(imported->id, QString("tiny-qwen"));
        QCOMPARE(imported->source, ModelSource::Imported);
        QCOMPARE(imported->sizeOnDisk,
                 fileSizes(folder, fixtureModelFiles(kSingleF32) + QStringList{"tokenizer.json", "tokenizer_config.json"}));
        QVERIFY(lib.importFolder(folder + "/"));  // the same folder spelled differently
        QCOMPARE(readText(m_at.importsFile).count("tiny-qwen"), 1);

        auto models = lib.scan();
        QCOMPARE(models.size(), size_t(1));
        QCOMPARE(models[0].source, ModelSource::Imported);
        QCOMPARE(models[0].status, ModelStatus::Ready);
        QVERIFY(!models[0].hub);

        QVERIFY(lib.remove(models[0]));
        QVERIFY(lib.scan().empty());
        QVERIFY(QFileInfo::exists(folder + "/model.safetensors"));  // forgotten, not deleted
        QVERIFY(!lib.remove(models[0]));  // already forgotten

        const QString noConfig = m_dir->path() + "/mine/weights-only";
        copyModelFiles(kSingleF32, noConfig);
        QFile::remove(noConfig + "/config.json");
        const auto refused = lib.importFolder(noConfig);
        QVERIFY(!refused);
        QVERIFY(QString::fromStdString(refused.error().message).contains("has no config.json"));
        setArchitectures(folder, {"MistralForCausalLM"});
        const auto unsupported = lib.importFolder(folder);
        QVERIFY(!unsupported);
        QVERIFY(QString::fromStdString(unsupported.error().message).contains("'MistralForCausalLM' is not supported"));
    }

    void demoModelIsListedLastReadOnlyAndCannotBeDeleted() {
        m_at.bundledModel = m_dir->path() + "/install/share/pagoda/demo-model";
        copyModelFiles(kSingleF32, m_at.bundledModel);
        makePagodaModel(m_at.pagodaRoot, HubKind::HuggingFace, "Qwen/Tiny", kShardedBf16);
        const ModelLibrary lib = library();
        const auto models = lib.scan();
        QCOMPARE(models.size(), size_t(2));
        QCOMPARE(models[1].id, QString(kDemoModelId));
        QCOMPARE(models[1].source, ModelSource::Bundled);
        QCOMPARE(models[1].status, ModelStatus::Ready);
        QVERIFY(models[1].readOnly);
        QVERIFY(!models[1].hub);
        QCOMPARE(models[1].architecture, QString("Qwen2ForCausalLM"));

        const auto found = lib.find("Pagoda/Demo");
        QVERIFY(found);
        QCOMPARE(found->folder, m_at.bundledModel);
        QCOMPARE(lib.find(m_at.bundledModel)->source, ModelSource::Bundled);  // by its folder too

        const auto refused = lib.remove(*found);
        QVERIFY(!refused);
        QVERIFY2(QString::fromStdString(refused.error().message).contains("installed with Pagoda"),
                 refused.error().message.c_str());
        QVERIFY(QFileInfo::exists(m_at.bundledModel + "/model.safetensors"));

        m_at.bundledModel = m_dir->path() + "/nowhere";  // a build without the demo model
        QCOMPARE(library().scan().size(), size_t(1));
        QVERIFY(!library().find(kDemoModelId));
    }

    void verifyDetectsOneFlippedByte() {
        const QString folder = makePagodaModel(m_at.pagodaRoot, HubKind::HuggingFace, "Qwen/Tiny", kShardedBf16);
        const ModelLibrary lib = library();
        const LocalModel model = *lib.find("Qwen/Tiny");
        qint64 lastDone = 0, lastTotal = 0;
        QVERIFY(lib.verify(model, [&](qint64 done, qint64 total) {
            lastDone = done;
            lastTotal = total;
            return true;
        }));
        QCOMPARE(lastTotal, fileSizes(folder, fixtureModelFiles(kShardedBf16)));
        QCOMPARE(lastDone, lastTotal);

        const Status cancelled = lib.verify(model, [](qint64, qint64) { return false; });
        QVERIFY(!cancelled);
        QVERIFY(QString::fromStdString(cancelled.error().message).contains("cancelled"));

        flipByte(folder + "/model-00002-of-00003.safetensors", 5000);
        const Status damaged = lib.verify(model);
        QVERIFY(!damaged);
        QVERIFY2(QString::fromStdString(damaged.error().message).contains("model-00002-of-00003.safetensors is damaged: "
                                                                          "its sha256 is"),
                 damaged.error().message.c_str());

        const QString snapshot = makeHuggingFaceCacheModel(m_at.huggingFaceCache, "Qwen/Cached", kShardedBf16);
        const LocalModel cached = *lib.find("hf:Qwen/Cached");
        QVERIFY(lib.verify(cached));
        flipByte(blobOf(snapshot + "/config.json"), 10);  // a small file: named by its git sha1
        const Status badConfig = lib.verify(cached);
        QVERIFY(!badConfig);
        QVERIFY2(QString::fromStdString(badConfig.error().message).contains("config.json is damaged: its git sha1"),
                 badConfig.error().message.c_str());

        const QString loose = m_dir->path() + "/loose";
        copyModelFiles(kSingleF32, loose);
        QVERIFY(lib.verify(*lib.find(loose)));  // nothing to check against: Ok
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    ModelLibraryTest library;
    const int failedLibrary = QTest::qExec(&library, argc, argv);
    return failedLibrary + runMemoryAndCatalogTests(argc, argv);
}

#include "model_library_test.moc"
