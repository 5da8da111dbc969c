// The flags `pull` and `search` share to choose a hub: --hub, --endpoint, --mirror.
// Tokens come from the environment only (HF_TOKEN, MODELSCOPE_API_TOKEN), never from the
// command line, where other users of the machine could read them.
#pragma once

#include <QCommandLineParser>

#include "app/hub/hub_connection.h"

namespace pagoda::cli {

void addHubOptions(QCommandLineParser& parser);
Result<hub::HubEndpoint> readHubEndpoint(const QCommandLineParser& parser);

// "1.2 GiB / 3.4 GiB  12.3 MiB/s  ETA 0:14" and friends, for progress lines.
QString formatDuration(qint64 seconds);

}  // namespace pagoda::cli
