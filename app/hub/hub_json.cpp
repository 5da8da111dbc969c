#include "app/hub/hub_json.h"

#include <QJsonArray>
#include <QRegularExpression>

#include "app/hub/model_paths.h"

namespace pagoda::hub {

Result<QJsonDocument> parseJsonBody(const HttpResponse& response) {
    QJsonParseError error;
    QJsonDocument doc = QJsonDocument::fromJson(response.body, &error);
    if (doc.isNull())
        return makeError(response.url.toString().toStdString() + ": the answer is not JSON (" +
                         error.errorString().toStdString() + " at byte " + std::to_string(error.offset) + ")");
    return doc;
}

QUrl nextLink(const HttpResponse& response) {
    static const QRegularExpression link(R"re(<([^>]*)>\s*;[^,]*rel="?next"?)re");
    const auto match = link.match(QString::fromUtf8(response.header("link")));
    return match.hasMatch() ? response.url.resolved(QUrl::fromEncoded(match.captured(1).toUtf8())) : QUrl();
}

QString encodePathSegments(const QString& path) {
    QStringList segments;
    for (const QString& s : path.split('/')) segments << QString::fromLatin1(QUrl::toPercentEncoding(s));
    return segments.join('/');
}

QString encodeComponent(const QString& value) { return QString::fromLatin1(QUrl::toPercentEncoding(value)); }

std::string bodyExcerpt(const QByteArray& body) {
    QByteArray b = body.left(300).simplified();
    return b.toStdString() + (body.size() > 300 ? "…" : "");
}

QString baseModelOf(const QJsonValue& cardBaseModel, const QStringList& tags) {
    QString id = cardBaseModel.isArray() ? cardBaseModel.toArray().first().toString() : cardBaseModel.toString();
    for (const QString& tag : tags)
        if (id.isEmpty() && tag.startsWith("base_model:")) id = tag.section(':', -1);
    return validateModelId(id) ? id : QString();
}

}  // namespace pagoda::hub
