#include "app/cli/model_argument.h"

#include <QFileInfo>

#include <fmt/format.h>

#include "app/hub/model_library.h"

namespace pagoda::cli {

Result<std::string> resolveModelArgument(const QString& value) {
    if (value.isEmpty()) return makeError("--model is required: a model folder or the id of a downloaded model (`pagoda list` shows "
                         "them; pagoda/demo is the tiny demo model that comes with Pagoda)");
    // A folder is used as is, so the engine's own error names what is wrong in it.
    if (QFileInfo(value).isDir()) return value.toStdString();
    // A path that is not a folder is a typo in a path, not a model to pull.
    const bool looksLikePath = value.startsWith('/') || value.startsWith('.') || value.startsWith('~') || value.count('/') > 1;
    if (looksLikePath) return makeError(fmt::format("--model '{}': no such model folder", value.toStdString()));
    const auto model = hub::ModelLibrary().find(value);
    if (!model)
        return makeError(fmt::format("'{}' is neither a folder nor a downloaded model; download it with "
                                     "`pagoda pull {}` or see `pagoda list`",
                                     value.toStdString(), value.section(':', -1).toStdString()));
    if (model->status != hub::ModelStatus::Ready)
        return makeError(fmt::format("{} ({}) is {}: {}", model->id.toStdString(), model->folder.toStdString(),
                                     hub::statusName(model->status).toStdString(), model->problem.toStdString()));
    return model->folder.toStdString();
}

}  // namespace pagoda::cli
