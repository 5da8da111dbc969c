#include "app/hub/hub_types.h"

namespace pagoda::hub {

QString hubName(HubKind kind) { return kind == HubKind::HuggingFace ? "huggingface" : "modelscope"; }

std::optional<HubKind> parseHubName(const QString& name) {
    const QString n = name.trimmed().toLower();
    if (n == "huggingface" || n == "hf") return HubKind::HuggingFace;
    if (n == "modelscope" || n == "ms") return HubKind::ModelScope;
    return std::nullopt;
}

QString formatBytes(qint64 bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = double(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) value /= 1024, ++unit;
    return unit == 0 ? QString("%1 B").arg(bytes) : QString("%1 %2").arg(value, 0, 'f', value < 10 ? 2 : 1).arg(units[unit]);
}

}  // namespace pagoda::hub
