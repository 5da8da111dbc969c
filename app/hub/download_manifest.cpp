#include "app/hub/download_manifest.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "app/hub/model_paths.h"

namespace pagoda::hub {

Result<DownloadManifest> readManifest(const QString& modelFolder) {
    const QString path = modelFolder + "/" + kManifestFileName;
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
    QSaveFile file(modelFolder + "/" + kManifestFileName);
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

}  // namespace pagoda::hub
