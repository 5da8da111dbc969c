#include "app/hub/model_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include <fmt/format.h>

namespace pagoda::hub {

// Spelled out rather than AppDataLocation, which follows the running executable's name:
// the CLI, the app and the test suites must all find the same folder.
QString modelsRoot() { return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/pagoda/models"; }

QString bundledModelFolder() {
    const QString folder = QDir::cleanPath(QCoreApplication::applicationDirPath() + "/../share/pagoda/demo-model");
    return QFileInfo(folder + "/config.json").isFile() ? folder : QString();
}

Status validateModelId(const QString& id) {
    static const QRegularExpression pattern("^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$");
    const QStringList parts = id.split('/');
    const bool dots = parts.contains(".") || parts.contains("..");
    if (!pattern.match(id).hasMatch() || dots)
        return makeError(fmt::format("'{}' is not a model id; expected owner/name, e.g. Qwen/Qwen2.5-0.5B-Instruct",
                                     id.toStdString()));
    return Ok{};
}

QString modelFolder(HubKind hub, const QString& id) { return modelsRoot() + "/" + hubName(hub) + "/" + id; }

bool isSafeRepoPath(const QString& path) {
    if (path.isEmpty() || path.size() > 1024 || path.startsWith('/') || path.contains('\\') || path.contains(':'))
        return false;
    for (const QChar c : path)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) return false;
    for (const QString& segment : path.split('/'))
        if (segment.isEmpty() || segment == "." || segment == "..") return false;
    return true;
}

bool isWantedModelFile(const QString& path) {
    const QString name = path.section('/', -1).toLower();
    static const QStringList exact = {"config.json",           "generation_config.json", "tokenizer.json",
                                      "tokenizer_config.json", "tokenizer.model",        "vocab.json",
                                      "merges.txt",            "special_tokens_map.json", "added_tokens.json",
                                      "chat_template.jinja",   "chat_template.json",     "model.safetensors.index.json"};
    // Subfolders hold other variants (onnx/, original/ with consolidated weights): top level only.
    if (path.contains('/')) return false;
    return exact.contains(name) || name.endsWith(".safetensors");
}

}  // namespace pagoda::hub
