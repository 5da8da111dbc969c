// ModelScope over its HTTP API (hub-apis.md §2): the website's search (PUT
// /api/v1/dolphin/models, with the public OpenAPI as fallback), model info, the recursive
// file list with Sha256 for every file, and /repo?FilePath= for the bytes. Its answers come
// in an envelope that can say "failed" inside an HTTP 200; both forms are errors here.
#pragma once

#include "app/hub/hub_client.h"

namespace pagoda::hub {

class ModelScopeClient final : public HubClient {
public:
    explicit ModelScopeClient(HubConnection connection) : HubClient(std::move(connection)) {}

    HubResult<SearchPage> search(const SearchQuery& query, const QString& page) const override;
    HubResult<HubModelInfo> modelInfo(const QString& id, const QString& revision) const override;
    HubResult<std::vector<HubFile>> listFiles(const QString& id, const QString& revision) const override;
    QUrl fileUrl(const QString& id, const QString& revision, const QString& path) const override;
    HubError describeFailure(const HttpResponse& response, const QString& id) const override;
};

}  // namespace pagoda::hub
