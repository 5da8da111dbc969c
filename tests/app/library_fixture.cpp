#include "tests/app/library_fixture.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <nlohmann/json.hpp>

#include "app/hub/download_manifest.h"
#include "tests/support/model_fixture.h"

namespace pagoda::test {

namespace {

QString fixtureFolder(const char* fixture) { return QString::fromStdString((modelFixturesDir() / fixture).string()); }

QByteArray readAll(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

void makeFolder(const QString& folder) {
    if (!QDir().mkpath(folder)) qFatal("cannot create %s", qPrintable(folder));
}

void link(const QString& target, const QString& linkPath) {
    if (!QFile::link(target, linkPath)) qFatal("cannot link %s -> %s", qPrintable(linkPath), qPrintable(target));
}

// The JSON header of a safetensors file: 8-byte little-endian length, then the JSON.
nlohmann::json safetensorsHeader(const QString& path) {
    const QByteArray bytes = readAll(path);
    quint64 length = 0;
    for (int i = 7; i >= 0; --i) length = (length << 8) | quint8(bytes[i]);
    return nlohmann::json::parse(bytes.mid(8, qsizetype(length)).toStdString());
}

QStringList safetensorsIn(const QString& folder) {
    QStringList paths;
    for (const QString& name : QDir(folder).entryList({"*.safetensors"}, QDir::Files, QDir::Name))
        paths << folder + "/" + name;
    return paths;
}

}  // namespace

QStringList fixtureModelFiles(const char* fixture) {
    QStringList files;
    for (const QString& name : QDir(fixtureFolder(fixture)).entryList(QDir::Files, QDir::Name))
        if (!name.startsWith("truth")) files << name;
    return files;
}

void copyModelFiles(const char* fixture, const QString& folder) {
    makeFolder(folder);
    for (const QString& name : fixtureModelFiles(fixture)) {
        const QString target = folder + "/" + name;
        if (!QFile::copy(fixtureFolder(fixture) + "/" + name, target)) qFatal("cannot copy %s", qPrintable(name));
        QFile(target).setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    }
}

QString sha256Hex(const QString& path) {
    return QString::fromLatin1(QCryptographicHash::hash(readAll(path), QCryptographicHash::Sha256).toHex());
}

QString gitSha1Hex(const QString& path) {
    const QByteArray content = readAll(path);
    const QByteArray blob = "blob " + QByteArray::number(content.size()) + '\0' + content;
    return QString::fromLatin1(QCryptographicHash::hash(blob, QCryptographicHash::Sha1).toHex());
}

void writeBytes(const QString& path, const QByteArray& bytes) {
    makeFolder(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

void flipByte(const QString& path, qint64 offset) {
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite) || !file.seek(offset)) qFatal("cannot open %s", qPrintable(path));
    char c = 0;
    file.getChar(&c);
    file.seek(offset);
    file.putChar(char(c ^ 0x01));
}

void setArchitectures(const QString& folder, const QStringList& architectures) {
    const QString path = folder + "/config.json";
    QJsonObject config = QJsonDocument::fromJson(readAll(path)).object();
    if (architectures.isEmpty())
        config.remove("architectures");
    else
        config["architectures"] = QJsonArray::fromStringList(architectures);
    QFile::remove(path);  // may be a link into a cache's blobs; never write through it
    writeBytes(path, QJsonDocument(config).toJson());
}

qint64 headerElementCount(const QString& folder) {
    qint64 total = 0;
    for (const QString& path : safetensorsIn(folder)) {
        const nlohmann::json header = safetensorsHeader(path);  // outlives the loop below
        for (const auto& [name, tensor] : header.items()) {
            if (name == "__metadata__") continue;
            qint64 count = 1;
            for (const auto& dim : tensor.at("shape")) count *= dim.get<qint64>();
            total += count;
        }
    }
    return total;
}

qint64 headerDataBytes(const QString& folder) {
    qint64 total = 0;
    for (const QString& path : safetensorsIn(folder)) {
        const nlohmann::json header = safetensorsHeader(path);
        for (const auto& [name, tensor] : header.items())
            if (name != "__metadata__")
                total += tensor.at("data_offsets")[1].get<qint64>() - tensor.at("data_offsets")[0].get<qint64>();
    }
    return total;
}

hub::LibraryLocations locationsUnder(const QString& base) {
    return {base + "/pagoda", base + "/hf", base + "/ms", base + "/imports.json", {}};
}

QString makePagodaModel(const QString& root, hub::HubKind hub, const QString& id, const char* fixture,
                        bool complete) {
    const QString folder = root + "/" + hub::hubName(hub) + "/" + id;
    copyModelFiles(fixture, folder);
    hub::DownloadManifest manifest;
    manifest.hub = hub;
    manifest.id = id;
    manifest.revision = "main";
    manifest.complete = complete;
    for (const QString& name : fixtureModelFiles(fixture)) {
        const QString path = folder + "/" + name;
        manifest.files.push_back({name, QFileInfo(path).size(), sha256Hex(path), {}, name.endsWith(".safetensors")});
    }
    if (!hub::writeManifest(folder, manifest)) qFatal("cannot write the manifest in %s", qPrintable(folder));
    return folder;
}

QString makeHuggingFaceCacheModel(const QString& cache, const QString& id, const char* fixture,
                                  const QString& commit) {
    const QString repo = cache + "/models--" + QString(id).replace("/", "--");
    const QString snapshot = repo + "/snapshots/" + commit;
    makeFolder(repo + "/blobs");
    makeFolder(snapshot);
    for (const QString& name : fixtureModelFiles(fixture)) {
        const QString source = fixtureFolder(fixture) + "/" + name;
        const QString blob = name.endsWith(".safetensors") ? sha256Hex(source) : gitSha1Hex(source);
        if (!QFileInfo::exists(repo + "/blobs/" + blob)) writeBytes(repo + "/blobs/" + blob, readAll(source));
        link("../../blobs/" + blob, snapshot + "/" + name);
    }
    writeBytes(repo + "/refs/main", commit.toLatin1());
    return snapshot;
}

QString blobOf(const QString& snapshotFile) { return QFileInfo(snapshotFile).symLinkTarget(); }

QString makeModelScopeOldModel(const QString& base, const QString& owner, const QString& folderName,
                               const char* fixture) {
    const QString folder = base + "/" + owner + "/" + folderName;
    copyModelFiles(fixture, folder);
    writeBytes(folder + "/.mdl", "pickled");  // what the old SDK leaves beside the files
    return folder;
}

QString makeModelScopeNewModel(const QString& cache, const QString& id, const QString& revision, const char* fixture) {
    const QString snapshot = cache + "/models/" + QString(id).replace("/", "--") + "/snapshots/" + revision;
    copyModelFiles(fixture, snapshot);
    return snapshot;
}

}  // namespace pagoda::test
