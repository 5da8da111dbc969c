#include "app/cli/serve_command.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTextStream>
#include <QTimer>

#include <atomic>

#include <csignal>

#include <fmt/format.h>

#include "app/api/api_server.h"
#include "app/cli/engine_options.h"
#include "app/host/engine_host.h"

namespace pagoda::cli {

namespace {

// Signal handlers may only set a flag; a timer on the event loop acts on it.
std::atomic<bool> g_stopRequested{false};
void requestStop(int) { g_stopRequested = true; }

}  // namespace

int runServe(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription("Serve a model over the OpenAI-compatible HTTP API.");
    parser.addHelpOption();
    addEngineOptions(parser);
    parser.addOptions({
        {"host", "Address to listen on (default 127.0.0.1: this machine only).", "address", "127.0.0.1"},
        {"port", "Port to listen on (default 8000).", "port", "8000"},
        {"api-key", "Require this Bearer key on every route but /health and /version (repeatable; also "
                    "$PAGODA_API_KEY).", "key"},
        {"served-model-name", "Name(s) clients use for the model (repeatable; the first is reported).", "name"},
        {"allowed-origins", "Web pages allowed to call the API from a browser (CORS), comma-separated, or *. "
                            "Pages of this machine and editor webviews are always allowed.", "list"},
        {"allowed-hosts", "Host names a loopback server answers besides localhost and loopback addresses "
                          "(DNS-rebinding guard), comma-separated, or *.", "list"},
        {"timeout-keep-alive", "Close a connection idle this many seconds (default 5).", "seconds", "5"},
        {"max-connections", "Open connections at most; beyond them a client is answered 503 (default 256).", "n",
         "256"},
    });
    parser.process(arguments);

    QTextStream err(stderr);
    auto fail = [&](const std::string& message) {
        err << "pagoda serve: " << QString::fromStdString(message) << "\n";
        return 1;
    };
    auto options = readEngineOptions(parser);
    if (!options) return fail(options.error().message);
    ApiServerOptions serverOptions;
    if (!serverOptions.host.setAddress(parser.value("host"))) return fail("--host must be an IP address");
    bool ok = false;
    const int port = parser.value("port").toInt(&ok);
    if (!ok || port < 0 || port > 65535) return fail("--port must be between 0 and 65535");
    serverOptions.port = quint16(port);
    serverOptions.apiKeys = parser.values("api-key");
    if (serverOptions.apiKeys.isEmpty() && qEnvironmentVariableIsSet("PAGODA_API_KEY"))
        serverOptions.apiKeys << qEnvironmentVariable("PAGODA_API_KEY");
    serverOptions.servedModelNames = parser.values("served-model-name");
    // As vLLM: a model given by id is served under that id, not its folder's name.
    if (serverOptions.servedModelNames.isEmpty() && !QFileInfo(parser.value("model")).isDir())
        serverOptions.servedModelNames << parser.value("model");
    if (parser.isSet("allowed-origins")) serverOptions.allowedOrigins = parser.value("allowed-origins").split(',');
    if (parser.isSet("allowed-hosts")) serverOptions.allowedHosts = parser.value("allowed-hosts").split(',');
    const double keepAlive = parser.value("timeout-keep-alive").toDouble(&ok);
    if (!ok || keepAlive <= 0 || keepAlive > 86400) return fail("--timeout-keep-alive must be between 0 and 86400 seconds");
    serverOptions.limits.keepAliveTimeoutMs = int(keepAlive * 1000);
    const int maxConnections = parser.value("max-connections").toInt(&ok);
    if (!ok || maxConnections < 1 || maxConnections > 1'000'000) return fail("--max-connections must be at least 1");
    serverOptions.limits.maxConnections = maxConnections;

    EngineHost host;
    err << "loading " << QString::fromStdString(options->modelDir.string()) << "\n";
    err.flush();
    if (auto loaded = host.load(*options); !loaded) return fail(loaded.error().message);
    if (!host.backendNote().isEmpty()) err << host.backendNote() << "\n";
    if (!host.chatTemplateProblem().isEmpty())
        err << "warning: chat is unavailable, the model's chat template cannot be used: " << host.chatTemplateProblem()
            << " (--chat-template FILE gives one)\n";
    if (const KvCacheSizing* cache = host.cacheSizing(); cache && !cache->note.empty())
        err << QString::fromStdString(cache->note) << "\n";

    ApiServer server(host, serverOptions);
    QObject::connect(&server, &ApiServer::requestLogged, [&err](const QString& line) {
        err << line << "\n";
        err.flush();
    });
    if (auto started = server.start(); !started) return fail(started.error().message);
    if (serverOptions.exposedWithoutKey())
        err << "warning: listening on " << serverOptions.host.toString()
            << " without --api-key: anyone who can reach this address can use the model\n";
    err << QString::fromStdString(fmt::format("serving {} (max_model_len {}) on http://{}:{}\n",
                                              serverOptions.servedModelNames.value(0, host.modelName()).toStdString(),
                                              host.maxModelLen(),
                                              serverOptions.host.toString().toStdString(), server.port()));
    err.flush();
    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    QTimer stopPoll;
    QObject::connect(&stopPoll, &QTimer::timeout, [] {
        if (g_stopRequested) QCoreApplication::quit();
    });
    stopPoll.start(100);
    return QCoreApplication::exec();
}

}  // namespace pagoda::cli
