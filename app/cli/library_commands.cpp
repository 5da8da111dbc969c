#include "app/cli/library_commands.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include "app/hub/download_queue.h"
#include "app/hub/model_library.h"

namespace pagoda::cli {

namespace {

QString compactCount(qint64 n) {
    if (n >= 1'000'000'000) return QString::number(double(n) / 1e9, 'f', 1) + "B";
    if (n >= 1'000'000) return QString::number(double(n) / 1e6, 'f', 1) + "M";
    if (n >= 1'000) return QString::number(double(n) / 1e3, 'f', 1) + "K";
    return QString::number(n);
}

QString hubPrefix(const hub::LocalModel& m) { return m.hub ? hub::hubName(*m.hub) + ":" : QString(); }

}  // namespace

int runList(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "The models on this machine: downloaded by Pagoda, found in the Hugging Face and ModelScope caches, or imported. "
        "Each downloaded quantization of a GGUF repository is a row of its own, named ID:TAG as --model takes it, "
        "its SIZE the sum of its files. MEMORY is the estimate at an 8K-token context against the memory available now; MAX CTX the longest "
        "context that fits.");
    parser.addHelpOption();
    parser.addOption({"json", "One JSON object per model, for scripts."});
    parser.process(arguments);
    QTextStream out(stdout);

    const hub::ModelLibrary library;
    const qint64 available = hub::availableMemoryBytes();
    const auto models = library.scan();
    if (parser.isSet("json")) {
        QJsonArray list;
        for (const auto& m : models) {
            const auto estimate = hub::estimateMemory(m.shape, hub::kFitContextTokens, available);
            list.append(QJsonObject{{"id", m.id}, {"quant", m.quant}, {"name", m.name()},
                                    {"hub", m.hub ? hub::hubName(*m.hub) : QString()},
                                    {"source", hub::sourceName(m.source)}, {"status", hub::statusName(m.status)},
                                    {"problem", m.problem}, {"folder", m.folder}, {"architecture", m.architecture},
                                    {"parameters", double(m.parameters)}, {"dtype", m.dtype},
                                    {"sizeOnDisk", double(m.sizeOnDisk)}, {"contextLength", m.contextLength},
                                    {"memoryBytes", double(estimate.totalBytes)}, {"fit", hub::fitLabel(estimate.fit)},
                                    {"maxContextThatFits", hub::maxContextFor(m.shape, available)}});
        }
        out << QJsonDocument(list).toJson();
        return 0;
    }
    if (models.empty()) {
        out << "No models yet. Download one with: pagoda pull Qwen/Qwen2.5-0.5B-Instruct\n";
        return 0;
    }
    int width = 24;
    for (const auto& m : models) width = std::max(width, int(hubPrefix(m).size() + m.name().size()));
    out << QString("%1  %2  %3  %4  %5  %6  %7  %8  %9\n")
               .arg("MODEL", -width).arg("STATUS", -10).arg("ARCHITECTURE", -18).arg("PARAMS", 6).arg("DTYPE", -5)
               .arg("SIZE", 10).arg("CONTEXT", 7).arg("MEMORY@8K", -22).arg("MAX CTX");
    for (const auto& m : models) {
        const bool ready = m.status == hub::ModelStatus::Ready;
        const auto estimate = hub::estimateMemory(m.shape, hub::kFitContextTokens, available);
        const QString memory = ready ? hub::formatBytes(estimate.totalBytes) + " (" + hub::fitLabel(estimate.fit) + ")" : "-";
        out << QString("%1  %2  %3  %4  %5  %6  %7  %8  %9\n")
                   .arg(hubPrefix(m) + m.name(), -width)
                   .arg(hub::statusName(m.status), -10)
                   .arg(m.architecture.left(18), -18)
                   .arg(m.parameters ? compactCount(m.parameters) : "-", 6)
                   .arg(m.dtype, -5)
                   .arg(hub::formatBytes(m.sizeOnDisk), 10)
                   .arg(m.contextLength, 7)
                   .arg(memory, -22)
                   .arg(ready ? QString::number(hub::maxContextFor(m.shape, available)) : "-");
        if (!ready) out << QString(" ").repeated(4) << m.problem << "\n";
        if (m.source != hub::ModelSource::Pagoda) out << "    " << hub::sourceName(m.source) << ": " << m.folder << "\n";
    }
    return 0;
}

int runRemove(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Delete a model Pagoda downloaded (or stop and delete an unfinished download), or forget an imported folder "
        "(its files stay). Models in the Hugging Face or ModelScope caches belong to those tools and are left alone.");
    parser.addHelpOption();
    parser.addPositionalArgument("id", "The model, as `pagoda list` shows it (e.g. Qwen/Qwen3-0.6B, modelscope:Qwen/Qwen3-0.6B "
                                       "or Qwen/Qwen3-8B-GGUF:Q4_K_M).");
    parser.process(arguments);
    QTextStream out(stdout), err(stderr);
    if (parser.positionalArguments().size() != 1) {
        err << "pagoda rm: give one model id, as `pagoda list` shows it\n";
        return 1;
    }
    const QString id = parser.positionalArguments().first();

    // An unfinished download is first taken off the queue, which deletes what it wrote.
    bool cancelled = false;
    {
        hub::DownloadQueue queue;
        for (const auto& d : queue.downloads()) {
            const QString key = d.key;
            if (key.compare(id, Qt::CaseInsensitive) != 0 && key.section(':', 1).compare(id, Qt::CaseInsensitive) != 0) continue;
            queue.cancel(key);
            cancelled = true;
        }
    }
    const hub::ModelLibrary library;
    const auto model = library.find(id);
    if (!model) {
        if (cancelled) {
            out << "Cancelled the unfinished download of " << id << "\n";
            return 0;
        }
        err << "pagoda rm: no model '" << id << "' in the library; see `pagoda list`\n";
        return 1;
    }
    if (auto removed = library.remove(*model); !removed) {
        err << "pagoda rm: " << QString::fromStdString(removed.error().message) << "\n";
        return 1;
    }
    out << (model->source == hub::ModelSource::Imported ? "Forgot " : "Removed ") << hubPrefix(*model) << model->name() << " ("
        << model->folder << ")\n";
    return 0;
}

}  // namespace pagoda::cli
