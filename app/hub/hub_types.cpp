#include "app/hub/hub_types.h"

namespace pagoda::hub {

QString hubName(HubKind kind) { return kind == HubKind::HuggingFace ? "huggingface" : "modelscope"; }

std::optional<HubKind> parseHubName(const QString& name) {
    const QString n = name.trimmed().toLower();
    if (n == "huggingface" || n == "hf") return HubKind::HuggingFace;
    if (n == "modelscope" || n == "ms") return HubKind::ModelScope;
    return std::nullopt;
}

}  // namespace pagoda::hub
