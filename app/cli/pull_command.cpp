#include "app/cli/pull_command.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <unistd.h>

#include <optional>

#include "app/cli/hub_options.h"
#include "app/hub/download_queue.h"
#include "app/hub/gguf_quants.h"

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
        "From a GGUF repository, one quantization: name it as ID:TAG (Qwen/Qwen2.5-7B-Instruct-GGUF:Q4_K_M, any case) "
        "or with --file; without either Pagoda takes Q4_K_M and says so, and lists the others. "
        "Files are verified against the hub's sha256; an interrupted pull resumes when run again. "
        "Gated models need HF_TOKEN (Hugging Face) or MODELSCOPE_API_TOKEN.");
    parser.addHelpOption();
    parser.addPositionalArgument("id", "The model, e.g. Qwen/Qwen2.5-0.5B-Instruct or Qwen/Qwen3-8B-GGUF:Q4_K_M.");
    addHubOptions(parser);
    parser.addOption({"revision", "A branch, tag or commit (default: main on Hugging Face, master on ModelScope).", "rev"});
    parser.addOption({"file", "From a GGUF repository, the quantization in this .gguf file (any part of a split "
                              "model brings all its parts), instead of a :TAG.", "name"});
    parser.process(arguments);

    QTextStream err(stderr), out(stdout);
    auto fail = [&](const QString& message) {
        err << "pagoda pull: " << message << "\n";
        return 1;
    };
    if (parser.positionalArguments().size() != 1) return fail("give one model id, e.g. pagoda pull Qwen/Qwen2.5-0.5B-Instruct");
    const auto [id, tag] = hub::splitQuantTag(parser.positionalArguments().first());
    if (!tag.isEmpty() && parser.isSet("file")) return fail("name the quantization once: either " + id + ":" + tag + " or --file");
    if (parser.isSet("file") && parser.value("file").isEmpty()) return fail("--file needs a .gguf file name");
    auto endpoint = readHubEndpoint(parser);
    if (!endpoint) return fail(QString::fromStdString(endpoint.error().message));

    hub::DownloadQueue::Options options;
    options.endpointFor = [e = *endpoint](hub::HubKind) { return e; };
    hub::DownloadQueue queue(options);
    const bool terminal = isatty(STDERR_FILENO);
    QElapsedTimer sinceLine;
    sinceLine.start();
    std::optional<hub::DownloadProgress> failed;  // the classified failure, for what `finished` reports
    QObject::connect(&queue, &hub::DownloadQueue::progress, [&](const hub::DownloadProgress& p) {
        if (p.state == hub::DownloadState::Failed) failed = p;
        if (p.state != hub::DownloadState::Downloading) return;
        if (terminal) {
            err << "\r" << progressLine(p, true) << "   " << Qt::flush;
        } else if (sinceLine.elapsed() > 5000) {  // a log file gets a line every few seconds, not a bar
            err << progressLine(p, false) << "\n" << Qt::flush;
            sinceLine.restart();
        }
    });
    // The default quant of a GGUF repo is announced where the result goes: what was taken and what else there is.
    QObject::connect(&queue, &hub::DownloadQueue::planned, [&](const QString&, const QString& note) { out << note << "\n" << Qt::flush; });
    int status = 1;
    QObject::connect(&queue, &hub::DownloadQueue::finished,
                     [&](const QString&, bool ok, const QString& message, const QString& folder) {
                         if (terminal) err << "\n";
                         if (ok) {
                             out << folder << "\n";
                             status = 0;
                         } else {
                             err << "pagoda pull: "
                                 << (failed ? describeHubFailure(hub::adviceFor(failed->failure, failed->httpStatus,
                                                                                failed->error, failed->hub,
                                                                                failed->viaMirror, failed->modelId),
                                                                 failed->hub, failed->viaMirror)
                                            : message)
                                 << "\n";
                         }
                         QCoreApplication::exit(status);
                     });
    err << "Pulling " << parser.positionalArguments().first() << " from " << hub::hubDisplayName(endpoint->kind) << " ("
        << endpoint->baseUrl.toString() << ")\n";
    queue.enqueue({endpoint->kind, id, parser.value("revision"), {tag, parser.value("file")}});
    QCoreApplication::exec();
    return status;
}

}  // namespace pagoda::cli
