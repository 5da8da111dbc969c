// The Hugging Face Hub over its HTTP API (hub-apis.md §1): /api/models search with Link
// cursor paging, model info for the commit sha, the recursive tree for sizes and hashes,
// and /resolve/<commit>/<path> for the bytes.
#pragma once

#include "app/hub/hub_client.h"

namespace pagoda::hub {

class HuggingFaceClient final : public HubClient {
public:
    explicit HuggingFaceClient(HubConnection connection) : HubClient(std::move(connection)) {}

    HubResult<SearchPage> search(const SearchQuery& query, const QString& page) const override;
    HubResult<HubModelInfo> modelInfo(const QString& id, const QString& revision) const override;
    HubResult<std::vector<HubFile>> listFiles(const QString& id, const QString& revision) const override;
    QUrl fileUrl(const QString& id, const QString& revision, const QString& path) const override;
    HubError describeFailure(const HttpResponse& response, const QString& id) const override;
};

}  // namespace pagoda::hub
