#include "app/hub/local_model.h"

namespace pagoda::hub {

QString sourceName(ModelSource source) {
    switch (source) {
        case ModelSource::Pagoda: return "pagoda";
        case ModelSource::HuggingFaceCache: return "huggingface cache";
        case ModelSource::ModelScopeCache: return "modelscope cache";
        case ModelSource::Imported: return "imported";
        case ModelSource::Bundled: return "built in";
    }
    return "?";
}

QString statusName(ModelStatus status) {
    switch (status) {
        case ModelStatus::Ready: return "ready";
        case ModelStatus::Incomplete: return "incomplete";
        case ModelStatus::Unsupported: return "unsupported";
        case ModelStatus::Invalid: return "invalid";
    }
    return "?";
}

}  // namespace pagoda::hub
