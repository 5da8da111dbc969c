#include "app/hub/gguf_inspection.h"

#include <algorithm>
#include <map>

#include <QFile>
#include <QFileInfo>

#include "engine/model/gguf_file.h"
#include "engine/model/gguf_model_config.h"

namespace pagoda::hub {

void inspectGgufModel(LocalModel& model) {
    auto fail = [&](ModelStatus status, const std::string& message) {
        model.status = status;
        model.problem = QString::fromStdString(message);
    };
    auto files = gguf::openModelFiles(QFile::encodeName(model.folder).toStdString());
    if (!files) return fail(ModelStatus::Invalid, files.error().message);
    if (const gguf::Value* arch = files->front().find("general.architecture"); arch && arch->asString())
        model.architecture = QString::fromStdString(*arch->asString());

    qint64 bytes = 0, elements = 0;
    std::map<std::string, qint64> elementsByType;
    for (const gguf::File& part : *files) {
        bytes += QFileInfo(QFile::decodeName(part.path().c_str())).size();
        for (const gguf::TensorInfo& t : part.tensors()) {
            elements += qint64(t.elements());
            const auto traits = gguf::tensorTypeTraits(uint32_t(t.type));
            elementsByType[traits ? traits->name : "?"] += qint64(t.elements());
        }
    }
    const auto most = std::max_element(elementsByType.begin(), elementsByType.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
    model.dtype = most == elementsByType.end() ? QString() : QString::fromStdString(most->first);
    model.parameters = elements;
    model.sizeOnDisk = bytes;

    // The engine's own reading of the metadata, so the estimate sizes what the engine will run.
    const auto config = ggufModelConfig(*files);
    if (!config) return fail(ModelStatus::Unsupported, config.error().message);
    model.architecture = QString::fromStdString(config->architectureName);
    model.contextLength = config->maxPositionEmbeddings;
    // Decode reads the blocks as stored: the weights cost what the files weigh.
    model.shape = modelShape(*config, bytes);
    model.status = ModelStatus::Ready;
    model.problem.clear();
}

}  // namespace pagoda::hub
