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
        {"api-key", "Require this Bearer key on /v1 routes (repeatable; also $PAGODA_API_KEY).", "key"},
        {"served-model-name", "Name(s) clients use for the model (repeatable; the first is reported).", "name"},
        {"allowed-origins", "CORS: origins allowed to call the API from a browser, comma-separated, or *.", "list"},
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

    EngineHost host;
    err << "loading " << QString::fromStdString(options->modelDir.string()) << "\n";
    err.flush();
    if (auto loaded = host.load(*options); !loaded) return fail(loaded.error().message);
    if (!host.backendNote().isEmpty()) err << host.backendNote() << "\n";
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
