#include "app/hub/model_library.h"

#include <algorithm>
#include <set>

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include "app/hub/cache_layouts.h"
#include "app/hub/download_manifest.h"
#include "app/hub/gguf_inspection.h"
#include "app/hub/gguf_quants.h"
#include "app/hub/imported_models.h"
#include "app/hub/model_inspection.h"
#include "app/hub/model_paths.h"

namespace pagoda::hub {

namespace {

std::string text(const QString& s) { return s.toStdString(); }

// huggingface_hub expands a leading ~ in its environment variables; so do we.
QString fromEnv(const char* name) {
    QString value = qEnvironmentVariable(name);
    if (value == "~" || value.startsWith("~/")) value.replace(0, 1, QDir::homePath());
    return value;
}

QFileInfoList subfolders(const QString& folder) {
    return QDir(folder).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

// Where a folder really is, to tell two spellings of one folder apart.
QString canonical(const QString& folder) {
    const QString c = QFileInfo(folder).canonicalFilePath();
    return c.isEmpty() ? QDir::cleanPath(QFileInfo(folder).absoluteFilePath()) : c;
}

QString missingMessage(const QString& folder, const DownloadManifest& manifest, const QStringList& missing) {
    const QString first = missing.first();
    const QFileInfo info(folder + "/" + first);
    qint64 expected = -1;
    for (const HubFile& f : manifest.files)
        if (f.path == first) expected = f.size;
    QString message = info.isFile() ? QString("%1 is %2 bytes; the manifest expects %3").arg(first).arg(info.size()).arg(expected)
                                    : first + " is missing";
    if (missing.size() > 1) message += QString(" (and %1 more files)").arg(missing.size() - 1);
    return message + "; download the model again to repair it";
}

// A folder under Pagoda's root: its manifest decides whether the download finished, the
// files decide whether the model runs. Unset when the folder is not a model at all.
std::optional<LocalModel> inspectPagodaFolder(HubKind hub, const QString& id, const QString& folder) {
    LocalModel model;
    model.id = id;
    model.source = ModelSource::Pagoda;
    model.hub = hub;
    model.folder = folder;
    if (!QFileInfo(folder + "/" + kManifestFileName).exists()) {
        if (!hasModelConfig(folder)) return std::nullopt;
        inspectModelFolder(model);
        model.status = ModelStatus::Invalid;
        model.problem = "not downloaded by Pagoda: no " + QString(kManifestFileName) + " in " + folder +
                        "; import folders from elsewhere instead of copying them here";
        return model;
    }
    const auto manifest = readManifest(folder);
    if (!manifest) {
        model.sizeOnDisk = engineFilesSize(folder);
        model.status = ModelStatus::Invalid;
        model.problem = QString::fromStdString(manifest.error().message);
        return model;
    }
    model.revision = manifest->revision;
    inspectModelFolder(model);
    // Not worth finishing a download this build cannot run.
    if (model.status == ModelStatus::Unsupported) return model;
    const QStringList missing = missingFiles(folder, *manifest);
    const QStringList partial = QDir(folder).entryList({QString("*") + kIncompleteSuffix}, QDir::Files | QDir::Hidden);
    const qsizetype total = qsizetype(manifest->files.size());
    if (!manifest->complete || !partial.isEmpty()) {
        model.status = ModelStatus::Incomplete;
        model.problem = QString("download not finished (%1 of %2 files); download it again to resume")
                            .arg(total - missing.size())
                            .arg(total);
    } else if (!missing.isEmpty()) {
        model.status = ModelStatus::Incomplete;
        model.problem = missingMessage(folder, *manifest, missing);
    }
    return model;
}

// One quant of a GGUF repo folder, from its own manifest.
LocalModel inspectPagodaQuant(HubKind hub, const QString& id, const QString& folder, const QString& manifestName) {
    LocalModel model;
    model.id = id;
    model.source = ModelSource::Pagoda;
    model.hub = hub;
    model.repoFolder = folder;
    model.folder = folder;
    const auto manifest = readManifest(folder, manifestName.section('.', 2, -2));
    if (!manifest || manifest->quant.isEmpty() || manifest->modelFile.isEmpty()) {
        model.quant = manifestName.section('.', 2, -2);
        model.status = ModelStatus::Invalid;
        model.problem = manifest ? folder + "/" + manifestName + " names no quant or model file"
                                 : QString::fromStdString(manifest.error().message);
        return model;
    }
    model.quant = manifest->quant;
    model.revision = manifest->revision;
    model.folder = folder + "/" + manifest->modelFile;
    const QStringList missing = missingFiles(folder, *manifest);
    qsizetype partial = 0;
    for (const HubFile& f : manifest->files) partial += QFileInfo::exists(folder + "/" + f.path + kIncompleteSuffix);
    const qsizetype total = qsizetype(manifest->files.size());
    if (!manifest->complete || partial > 0) {
        model.status = ModelStatus::Incomplete;
        model.problem = QString("download not finished (%1 of %2 files); download it again to resume")
                            .arg(total - missing.size())
                            .arg(total);
        for (const HubFile& f : manifest->files)
            if (isGgufModelFile(f.path)) model.sizeOnDisk += std::max<qint64>(f.size, 0);
        return model;
    }
    if (!missing.isEmpty()) {
        model.status = ModelStatus::Incomplete;
        model.problem = missingMessage(folder, *manifest, missing);
        return model;
    }
    inspectGgufModel(model);
    return model;
}

std::optional<LocalModel> inspectCached(const CachedRepo& repo, ModelSource source, HubKind hub) {
    if (!hasModelConfig(repo.folder)) return std::nullopt;
    LocalModel model;
    model.id = repo.id;
    model.source = source;
    model.hub = hub;
    model.folder = repo.folder;
    model.revision = repo.revision;
    model.readOnly = true;
    inspectModelFolder(model);
    return model;
}

LocalModel inspectImported(const QString& folder) {
    LocalModel model;
    model.id = QFileInfo(folder).fileName();
    model.source = ModelSource::Imported;
    model.folder = folder;
    inspectModelFolder(model);
    return model;
}

LocalModel inspectBundled(const QString& folder) {
    LocalModel model;
    model.id = kDemoModelId;
    model.source = ModelSource::Bundled;
    model.folder = folder;
    model.readOnly = true;
    inspectModelFolder(model);
    return model;
}

int sourceRank(ModelSource source) { return int(source); }  // the enum lists Pagoda first

}  // namespace

LibraryLocations LibraryLocations::fromEnvironment() {
    LibraryLocations l;
    l.pagodaRoot = modelsRoot();
    const QString home = QDir::homePath();
    const QString xdgCache = fromEnv("XDG_CACHE_HOME");
    const QString hfHome = !fromEnv("HF_HOME").isEmpty() ? fromEnv("HF_HOME")
                           : !xdgCache.isEmpty()         ? xdgCache + "/huggingface"
                                                         : home + "/.cache/huggingface";
    l.huggingFaceCache = !fromEnv("HF_HUB_CACHE").isEmpty()          ? fromEnv("HF_HUB_CACHE")
                         : !fromEnv("HUGGINGFACE_HUB_CACHE").isEmpty() ? fromEnv("HUGGINGFACE_HUB_CACHE")
                                                                       : hfHome + "/hub";
    l.modelScopeCache = !fromEnv("MODELSCOPE_CACHE").isEmpty() ? fromEnv("MODELSCOPE_CACHE")
                                                               : home + "/.cache/modelscope/hub";
    l.importsFile = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                    "/pagoda/imported-models.json";
    l.bundledModel = bundledModelFolder();
    return l;
}

ModelLibrary::ModelLibrary(LibraryLocations locations) : m_locations(std::move(locations)) {}

std::vector<LocalModel> ModelLibrary::scanPagoda() const {
    std::vector<LocalModel> models;
    if (m_locations.pagodaRoot.isEmpty()) return models;
    for (const QFileInfo& hubFolder : subfolders(m_locations.pagodaRoot)) {
        const auto hub = parseHubName(hubFolder.fileName());
        if (!hub || hubName(*hub) != hubFolder.fileName()) continue;
        for (const QFileInfo& owner : subfolders(hubFolder.filePath()))
            for (const QFileInfo& name : subfolders(owner.filePath())) {
                const QString id = owner.fileName() + "/" + name.fileName();
                if (!validateModelId(id)) continue;
                const QStringList quants = quantManifestFiles(name.filePath());
                for (const QString& quant : quants) models.push_back(inspectPagodaQuant(*hub, id, name.filePath(), quant));
                if (!quants.isEmpty() && !QFileInfo::exists(name.filePath() + "/" + kManifestFileName))
                    continue;  // a GGUF repo folder: its quants are the models
                if (auto model = inspectPagodaFolder(*hub, id, name.filePath())) models.push_back(*model);
            }
    }
    return models;
}

std::vector<LocalModel> ModelLibrary::scanCaches() const {
    std::vector<LocalModel> models;
    for (const CachedRepo& repo : huggingFaceCacheRepos(m_locations.huggingFaceCache))
        if (auto model = inspectCached(repo, ModelSource::HuggingFaceCache, HubKind::HuggingFace)) models.push_back(*model);
    for (const CachedRepo& repo : modelScopeCacheRepos(m_locations.modelScopeCache))
        if (auto model = inspectCached(repo, ModelSource::ModelScopeCache, HubKind::ModelScope)) models.push_back(*model);
    return models;
}

std::vector<LocalModel> ModelLibrary::scanImported() const {
    std::vector<LocalModel> models;
    // A broken imports file hides imports from the list; importFolder and remove report it.
    const auto folders = readImportedFolders(m_locations.importsFile);
    if (!folders) return models;
    for (const QString& folder : *folders) {
        LocalModel model = inspectImported(folder);
        if (model.status == ModelStatus::Invalid && !QFileInfo(folder).isDir())
            model.problem = "imported folder " + folder + " no longer exists; remove it from the library";
        models.push_back(model);
    }
    return models;
}

std::vector<LocalModel> ModelLibrary::scanBundled() const {
    if (m_locations.bundledModel.isEmpty() || !hasModelConfig(m_locations.bundledModel)) return {};
    return {inspectBundled(m_locations.bundledModel)};
}

std::vector<LocalModel> ModelLibrary::scan() const {
    std::vector<LocalModel> all;
    std::set<QString> seen;
    for (auto part : {scanPagoda(), scanCaches(), scanImported(), scanBundled()})
        for (LocalModel& model : part)
            if (seen.insert(canonical(model.folder)).second) all.push_back(std::move(model));
    return all;
}

std::vector<LocalModel> ModelLibrary::findAll(const QString& idOrPath) const {
    const QString query = idOrPath.trimmed();
    if (query.isEmpty()) return {};
    if (const QFileInfo asPath(query); asPath.isDir() || (asPath.isFile() && isGgufModelFile(query))) {
        const QString folder = canonical(query);
        for (const LocalModel& model : scan())
            if (canonical(model.folder) == folder) return {model};
        if (asPath.isFile()) return {};  // a .gguf outside the library: the engine loads it as is
        return {inspectImported(folder)};
    }
    auto [name, tag] = splitQuantTag(query);
    std::optional<HubKind> hub;
    QString id = name;
    if (const qsizetype colon = name.indexOf(':'); colon > 0) {
        hub = parseHubName(name.left(colon));
        if (!hub) return {};
        id = name.mid(colon + 1);
    }
    std::vector<LocalModel> matches;
    for (LocalModel& model : scan())
        if (model.id.compare(id, Qt::CaseInsensitive) == 0 && (!hub || model.hub == hub) &&
            (tag.isEmpty() || model.quant.compare(tag, Qt::CaseInsensitive) == 0))
            matches.push_back(model);
    std::stable_sort(matches.begin(), matches.end(), [](const LocalModel& a, const LocalModel& b) {
        const bool aReady = a.status == ModelStatus::Ready, bReady = b.status == ModelStatus::Ready;
        if (aReady != bReady) return aReady;
        return sourceRank(a.source) < sourceRank(b.source);
    });
    return matches;
}

std::optional<LocalModel> ModelLibrary::find(const QString& idOrPath) const {
    const std::vector<LocalModel> matches = findAll(idOrPath);
    if (matches.empty()) return std::nullopt;
    // Without a tag, a GGUF repo with several quants is the default quant, or nothing:
    // which of the others was meant is not ours to guess.
    std::set<QString> quants;
    for (const LocalModel& m : matches) quants.insert(m.quant.toUpper());
    if (quants.size() > 1) {
        for (const LocalModel& m : matches)
            if (m.quant.compare(kDefaultGgufQuant, Qt::CaseInsensitive) == 0) return m;
        return std::nullopt;
    }
    return matches.front();
}

Status ModelLibrary::remove(const LocalModel& model) const {
    switch (model.source) {
        case ModelSource::HuggingFaceCache:
            return makeError(text(model.id) + " is in the Hugging Face cache (" + text(m_locations.huggingFaceCache) +
                             "), which Pagoda only reads; delete it with `hf cache rm model/" + text(model.id) +
                             "` (older huggingface_hub: `huggingface-cli delete-cache`)");
        case ModelSource::ModelScopeCache:
            return makeError(text(model.id) + " is in the ModelScope cache (" + text(m_locations.modelScopeCache) +
                             "), which Pagoda only reads; delete it with `modelscope clear-cache --model " +
                             text(model.id) + "`, or delete " + text(model.folder));
        case ModelSource::Imported: {
            auto folders = readImportedFolders(m_locations.importsFile);
            if (!folders) return folders.error();
            const QString target = canonical(model.folder);
            const qsizetype before = folders->size();
            folders->removeIf([&](const QString& f) { return f == model.folder || canonical(f) == target; });
            if (folders->size() == before)
                return makeError(text(model.folder) + " is not among the imported models in " +
                                 text(m_locations.importsFile));
            return writeImportedFolders(m_locations.importsFile, *folders);
        }
        case ModelSource::Bundled:
            return makeError(text(model.id) + " is the demo model installed with Pagoda (" + text(model.folder) +
                             "); it cannot be deleted, only left unused");
        case ModelSource::Pagoda: break;
    }
    if (!model.quant.isEmpty()) return removeQuant(model);
    // Only ever <root>/<hub>/<owner>/<name>: a LocalModel is a plain value and could name anything.
    const QString root = QDir::cleanPath(QFileInfo(m_locations.pagodaRoot).absoluteFilePath());
    const QString folder = QDir::cleanPath(QFileInfo(model.folder).absoluteFilePath());
    if (root.isEmpty() || !folder.startsWith(root + "/") || folder.mid(root.size() + 1).split('/').size() != 3)
        return makeError(text(model.folder) + " is not a model folder under " + text(root) + "; nothing deleted");
    const QFileInfo info(folder);
    if (!info.exists() && !info.isSymLink()) return makeError(text(folder) + " does not exist; nothing deleted");
    // A link is removed, never followed: its target is not ours.
    const bool removed = info.isSymLink() ? QFile::remove(folder) : QDir(folder).removeRecursively();
    if (!removed) return makeError("could not delete all of " + text(folder) + "; check its permissions");
    QDir rootDir(root);
    const QString relative = folder.mid(root.size() + 1);
    rootDir.rmdir(relative.section('/', 0, 1));  // owner, when now empty
    rootDir.rmdir(relative.section('/', 0, 0));  // hub, when now empty
    return Ok{};
}

Status ModelLibrary::removeQuant(const LocalModel& model) const {
    const QString root = QDir::cleanPath(QFileInfo(m_locations.pagodaRoot).absoluteFilePath());
    const QString folder = QDir::cleanPath(QFileInfo(model.repoFolder).absoluteFilePath());
    if (root.isEmpty() || !folder.startsWith(root + "/") || folder.mid(root.size() + 1).split('/').size() != 3 ||
        QFileInfo(folder).isSymLink())
        return makeError(text(model.repoFolder) + " is not a model folder under " + text(root) + "; nothing deleted");
    if (auto removed = removeQuantFiles(folder, model.quant); !removed) return removed;
    if (!QFileInfo::exists(folder)) {
        QDir rootDir(root);
        const QString relative = folder.mid(root.size() + 1);
        rootDir.rmdir(relative.section('/', 0, 1));
        rootDir.rmdir(relative.section('/', 0, 0));
    }
    return Ok{};
}

Result<LocalModel> ModelLibrary::importFolder(const QString& path) const {
    const QFileInfo info(path);
    if (!info.isDir()) return makeError(text(path) + " is not a folder");
    const QString folder = info.canonicalFilePath();
    if (!hasModelConfig(folder))
        return makeError(text(folder) + " has no config.json; import the folder that holds config.json and the "
                                        "*.safetensors files");
    LocalModel model = inspectImported(folder);
    if (model.status != ModelStatus::Ready)
        return makeError("cannot import " + text(folder) + ": " + text(model.problem));
    // The desktop imports models to chat with: one without tokenizer or template is refused
    // here, where the user can still fix the folder, not at the first question.
    if (const QString cannotChat = missingChatFiles(folder); !cannotChat.isEmpty())
        return makeError("cannot import " + text(cannotChat));
    auto folders = readImportedFolders(m_locations.importsFile);
    if (!folders) return folders.error();
    if (!folders->contains(folder)) {
        folders->append(folder);
        if (auto written = writeImportedFolders(m_locations.importsFile, *folders); !written) return written.error();
    }
    return model;
}

Status ModelLibrary::verify(const LocalModel& model, const VerifyProgress& progress) const {
    return verifyModelFiles(model, progress);
}

}  // namespace pagoda::hub
