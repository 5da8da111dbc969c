#include "app/cli/hub_options.h"

#include <fmt/format.h>

namespace pagoda::cli {

void addHubOptions(QCommandLineParser& parser) {
    parser.addOptions({
        {"hub", "huggingface (default) or modelscope.", "hub", "huggingface"},
        {"endpoint", "The hub's base URL (default: HF_ENDPOINT or https://huggingface.co; "
                     "MODELSCOPE_ENDPOINT or https://www.modelscope.cn).", "url"},
        {"mirror", "Use the Hugging Face mirror https://hf-mirror.com (your token is never sent to it)."},
    });
}

Result<hub::HubEndpoint> readHubEndpoint(const QCommandLineParser& parser) {
    const auto kind = hub::parseHubName(parser.value("hub"));
    if (!kind) return makeError(fmt::format("--hub '{}': use huggingface or modelscope", parser.value("hub").toStdString()));
    if (parser.isSet("mirror") && *kind != hub::HubKind::HuggingFace)
        return makeError("--mirror is for Hugging Face; ModelScope is reachable in China as it is");
    hub::HubEndpoint endpoint = hub::HubEndpoint::forChoice(*kind, parser.isSet("mirror"));
    if (parser.isSet("endpoint")) {
        const QUrl url(parser.value("endpoint"), QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != "https" && url.scheme() != "http") || url.host().isEmpty())
            return makeError(fmt::format("--endpoint '{}' is not an http(s) URL", parser.value("endpoint").toStdString()));
        endpoint.baseUrl = url;
        endpoint.isMirror = url.host() == hub::HubEndpoint::huggingFaceMirrorUrl().host();
    }
    return endpoint;
}

QString describeHubFailure(const hub::FailureAdvice& advice, hub::HubKind hub, bool mirror) {
    QString text = advice.sentence;
    if (advice.switchingHubHelps) {
        if (hub == hub::HubKind::ModelScope) text += " (--hub huggingface, or --hub huggingface --mirror)";
        else text += mirror ? " (--hub modelscope, or leave out --mirror)" : " (--hub modelscope, or --mirror)";
    }
    if (!advice.details.isEmpty() && advice.details != advice.sentence) text += "\n  details: " + advice.details;
    return text;
}

QString describeHubFailure(const hub::HubError& error, const hub::HubEndpoint& endpoint, const QString& model) {
    return describeHubFailure(hub::adviceFor(error, endpoint.kind, endpoint.isMirror, model), endpoint.kind,
                              endpoint.isMirror);
}

QString formatDuration(qint64 seconds) {
    if (seconds < 0) return "--:--";
    if (seconds >= 3600) return QString("%1:%2:%3").arg(seconds / 3600).arg(seconds / 60 % 60, 2, 10, QChar('0')).arg(seconds % 60, 2, 10, QChar('0'));
    return QString("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QChar('0'));
}

}  // namespace pagoda::cli
