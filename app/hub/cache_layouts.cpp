#include "app/hub/cache_layouts.h"

#include <set>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "app/hub/model_paths.h"

namespace pagoda::hub {

namespace {

QFileInfoList subfolders(const QString& folder) {
    return QDir(folder).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

// refs/<branch> holds a commit hash (HF) or a revision name; anything else is ignored.
QString readRef(const QString& repoFolder, const QString& branch) {
    QFile file(repoFolder + "/refs/" + branch);
    if (!file.open(QIODevice::ReadOnly)) return {};
    const QString ref = QString::fromUtf8(file.read(256)).trimmed();
    return isSafeRepoPath(ref) && !ref.contains('/') ? ref : QString();
}

// The snapshot a ref names when it exists, else the most recently written one.
CachedRepo pickSnapshot(const QString& id, const QString& repoFolder, const QStringList& branches) {
    const QString snapshots = repoFolder + "/snapshots";
    for (const QString& branch : branches) {
        const QString ref = readRef(repoFolder, branch);
        if (!ref.isEmpty() && QFileInfo(snapshots + "/" + ref).isDir()) return {id, snapshots + "/" + ref, ref};
    }
    QFileInfo newest;
    for (const QFileInfo& snapshot : subfolders(snapshots))
        if (newest.filePath().isEmpty() || snapshot.lastModified() > newest.lastModified()) newest = snapshot;
    if (newest.filePath().isEmpty()) return {};
    return {id, newest.filePath(), newest.fileName()};
}

// "<owner>--<name>" → "owner/name", empty unless it is a valid model id.
QString idFromDoubleDash(const QString& folderName) {
    const QStringList parts = folderName.split("--");
    if (parts.size() != 2) return {};
    const QString id = parts[0] + "/" + parts[1];
    return validateModelId(id) ? id : QString();
}

// Folders that sit beside owners in the old ModelScope layout but are not owners.
bool isModelScopeBookkeeping(const QString& name) {
    static const QStringList reserved = {"models", "datasets", "hub", "ast_indexer"};
    return name.startsWith('.') || name.startsWith('_') || reserved.contains(name) || name.contains("--");
}

void addOldModelScopeLayout(const QString& base, std::vector<CachedRepo>& out) {
    for (const QFileInfo& owner : subfolders(base)) {
        if (isModelScopeBookkeeping(owner.fileName())) continue;
        for (const QFileInfo& model : subfolders(owner.filePath())) {
            if (model.fileName().startsWith('.')) continue;
            const QString id = modelScopeNameFromFolder(owner.fileName()) + "/" +
                               modelScopeNameFromFolder(model.fileName());
            if (validateModelId(id)) out.push_back({id, model.filePath(), {}});
        }
    }
}

void addNewModelScopeLayout(const QString& modelsFolder, std::vector<CachedRepo>& out) {
    for (const QFileInfo& repo : subfolders(modelsFolder)) {
        const QString id = idFromDoubleDash(repo.fileName());
        if (id.isEmpty()) continue;
        CachedRepo found = pickSnapshot(id, repo.filePath(), {"master", "main"});
        if (!found.folder.isEmpty()) out.push_back(found);
    }
}

}  // namespace

QString modelScopeNameFromFolder(const QString& folderName) { return QString(folderName).replace("___", "."); }

std::vector<CachedRepo> huggingFaceCacheRepos(const QString& cacheRoot) {
    std::vector<CachedRepo> repos;
    if (cacheRoot.isEmpty()) return repos;
    for (const QFileInfo& repo : subfolders(cacheRoot)) {
        // datasets--, spaces-- live beside models-- and are not models.
        if (!repo.fileName().startsWith("models--")) continue;
        const QString id = idFromDoubleDash(repo.fileName().mid(int(qstrlen("models--"))));
        if (id.isEmpty()) continue;
        CachedRepo found = pickSnapshot(id, repo.filePath(), {"main"});
        if (!found.folder.isEmpty()) repos.push_back(found);
    }
    return repos;
}

std::vector<CachedRepo> modelScopeCacheRepos(const QString& cacheRoot) {
    std::vector<CachedRepo> found;
    if (cacheRoot.isEmpty()) return found;
    for (const QString& base : {cacheRoot, cacheRoot + "/hub"}) {
        addOldModelScopeLayout(base, found);
        addOldModelScopeLayout(base + "/models", found);
        addNewModelScopeLayout(base + "/models", found);
    }
    // The same folder can be reached from two bases when one is a link to the other.
    std::vector<CachedRepo> unique;
    std::set<QString> seen;
    for (const CachedRepo& repo : found)
        if (seen.insert(QFileInfo(repo.folder).canonicalFilePath()).second) unique.push_back(repo);
    return unique;
}

}  // namespace pagoda::hub
