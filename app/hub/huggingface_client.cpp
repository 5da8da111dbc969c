#include "app/hub/huggingface_client.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QUrlQuery>

#include "app/hub/hub_json.h"
#include "app/hub/model_paths.h"

namespace pagoda::hub {

namespace {

// HF's status codes are deliberately ambiguous without a token (hub-apis.md §1.6): say
// what each means and what the user can do about it; X-Error-Code decides the kind where
// the status alone would mislead (an anonymous 401 for a repo that does not exist).
HubError hubError(const HttpResponse& r, const QString& id, const HubConnection& hub) {
    const QByteArray code = r.header("x-error-code");
    const std::string model = id.toStdString();
    const std::string page = hub.url("/" + id).toString().toStdString();
    const bool hasToken = !hub.endpoint().token.isEmpty();
    const auto fail = [&](std::string message, FailureKind kind) { return HubError(makeError(std::move(message)), kind, r.status); };
    if (code == "GatedRepo" && r.status == 401)
        return fail("Hugging Face: " + model + " is gated: accept its licence at " + page +
                        " and set HF_TOKEN to a token of that account",
                    FailureKind::NeedsToken);
    if (code == "GatedRepo")
        return fail("Hugging Face: your token is not (yet) approved for " + model + "; ask for access at " + page,
                    FailureKind::NoAccess);
    if (code == "RepoNotFound")
        return fail("Hugging Face: " + model + " was not found" + (hasToken ? "" : " (if it is private or gated, set HF_TOKEN)"),
                    FailureKind::NotFound);
    if (code == "RevisionNotFound") return fail("Hugging Face: " + model + " has no such revision", FailureKind::NotFound);
    if (code == "EntryNotFound")
        return fail("Hugging Face: " + model + ": " + r.url.path().toStdString() + " does not exist", FailureKind::NotFound);
    std::string message = r.header("x-error-message").toStdString();
    if (message.empty()) message = bodyExcerpt(r.body);
    return fail("Hugging Face answered HTTP " + std::to_string(r.status) + " for " + r.url.toString().toStdString() +
                    (message.empty() ? "" : ": " + message),
                failureKindOfStatus(r.status));
}

HubResult<QJsonDocument> jsonCall(const HubConnection& hub, const QUrl& url, const QString& id) {
    auto response = hub.call("GET", url);
    if (!response) return response.error();
    if (response->status != 200) return hubError(*response, id, hub);
    auto doc = parseJsonBody(*response);
    if (!doc) return HubError(doc.error());
    return std::move(*doc);
}

// One page of a Link-paged JSON array (search results, tree entries) and where the next is.
struct ArrayPage {
    QJsonArray items;
    QUrl next;
};

HubResult<ArrayPage> arrayCall(const HubConnection& hub, const QUrl& url, const QString& id, const char* what) {
    auto response = hub.call("GET", url);
    if (!response) return response.error();
    if (response->status != 200) return hubError(*response, id, hub);
    auto doc = parseJsonBody(*response);
    if (!doc) return HubError(doc.error());
    if (!doc->isArray()) return HubError(makeError(url.toString().toStdString() + ": expected a JSON array of " + what));
    return ArrayPage{doc->array(), nextLink(*response)};
}

QString licenseOf(const QJsonObject& info) {
    const QString fromCard = info["cardData"].toObject()["license"].toString();
    if (!fromCard.isEmpty()) return fromCard;
    for (const QJsonValue& tag : info["tags"].toArray())
        if (tag.toString().startsWith("license:")) return tag.toString().mid(8);
    return {};
}

QStringList toStringList(const QJsonValue& v) {
    QStringList out;
    for (const QJsonValue& item : v.toArray()) out << item.toString();
    return out;
}

}  // namespace

HubResult<SearchPage> HuggingFaceClient::search(const SearchQuery& query, const QString& page) const {
    QUrl url;
    if (!page.isEmpty()) {
        url = QUrl(page);
        // The cursor URL comes from the server's Link header; follow it only on the hub itself.
        if (url.host() != m_connection.endpoint().baseUrl.host())
            return HubError(makeError("Hugging Face: refusing a next-page link to another host: " + page.toStdString()));
    } else {
        QUrlQuery q;
        if (!query.text.isEmpty()) q.addQueryItem("search", query.text);
        if (!query.author.isEmpty()) q.addQueryItem("author", query.author);
        // Safetensors and GGUF repos both: the hub ANDs its filters, so the choice is made below.
        q.addQueryItem("pipeline_tag", "text-generation");
        q.addQueryItem("sort", query.sort.isEmpty() ? "downloads" : query.sort);
        q.addQueryItem("limit", QString::number(query.limit));
        url = m_connection.url("/api/models", q.toString(QUrl::FullyEncoded));
    }
    auto found = arrayCall(m_connection, url, query.text, "models");
    if (!found) return found.error();
    SearchPage result;
    for (const QJsonValue& v : found->items) {
        const QJsonObject o = v.toObject();
        HubModelSummary m;
        m.id = o["id"].toString(o["modelId"].toString());
        if (!validateModelId(m.id)) continue;  // never offer an id that could not be a folder
        m.downloads = qint64(o["downloads"].toDouble());
        m.likes = qint64(o["likes"].toDouble());
        m.lastModified = o["lastModified"].toString(o["createdAt"].toString());
        m.tags = toStringList(o["tags"]);
        m.gated = o["gated"].isString() || o["gated"].toBool();
        if (!m.tags.contains("safetensors") && !m.tags.contains("gguf")) continue;  // weights Pagoda cannot load
        result.models.push_back(m);
    }
    if (found->next.isValid()) result.nextPage = found->next.toString(QUrl::FullyEncoded);
    return result;
}

HubResult<HubModelInfo> HuggingFaceClient::modelInfo(const QString& id, const QString& revision) const {
    if (auto valid = validateModelId(id); !valid) return HubError(valid.error());
    const QString path = "/api/models/" + id + (revision.isEmpty() ? "" : "/revision/" + encodeComponent(revision));
    auto doc = jsonCall(m_connection, m_connection.url(path), id);
    if (!doc) return doc.error();
    const QJsonObject o = doc->object();
    HubModelInfo info;
    info.id = o["id"].toString(id);
    info.revision = o["sha"].toString();
    if (validateModelId(info.id).ok() == false)
        return HubError(makeError("Hugging Face: model info for " + id.toStdString() + " names an invalid id"));
    if (info.revision.isEmpty()) return HubError(makeError("Hugging Face: model info for " + id.toStdString() + " has no commit sha"));
    info.gated = o["gated"].isString() ? o["gated"].toString() : QString();
    info.isPrivate = o["private"].toBool();
    info.license = licenseOf(o);
    info.tags = toStringList(o["tags"]);
    info.architecture = o["config"].toObject()["architectures"].toArray().first().toString();
    info.parameters = qint64(o["safetensors"].toObject()["total"].toDouble());
    info.baseModel = baseModelOf(o["cardData"].toObject()["base_model"], info.tags);
    return info;
}

HubResult<std::vector<HubFile>> HuggingFaceClient::listFiles(const QString& id, const QString& revision) const {
    if (auto valid = validateModelId(id); !valid) return HubError(valid.error());
    std::vector<HubFile> files;
    QUrl url = m_connection.url("/api/models/" + id + "/tree/" + encodeComponent(revision), "recursive=true&expand=false");
    for (int page = 0; url.isValid(); ++page) {
        if (page > 10000) return HubError(makeError("Hugging Face: the file list of " + id.toStdString() + " never ends"));
        auto entries = arrayCall(m_connection, url, id, "files");
        if (!entries) return entries.error();
        for (const QJsonValue& v : entries->items) {
            const QJsonObject o = v.toObject();
            if (o["type"].toString() != "file") continue;
            const QJsonObject lfs = o["lfs"].toObject();
            files.push_back(HubFile{o["path"].toString(), qint64(o["size"].toDouble(-1)),
                                    lfs["oid"].toString().toLower(), o["oid"].toString().toLower(), !lfs.isEmpty()});
        }
        url = entries->next.isValid() && entries->next.host() == url.host() ? entries->next : QUrl();
    }
    return files;
}

QUrl HuggingFaceClient::fileUrl(const QString& id, const QString& revision, const QString& path) const {
    return m_connection.url("/" + id + "/resolve/" + encodeComponent(revision) + "/" + encodePathSegments(path));
}

HubError HuggingFaceClient::describeFailure(const HttpResponse& response, const QString& id) const {
    return hubError(response, id, m_connection);
}

}  // namespace pagoda::hub
