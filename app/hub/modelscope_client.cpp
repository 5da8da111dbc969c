#include "app/hub/modelscope_client.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QUrlQuery>

#include "app/hub/hub_json.h"
#include "app/hub/model_paths.h"

namespace pagoda::hub {

namespace {

// ModelScope says "failed" two ways: a non-2xx status with a JSON body, or HTTP 200 with
// Success:false / Code != 200 (hub-apis.md §2.8). Both become one error naming the model.
HubResult<QJsonObject> envelopeData(const HubResult<HttpResponse>& response, const QString& what, bool hasToken) {
    if (!response) return response.error();
    const std::string subject = "ModelScope: " + what.toStdString();
    const int status = response->status;
    const auto fail = [status](std::string message, FailureKind kind) { return HubError(makeError(std::move(message)), kind, status); };
    auto doc = parseJsonBody(*response);
    const QJsonObject o = doc ? doc->object() : QJsonObject();
    const QString message = o["Message"].toString(o["message"].toString());
    if (status == 404)
        return fail(subject + " was not found" + (message.isEmpty() ? "" : " (" + message.toStdString() + ")"), FailureKind::NotFound);
    if (status == 401 || status == 403)
        return fail(subject + " is private or needs a login" + (hasToken ? ": the token was refused" : ": set MODELSCOPE_API_TOKEN"),
                    FailureKind::NeedsToken);
    if (status != 200)
        return fail(subject + ": HTTP " + std::to_string(status) + " " +
                        (message.isEmpty() ? bodyExcerpt(response->body) : message.toStdString()),
                    failureKindOfStatus(status));
    if (!doc) return HubError(doc.error());
    const bool legacy = o.contains("Success") || o.contains("Code");
    const bool success = legacy ? o["Success"].toBool() && o["Code"].toInt(200) == 200 : o["success"].toBool();
    if (!success)
        return HubError(makeError(subject + ": the hub answered " +
                                  (legacy ? "Code " + std::to_string(o["Code"].toInt()) : std::string("success:false")) + ": " +
                                  (message.isEmpty() ? std::string("no message") : message.toStdString())));
    const QJsonValue data = legacy ? o["Data"] : o["data"];
    if (!data.isObject()) return HubError(makeError(subject + ": the answer has no Data object"));
    return data.toObject();
}

HubModelSummary summaryFromLegacy(const QJsonObject& m) {
    HubModelSummary s;
    s.id = m["Path"].toString() + "/" + m["Name"].toString();
    s.displayName = m["ChineseName"].toString();
    s.downloads = qint64(m["Downloads"].toDouble());
    s.likes = qint64(m["Stars"].toDouble());
    if (const qint64 t = qint64(m["LastUpdatedTime"].toDouble()); t > 0)
        s.lastModified = QDateTime::fromSecsSinceEpoch(t, Qt::UTC).toString(Qt::ISODate);
    for (const QJsonValue& lib : m["Libraries"].toArray()) s.tags << lib.toString();
    for (const QJsonValue& task : m["Tasks"].toArray()) s.tags << task.toObject()["Name"].toString();
    return s;
}

HubModelSummary summaryFromOpenApi(const QJsonObject& m) {
    HubModelSummary s;
    s.id = m["id"].toString();
    s.downloads = qint64(m["downloads"].toDouble());
    s.likes = qint64(m["likes"].toDouble());
    s.lastModified = m["last_modified"].toString();
    for (const QJsonValue& t : m["tags"].toArray()) s.tags << t.toString();
    s.gated = m["gated"].toBool();
    return s;
}

}  // namespace

HubResult<SearchPage> ModelScopeClient::search(const SearchQuery& query, const QString& page) const {
    const int pageNumber = page.isEmpty() ? 1 : page.toInt();
    if (pageNumber < 1) return HubError(makeError("ModelScope: invalid page '" + page.toStdString() + "'"));
    const bool hasToken = !m_connection.endpoint().token.isEmpty();
    const QString sortBy = query.sort == "likes" ? "StarsCount" : query.sort == "lastModified" ? "GmtModified" : "DownloadsCount";
    QJsonArray criteria{QJsonObject{{"category", "tasks"}, {"predicate", "contains"}, {"values", QJsonArray{"text-generation"}}}};
    if (!query.author.isEmpty())
        criteria.append(QJsonObject{{"category", "organizations"}, {"predicate", "contains"}, {"values", QJsonArray{query.author}}});
    const QJsonObject body{{"PageSize", query.limit}, {"PageNumber", pageNumber}, {"SortBy", sortBy},
                           {"Target", ""},           {"SingleCriterion", QJsonArray()}, {"Name", query.text},
                           {"Criterion", criteria}};
    auto response = m_connection.call("PUT", m_connection.url("/api/v1/dolphin/models"),
                                      QJsonDocument(body).toJson(QJsonDocument::Compact),
                                      {{"Content-Type", "application/json"}});
    SearchPage result;
    qint64 total = 0;
    // The website's search is undocumented and has answered 404 to non-browser clients;
    // the public OpenAPI listing is the fallback (hub-apis.md §2.3).
    if (response && response->status == 404) {
        QUrlQuery q;
        q.addQueryItem("search", query.text);
        if (!query.author.isEmpty()) q.addQueryItem("owner", query.author);
        q.addQueryItem("sort", query.sort == "likes" ? "likes" : query.sort == "lastModified" ? "last_modified" : "downloads");
        q.addQueryItem("page_number", QString::number(pageNumber));
        q.addQueryItem("page_size", QString::number(query.limit));
        auto data = envelopeData(m_connection.call("GET", m_connection.url("/openapi/v1/models", q.toString(QUrl::FullyEncoded))),
                                 "search", hasToken);
        if (!data) return data.error();
        for (const QJsonValue& v : (*data)["models"].toArray()) result.models.push_back(summaryFromOpenApi(v.toObject()));
        total = qint64((*data)["total_count"].toDouble());
    } else {
        auto data = envelopeData(response, "search", hasToken);
        if (!data) return data.error();
        const QJsonObject models = (*data)["Model"].toObject();
        for (const QJsonValue& v : models["Models"].toArray()) result.models.push_back(summaryFromLegacy(v.toObject()));
        total = qint64(models["TotalCount"].toDouble());
    }
    std::erase_if(result.models, [](const HubModelSummary& m) { return !validateModelId(m.id).ok(); });
    if (qint64(pageNumber) * query.limit < total) result.nextPage = QString::number(pageNumber + 1);
    return result;
}

HubResult<HubModelInfo> ModelScopeClient::modelInfo(const QString& id, const QString& revision) const {
    if (auto valid = validateModelId(id); !valid) return HubError(valid.error());
    const QString rev = revision.isEmpty() ? "master" : revision;
    const QUrl url = m_connection.url("/api/v1/models/" + id, "Revision=" + encodeComponent(rev));
    auto data = envelopeData(m_connection.call("GET", url), id, !m_connection.endpoint().token.isEmpty());
    if (!data) return data.error();
    HubModelInfo info;
    // Stored as the hub spells it: "qwen/…" and "Qwen/…" both resolve (hub-apis.md §4).
    const QString path = (*data)["Path"].toString(), name = (*data)["Name"].toString();
    info.id = !path.isEmpty() && !name.isEmpty() && validateModelId(path + "/" + name) ? path + "/" + name : id;
    info.revision = rev;  // ModelScope has no head commit in model info; the branch or tag is the pin
    info.license = (*data)["License"].toString();
    for (const QJsonValue& t : (*data)["Tags"].toArray()) info.tags << t.toString();
    info.architecture = (*data)["Architectures"].toArray().first().toString();
    info.isPrivate = (*data)["Visibility"].toInt(5) == 1;
    info.baseModel = baseModelOf((*data)["BaseModel"], info.tags);
    return info;
}

HubResult<std::vector<HubFile>> ModelScopeClient::listFiles(const QString& id, const QString& revision) const {
    if (auto valid = validateModelId(id); !valid) return HubError(valid.error());
    const QUrl url = m_connection.url("/api/v1/models/" + id + "/repo/files",
                                      "Revision=" + encodeComponent(revision) + "&Recursive=True");
    auto data = envelopeData(m_connection.call("GET", url), id, !m_connection.endpoint().token.isEmpty());
    if (!data) return data.error();
    std::vector<HubFile> files;
    for (const QJsonValue& v : (*data)["Files"].toArray()) {
        const QJsonObject f = v.toObject();
        if (f["Type"].toString() == "tree") continue;
        files.push_back(HubFile{f["Path"].toString(), qint64(f["Size"].toDouble(-1)), f["Sha256"].toString().toLower(),
                                QString(), f["IsLFS"].toBool()});
    }
    return files;
}

QUrl ModelScopeClient::fileUrl(const QString& id, const QString& revision, const QString& path) const {
    return m_connection.url("/api/v1/models/" + id + "/repo",
                            "Revision=" + encodeComponent(revision) + "&FilePath=" + encodeComponent(path));
}

HubError ModelScopeClient::describeFailure(const HttpResponse& response, const QString& id) const {
    auto data = envelopeData(HubResult<HttpResponse>(response), id, !m_connection.endpoint().token.isEmpty());
    return data ? HubError(makeError("ModelScope: " + id.toStdString() + ": unexpected HTTP " + std::to_string(response.status)),
                           failureKindOfStatus(response.status), response.status)
                : data.error();
}

}  // namespace pagoda::hub
