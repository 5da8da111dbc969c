#include "ui/models/model_texts.h"

#include <QCoreApplication>
#include <QLocale>

#include "app/host/engine_settings.h"
#include "app/store/app_settings.h"
#include "ui/theme.h"

namespace pagoda::ui {

qint64 memoryForFit() { return memoryForModels(store::AppSettings().engine()); }

QString fitText(hub::Fit fit) {
    switch (fit) {
        case hub::Fit::Fits: return QCoreApplication::translate("pagoda::ui::ModelTexts", "fits");
        case hub::Fit::Tight: return QCoreApplication::translate("pagoda::ui::ModelTexts", "tight");
        case hub::Fit::WontFit: return QCoreApplication::translate("pagoda::ui::ModelTexts", "won't fit");
        case hub::Fit::Unknown: break;
    }
    return QCoreApplication::translate("pagoda::ui::ModelTexts", "unknown");
}

QColor fitColor(hub::Fit fit) {
    switch (fit) {
        case hub::Fit::Fits: return successColor();  // readable in the current theme
        case hub::Fit::Tight: return warningColor();
        case hub::Fit::WontFit: return errorColor();
        case hub::Fit::Unknown: break;
    }
    return {};
}

QString statusText(hub::ModelStatus status) {
    switch (status) {
        case hub::ModelStatus::Ready: return QCoreApplication::translate("pagoda::ui::ModelTexts", "ready");
        case hub::ModelStatus::Incomplete: return QCoreApplication::translate("pagoda::ui::ModelTexts", "incomplete");
        case hub::ModelStatus::Unsupported: return QCoreApplication::translate("pagoda::ui::ModelTexts", "unsupported");
        case hub::ModelStatus::Invalid: return QCoreApplication::translate("pagoda::ui::ModelTexts", "invalid");
    }
    return {};
}

QString sourceText(hub::ModelSource source) {
    switch (source) {
        case hub::ModelSource::Pagoda: return QCoreApplication::translate("pagoda::ui::ModelTexts", "Pagoda");
        case hub::ModelSource::HuggingFaceCache: return QCoreApplication::translate("pagoda::ui::ModelTexts", "Hugging Face cache");
        case hub::ModelSource::ModelScopeCache: return QCoreApplication::translate("pagoda::ui::ModelTexts", "ModelScope cache");
        case hub::ModelSource::Imported: return QCoreApplication::translate("pagoda::ui::ModelTexts", "imported");
        case hub::ModelSource::Bundled: return QCoreApplication::translate("pagoda::ui::ModelTexts", "built in");
    }
    return {};
}

QString downloadStateText(hub::DownloadState state) {
    switch (state) {
        case hub::DownloadState::Resolving: return QCoreApplication::translate("pagoda::ui::ModelTexts", "Preparing");
        case hub::DownloadState::Downloading: return QCoreApplication::translate("pagoda::ui::ModelTexts", "Downloading");
        case hub::DownloadState::Paused: return QCoreApplication::translate("pagoda::ui::ModelTexts", "Paused");
        case hub::DownloadState::Failed: return QCoreApplication::translate("pagoda::ui::ModelTexts", "Failed");
        case hub::DownloadState::Completed: return QCoreApplication::translate("pagoda::ui::ModelTexts", "Completed");
        case hub::DownloadState::Cancelled: return QCoreApplication::translate("pagoda::ui::ModelTexts", "Cancelled");
    }
    return {};
}

QString etaText(qint64 seconds) {
    if (seconds < 0) return {};
    if (seconds >= 3600) return QCoreApplication::translate("pagoda::ui::ModelTexts", "%1 h %2 min left").arg(seconds / 3600).arg(seconds / 60 % 60);
    if (seconds >= 60) return QCoreApplication::translate("pagoda::ui::ModelTexts", "%1 min %2 s left").arg(seconds / 60).arg(seconds % 60);
    return QCoreApplication::translate("pagoda::ui::ModelTexts", "%1 s left").arg(seconds);
}

QString contextText(int tokens) {
    if (tokens <= 0) return QStringLiteral("-");
    return QCoreApplication::translate("pagoda::ui::ModelTexts", "%1 tokens").arg(QLocale().toString(tokens));
}

}  // namespace pagoda::ui
