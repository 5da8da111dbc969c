// The flags `pull` and `search` share to choose a hub: --hub, --endpoint, --mirror.
// Tokens come from the environment only (HF_TOKEN, MODELSCOPE_API_TOKEN), never from the
// command line, where other users of the machine could read them.
#pragma once

#include <QCommandLineParser>

#include "app/hub/hub_connection.h"
#include "app/hub/network_failure.h"

namespace pagoda::cli {

void addHubOptions(QCommandLineParser& parser);
Result<hub::HubEndpoint> readHubEndpoint(const QCommandLineParser& parser);

// A failed hub call as the window says it (one sentence with the next step, from adviceFor),
// the flags that take that step, and the URL and curl's words on a second line.
QString describeHubFailure(const hub::FailureAdvice& advice, hub::HubKind hub, bool mirror);
QString describeHubFailure(const hub::HubError& error, const hub::HubEndpoint& endpoint, const QString& model = {});

// "1.2 GiB / 3.4 GiB  12.3 MiB/s  ETA 0:14" and friends, for progress lines.
QString formatDuration(qint64 seconds);

}  // namespace pagoda::cli
