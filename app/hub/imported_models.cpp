#include "app/hub/imported_models.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace pagoda::hub {

Result<QStringList> readImportedFolders(const QString& importsFile) {
    QFile file(importsFile);
    if (!file.exists()) return QStringList{};
    if (!file.open(QIODevice::ReadOnly))
        return makeError(importsFile.toStdString() + ": cannot read: " + file.errorString().toStdString());
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    const QJsonValue folders = doc.object().value("folders");
    if (!doc.isObject() || !folders.isArray())
        return makeError(importsFile.toStdString() + ": expected {\"folders\": [...]}, found " +
                         (doc.isNull() ? "invalid JSON (" + parseError.errorString().toStdString() + ")"
                                       : std::string("another shape")) +
                         "; fix or delete the file to import again");
    QStringList list;
    for (const QJsonValue& folder : folders.toArray())
        if (folder.isString() && !folder.toString().isEmpty()) list << folder.toString();
    return list;
}

Status writeImportedFolders(const QString& importsFile, const QStringList& folders) {
    QDir().mkpath(QFileInfo(importsFile).absolutePath());
    QSaveFile file(importsFile);
    const QJsonObject root{{"folders", QJsonArray::fromStringList(folders)}};
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson()) < 0 || !file.commit())
        return makeError(importsFile.toStdString() + ": cannot write: " + file.errorString().toStdString());
    return Ok{};
}

}  // namespace pagoda::hub
