// What Pagoda asks of a model hub, whichever hub it is: search, a model's details pinned to
// a revision, its files with sizes and hashes, and where to fetch each file. Calls block:
// make them from a worker thread (the download queue and the CLI do). Failures carry their
// kind (network_failure.h), so the window can say what to do about them.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "app/hub/hub_connection.h"
#include "app/hub/hub_types.h"
#include "engine/common/result.h"

namespace pagoda::hub {

class HubClient {
public:
    virtual ~HubClient() = default;

    // First page when `page` is empty; SearchPage::nextPage continues.
    virtual HubResult<SearchPage> search(const SearchQuery& query, const QString& page = {}) const = 0;
    // revision: empty for the default branch. The answer's revision is what to pin.
    virtual HubResult<HubModelInfo> modelInfo(const QString& id, const QString& revision = {}) const = 0;
    // Every file of the repo at that pinned revision (directories left out).
    virtual HubResult<std::vector<HubFile>> listFiles(const QString& id, const QString& revision) const = 0;
    // The hub URL that answers (often by redirect) with the file's bytes. Ask again on
    // every attempt: the CDN URLs it redirects to are signed and expire.
    virtual QUrl fileUrl(const QString& id, const QString& revision, const QString& path) const = 0;
    // What a final non-success answer means for this hub, in words a user can act on, and
    // its kind (a gated repo needs a token, a missing one is not found, …).
    virtual HubError describeFailure(const HttpResponse& response, const QString& id) const = 0;

    const HubConnection& connection() const { return m_connection; }
    HubKind kind() const { return m_connection.endpoint().kind; }

protected:
    explicit HubClient(HubConnection connection) : m_connection(std::move(connection)) {}
    HubConnection m_connection;
};

std::unique_ptr<HubClient> makeHubClient(HubEndpoint endpoint, RetryPolicy retry = {});

// "Hugging Face" / "ModelScope", for messages.
QString hubDisplayName(HubKind kind);

}  // namespace pagoda::hub
