#include "app/chat/chat_generator.h"

namespace pagoda::chat {

void fillTiming(store::MessageStats& stats, qint64 firstTokenNs, qint64 totalNs) {
    if (firstTokenNs < 0) return;
    stats.timeToFirstToken = double(firstTokenNs) * 1e-9;
    const double decodeSeconds = double(totalNs - firstTokenNs) * 1e-9;
    if (stats.completionTokens > 1 && decodeSeconds > 0) stats.tokensPerSecond = (stats.completionTokens - 1) / decodeSeconds;
}

bool chatTemplateCanThink(const QString& templateSource) {
    return templateSource.contains(QLatin1String("enable_thinking")) || templateSource.contains(QLatin1String("<think>"));
}

}  // namespace pagoda::chat
