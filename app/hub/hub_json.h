// Small helpers both hub clients use to read JSON answers and build URLs.
#pragma once

#include <QJsonDocument>
#include <QString>

#include "app/hub/http_client.h"
#include "engine/common/result.h"

namespace pagoda::hub {

// The body as JSON, or an error naming the URL and the parse failure.
Result<QJsonDocument> parseJsonBody(const HttpResponse& response);

// The rel="next" target of an RFC 8288 Link header, or an empty URL.
QUrl nextLink(const HttpResponse& response);

// Each '/'-separated segment percent-encoded, the slashes kept (HF /resolve paths).
QString encodePathSegments(const QString& path);
// Everything percent-encoded, '/' included (HF revisions such as refs/pr/3).
QString encodeComponent(const QString& value);

// The model a repo was made from: a model card's base_model (a string or a list, first
// entry), else a "base_model:[relation:]owner/name" tag; empty when neither names a valid id.
QString baseModelOf(const QJsonValue& cardBaseModel, const QStringList& tags);

// A short excerpt of an error body for messages (never a whole HTML page).
std::string bodyExcerpt(const QByteArray& body);

}  // namespace pagoda::hub
