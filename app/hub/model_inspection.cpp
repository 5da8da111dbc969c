#include "app/hub/model_inspection.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/hub/model_paths.h"
#include "engine/model/checkpoint.h"
#include "engine/model/model_config.h"

namespace pagoda::hub {

namespace {

constexpr const char* kIndexFile = "model.safetensors.index.json";
constexpr const char* kSingleFile = "model.safetensors";

std::filesystem::path toPath(const QString& folder) { return QFile::encodeName(folder).toStdString(); }

void mark(LocalModel& model, ModelStatus status, const QString& problem) {
    model.status = status;
    model.problem = problem;
}

// System lists broken links too, which Files alone hides.
QFileInfoList topLevelFiles(const QString& folder) {
    return QDir(folder).entryInfoList(QDir::Files | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

// A link whose target is gone (or a loop) is a download the other tool never finished,
// or a blob someone deleted by hand.
QStringList danglingEngineFiles(const QString& folder) {
    QStringList dangling;
    for (const QFileInfo& entry : topLevelFiles(folder))
        if (entry.isSymLink() && !entry.exists() && isWantedModelFile(entry.fileName())) dangling << entry.fileName();
    return dangling;
}

QString joinedList(const QStringList& names) {
    return names.size() == 1 ? names[0] : names[0] + " and " + QString::number(names.size() - 1) + " more";
}

// Reads config.json's architectures[0] without the engine's full validation, so an
// unknown architecture is told apart from a broken file. Empty when absent or broken.
QString declaredArchitecture(const QString& folder) {
    QFile file(folder + "/config.json");
    if (!file.open(QIODevice::ReadOnly)) return {};
    const QJsonArray list = QJsonDocument::fromJson(file.readAll()).object().value("architectures").toArray();
    return list.isEmpty() ? QString() : list[0].toString();
}

// Shards named by the index that are not there (or are dangling links); empty when there
// is no index or it is unreadable, which Checkpoint::open then reports precisely.
QStringList missingShards(const QString& folder) {
    QFile file(folder + "/" + kIndexFile);
    if (!file.open(QIODevice::ReadOnly)) return {};
    const QJsonObject weightMap = QJsonDocument::fromJson(file.readAll()).object().value("weight_map").toObject();
    std::set<QString> shards;
    for (const QJsonValue& shard : weightMap) shards.insert(shard.toString());
    QStringList missing;
    for (const QString& shard : shards)
        if (isSafeRepoPath(shard) && !QFileInfo(folder + "/" + shard).isFile()) missing << shard;
    return missing;
}

bool hasAnyWeights(const QString& folder) {
    return QFileInfo(folder + "/" + kIndexFile).exists() || QFileInfo(folder + "/" + kSingleFile).exists();
}

QString supportedList() {
    QStringList names;
    for (const std::string& name : supportedArchitectures()) names << QString::fromStdString(name);
    return names.join(", ");
}

// Parameters, dtype and weight bytes from the tensor headers.
void describeCheckpoint(const Checkpoint& checkpoint, LocalModel& model) {
    std::map<std::string, qint64> elementsByDtype;
    qint64 elements = 0, bytes = 0;
    for (const auto& [name, entry] : checkpoint.entries()) {
        qint64 count = 1;
        for (const int64_t dim : entry.tensor->shape) count *= dim;
        elements += count;
        bytes += qint64(entry.tensor->byteSize);
        elementsByDtype[entry.tensor->dtypeName] += count;
    }
    model.parameters = elements;
    model.shape.weightBytes = bytes;
    const auto most = std::max_element(elementsByDtype.begin(), elementsByDtype.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
    model.dtype = most == elementsByDtype.end() ? QString() : QString::fromStdString(most->first);
}

}  // namespace

bool hasModelConfig(const QString& folder) {
    const QFileInfo config(folder + "/config.json");
    return config.isFile() || config.isSymLink();
}

qint64 engineFilesSize(const QString& folder) {
    std::set<QString> counted;
    qint64 total = 0;
    for (const QFileInfo& entry : topLevelFiles(folder)) {
        if (!isWantedModelFile(entry.fileName()) || !entry.isFile()) continue;
        // HF snapshots of several revisions can link to the same blob.
        if (counted.insert(entry.canonicalFilePath()).second) total += entry.size();
    }
    return total;
}

QString cannotChatSentence(const QString& folder, bool hasTokenizer, bool hasChatTemplate) {
    QStringList missing;
    if (!hasTokenizer) missing << "no tokenizer (tokenizer.json or tokenizer.model)";
    if (!hasChatTemplate) missing << "no chat template (chat_template.jinja, or \"chat_template\" in tokenizer_config.json)";
    if (missing.isEmpty()) return {};
    return folder + " has " + missing.join(" and ") + ", so it cannot chat; copy " +
           (missing.size() == 1 ? "it" : "them") + " from the model's original repository into this folder";
}

QString missingChatFiles(const QString& folder) {
    if (QFileInfo(folder).isFile()) return {};  // a GGUF file
    const bool tokenizer = QFileInfo::exists(folder + "/tokenizer.json") || QFileInfo::exists(folder + "/tokenizer.model");
    bool chatTemplate = QFileInfo::exists(folder + "/chat_template.jinja");
    for (const char* name : {"tokenizer_config.json", "chat_template.json"}) {
        QFile file(folder + "/" + name);
        if (chatTemplate || !file.open(QIODevice::ReadOnly)) continue;
        const QJsonValue value = QJsonDocument::fromJson(file.readAll()).object().value("chat_template");
        chatTemplate = value.isString() || value.isArray();
    }
    return cannotChatSentence(folder, tokenizer, chatTemplate);
}

void inspectModelFolder(LocalModel& model) {
    const QString folder = model.folder;
    if (!QFileInfo(folder).isDir()) return mark(model, ModelStatus::Invalid, "folder " + folder + " not found");
    model.sizeOnDisk = engineFilesSize(folder);

    if (const QStringList dangling = danglingEngineFiles(folder); !dangling.isEmpty())
        return mark(model, ModelStatus::Incomplete,
                    joinedList(dangling) + " in " + folder + " points to a file that does not exist (an unfinished "
                    "or partly deleted download); download the model again");
    if (!QFileInfo(folder + "/config.json").isFile())
        return mark(model, ModelStatus::Invalid, folder + "/config.json not found");

    model.architecture = declaredArchitecture(folder);
    const auto& supported = supportedArchitectures();
    if (!model.architecture.isEmpty() &&
        std::find(supported.begin(), supported.end(), model.architecture.toStdString()) == supported.end())
        return mark(model, ModelStatus::Unsupported,
                    "architecture '" + model.architecture + "' is not supported; Pagoda runs " + supportedList());

    const auto config = loadModelConfig(toPath(folder));
    if (!config) return mark(model, ModelStatus::Invalid, QString::fromStdString(config.error().message));
    model.architecture = QString::fromStdString(config->architectureName);
    model.contextLength = config->maxPositionEmbeddings;
    model.shape = modelShape(*config, 0);

    if (const QStringList missing = missingShards(folder); !missing.isEmpty())
        return mark(model, ModelStatus::Incomplete,
                    joinedList(missing) + (missing.size() == 1 ? " is" : " are") + " missing (listed in " +
                        kIndexFile + "); download the model again");
    if (!hasAnyWeights(folder) && !QFileInfo(folder + "/pytorch_model.bin").exists() &&
        !QFileInfo(folder + "/pytorch_model.bin.index.json").exists())
        return mark(model, ModelStatus::Incomplete,
                    folder + " has no weights (neither " + kSingleFile + " nor " + kIndexFile +
                        "): only the configuration was downloaded");

    const auto checkpoint = Checkpoint::open(toPath(folder));
    if (!checkpoint) {
        // A .bin-only repo is a real model in a format this build does not read.
        const ModelStatus status = hasAnyWeights(folder) ? ModelStatus::Invalid : ModelStatus::Unsupported;
        return mark(model, status, QString::fromStdString(checkpoint.error().message));
    }
    describeCheckpoint(*checkpoint, model);
    mark(model, ModelStatus::Ready, {});
}

}  // namespace pagoda::hub
