#include "app/hub/download_manifest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "app/hub/model_paths.h"

namespace pagoda::hub {

QString manifestFileName(const QString& quant) {
    return quant.isEmpty() ? QString(kManifestFileName) : QString(".pagoda-manifest.%1.json").arg(quant.toUpper());
}

QStringList quantManifestFiles(const QString& modelFolder) {
    return QDir(modelFolder).entryList({".pagoda-manifest.*.json"}, QDir::Files | QDir::Hidden, QDir::Name);
}

Result<DownloadManifest> readManifest(const QString& modelFolder, const QString& quant) {
    const QString path = modelFolder + "/" + manifestFileName(quant);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return makeError(path.toStdString() + ": " + file.errorString().toStdString());
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject())
        return makeError(path.toStdString() + ": not a JSON object (" + parseError.errorString().toStdString() + ")");
    const QJsonObject o = doc.object();
    DownloadManifest m;
    const auto hub = parseHubName(o["hub"].toString());
    if (!hub) return makeError(path.toStdString() + ": \"hub\" is '" + o["hub"].toString().toStdString() + "'");
    m.hub = *hub;
    m.id = o["id"].toString();
    m.revision = o["revision"].toString();
    m.complete = o["complete"].toBool();
    m.completedAt = QDateTime::fromString(o["completedAt"].toString(), Qt::ISODate);
    m.quant = o["quant"].toString();
    m.modelFile = o["modelFile"].toString();
    if (!m.modelFile.isEmpty() && !isSafeRepoPath(m.modelFile))
        return makeError(path.toStdString() + ": unsafe model file path '" + m.modelFile.toStdString() + "'");
    for (const QJsonValue& v : o["files"].toArray()) {
        const QJsonObject f = v.toObject();
        HubFile file{f["path"].toString(), qint64(f["size"].toDouble(-1)), f["sha256"].toString(),
                     f["gitSha1"].toString(), f["lfs"].toBool()};
        if (!isSafeRepoPath(file.path))
            return makeError(path.toStdString() + ": unsafe file path '" + file.path.toStdString() + "'");
        m.files.push_back(file);
    }
    return m;
}

Status writeManifest(const QString& modelFolder, const DownloadManifest& m) {
    QJsonArray files;
    for (const HubFile& f : m.files)
        files.append(QJsonObject{{"path", f.path}, {"size", double(f.size)}, {"sha256", f.sha256},
                                 {"gitSha1", f.gitSha1}, {"lfs", f.lfs}});
    QJsonObject o{{"hub", hubName(m.hub)}, {"id", m.id},          {"revision", m.revision},
                  {"complete", m.complete}, {"files", files}};
    if (m.completedAt.isValid()) o["completedAt"] = m.completedAt.toString(Qt::ISODate);
    if (!m.quant.isEmpty()) o["quant"] = m.quant, o["modelFile"] = m.modelFile;
    QSaveFile file(modelFolder + "/" + manifestFileName(m.quant));
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(o).toJson()) < 0 || !file.commit())
        return makeError(file.fileName().toStdString() + ": " + file.errorString().toStdString());
    return Ok{};
}

QStringList missingFiles(const QString& modelFolder, const DownloadManifest& manifest) {
    QStringList missing;
    for (const HubFile& f : manifest.files) {
        const QFileInfo info(modelFolder + "/" + f.path);
        if (!info.isFile() || (f.size >= 0 && info.size() != f.size)) missing << f.path;
    }
    return missing;
}

Status removeQuantFiles(const QString& modelFolder, const QString& quant) {
    const QString own = manifestFileName(quant);
    QStringList shared;
    for (const QString& other : quantManifestFiles(modelFolder)) {
        if (other.compare(own, Qt::CaseInsensitive) == 0) continue;
        if (auto m = readManifest(modelFolder, other.section('.', 2, -2)))
            for (const HubFile& f : m->files) shared << f.path;
    }
    bool ok = true;
    if (auto mine = readManifest(modelFolder, quant)) {
        for (const HubFile& f : mine->files) {
            if (shared.contains(f.path)) continue;
            const QString path = modelFolder + "/" + f.path;
            for (const QString& p : {path, path + kIncompleteSuffix})
                if (QFileInfo::exists(p)) ok &= QFile::remove(p);
            // Empty subfolders the quant's parts lived in.
            QDir dir(QFileInfo(path).path());
            while (dir.absolutePath().startsWith(modelFolder + "/") && dir.isEmpty() && dir.rmdir(dir.absolutePath())) dir.cdUp();
        }
    }
    if (QFileInfo::exists(modelFolder + "/" + own)) ok &= QFile::remove(modelFolder + "/" + own);
    if (QDir(modelFolder).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot))
        QDir().rmdir(modelFolder);
    if (!ok) return makeError("could not delete all files of " + quant.toStdString() + " in " + modelFolder.toStdString());
    return Ok{};
}

}  // namespace pagoda::hub
