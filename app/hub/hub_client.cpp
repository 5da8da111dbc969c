#include "app/hub/hub_client.h"

#include "app/hub/huggingface_client.h"
#include "app/hub/modelscope_client.h"

namespace pagoda::hub {

std::unique_ptr<HubClient> makeHubClient(HubEndpoint endpoint, RetryPolicy retry) {
    const HubKind kind = endpoint.kind;
    HubConnection connection(std::move(endpoint), retry);
    if (kind == HubKind::HuggingFace) return std::make_unique<HuggingFaceClient>(std::move(connection));
    return std::make_unique<ModelScopeClient>(std::move(connection));
}

QString hubDisplayName(HubKind kind) { return kind == HubKind::HuggingFace ? "Hugging Face" : "ModelScope"; }

}  // namespace pagoda::hub
