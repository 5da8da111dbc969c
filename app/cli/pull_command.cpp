#include "app/cli/pull_command.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <unistd.h>

#include "app/cli/hub_options.h"
#include "app/hub/download_queue.h"

namespace pagoda::cli {

namespace {

QString progressLine(const hub::DownloadProgress& p, bool bar) {
    const double fraction = p.bytesTotal > 0 ? double(p.bytesDone) / double(p.bytesTotal) : 0;
    QString line;
    if (bar) {
        const int width = 30, filled = int(fraction * width);
        line = "[" + QString(filled, '#') + QString(width - filled, '.') + "] ";
    }
    line += QString("%1% %2 / %3  %4/s  ETA %5  (%6/%7 files)")
                .arg(int(fraction * 100), 3)
                .arg(hub::formatBytes(p.bytesDone), hub::formatBytes(p.bytesTotal), hub::formatBytes(qint64(p.bytesPerSecond)))
                .arg(formatDuration(p.etaSeconds))
                .arg(p.filesDone)
                .arg(p.filesTotal);
    return line;
}

}  // namespace

int runPull(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Download a model (config, tokenizer, chat template and safetensors weights only) into Pagoda's library. "
        "Files are verified against the hub's sha256; an interrupted pull resumes when run again. "
        "Gated models need HF_TOKEN (Hugging Face) or MODELSCOPE_API_TOKEN.");
    parser.addHelpOption();
    parser.addPositionalArgument("id", "The model, e.g. Qwen/Qwen2.5-0.5B-Instruct.");
    addHubOptions(parser);
    parser.addOption({"revision", "A branch, tag or commit (default: main on Hugging Face, master on ModelScope).", "rev"});
    parser.process(arguments);

    QTextStream err(stderr), out(stdout);
    auto fail = [&](const QString& message) {
        err << "pagoda pull: " << message << "\n";
        return 1;
    };
    if (parser.positionalArguments().size() != 1) return fail("give one model id, e.g. pagoda pull Qwen/Qwen2.5-0.5B-Instruct");
    auto endpoint = readHubEndpoint(parser);
    if (!endpoint) return fail(QString::fromStdString(endpoint.error().message));

    hub::DownloadQueue::Options options;
    options.endpointFor = [e = *endpoint](hub::HubKind) { return e; };
    hub::DownloadQueue queue(options);
    const bool terminal = isatty(STDERR_FILENO);
    QElapsedTimer sinceLine;
    sinceLine.start();
    QObject::connect(&queue, &hub::DownloadQueue::progress, [&](const hub::DownloadProgress& p) {
        if (p.state != hub::DownloadState::Downloading) return;
        if (terminal) {
            err << "\r" << progressLine(p, true) << "   " << Qt::flush;
        } else if (sinceLine.elapsed() > 5000) {  // a log file gets a line every few seconds, not a bar
            err << progressLine(p, false) << "\n" << Qt::flush;
            sinceLine.restart();
        }
    });
    int status = 1;
    QObject::connect(&queue, &hub::DownloadQueue::finished,
                     [&](const QString&, bool ok, const QString& message, const QString& folder) {
                         if (terminal) err << "\n";
                         if (ok) {
                             out << folder << "\n";
                             status = 0;
                         } else {
                             err << "pagoda pull: " << message << "\n";
                         }
                         QCoreApplication::exit(status);
                     });
    const QString id = parser.positionalArguments().first();
    err << "Pulling " << id << " from " << hub::hubDisplayName(endpoint->kind) << " (" << endpoint->baseUrl.toString() << ")\n";
    queue.enqueue({endpoint->kind, id, parser.value("revision")});
    QCoreApplication::exec();
    return status;
}

}  // namespace pagoda::cli
