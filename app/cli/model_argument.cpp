#include "app/cli/model_argument.h"

#include <QFileInfo>

#include <fmt/format.h>

#include "app/hub/gguf_quants.h"
#include "app/hub/model_library.h"

namespace pagoda::cli {

Result<std::string> resolveModelArgument(const QString& value) {
    if (value.isEmpty()) return makeError("--model is required: a model folder or the id of a downloaded model (`pagoda list` shows "
                         "them; pagoda/demo is the tiny demo model that comes with Pagoda)");
    // A folder or a .gguf file is used as is, so the engine's own error names what is wrong in it.
    if (QFileInfo(value).isDir() || (QFileInfo(value).isFile() && value.endsWith(".gguf", Qt::CaseInsensitive)))
        return value.toStdString();
    // A path that is not a folder is a typo in a path, not a model to pull.
    const bool looksLikePath = value.startsWith('/') || value.startsWith('.') || value.startsWith('~') || value.count('/') > 1;
    if (looksLikePath) return makeError(fmt::format("--model '{}': no such model folder or file", value.toStdString()));
    const hub::ModelLibrary library;
    const auto model = library.find(value);
    if (!model) {
        if (const auto all = library.findAll(value); !all.empty()) {  // a GGUF repo with several quants, none named
            QStringList names;
            for (const auto& m : all) names << m.name();
            return makeError(fmt::format("{} has {} quantizations downloaded and none is {}; name one: {}",
                                         value.toStdString(), all.size(), hub::kDefaultGgufQuant,
                                         names.join(", ").toStdString()));
        }
        // "modelscope:Qwen/X:Q4_K_M" is pulled as "Qwen/X:Q4_K_M --hub modelscope".
        const auto [name, tag] = hub::splitQuantTag(value);
        const QString hubPrefix = name.section('/', 0, 0).contains(':') ? name.section(':', 0, 0) : QString();
        const QString pullId = (hubPrefix.isEmpty() ? name : name.mid(hubPrefix.size() + 1)) + (tag.isEmpty() ? "" : ":" + tag);
        return makeError(fmt::format("'{}' is neither a folder nor a downloaded model; download it with "
                                     "`pagoda pull {}{}` or see `pagoda list`",
                                     value.toStdString(), pullId.toStdString(),
                                     hub::parseHubName(hubPrefix) == hub::HubKind::ModelScope ? " --hub modelscope" : ""));
    }
    if (model->status != hub::ModelStatus::Ready)
        return makeError(fmt::format("{} ({}) is {}: {}", model->name().toStdString(), model->folder.toStdString(),
                                     hub::statusName(model->status).toStdString(), model->problem.toStdString()));
    return model->folder.toStdString();
}

}  // namespace pagoda::cli
