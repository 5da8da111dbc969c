#include "ui/models/model_texts.h"

#include <QCoreApplication>
#include <QLocale>

namespace pagoda::ui {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("pagoda::ui::ModelTexts", text); }

}  // namespace

QString fitText(hub::Fit fit) {
    switch (fit) {
        case hub::Fit::Fits: return tr("fits");
        case hub::Fit::Tight: return tr("tight");
        case hub::Fit::WontFit: return tr("won't fit");
        case hub::Fit::Unknown: break;
    }
    return tr("unknown");
}

QColor fitColor(hub::Fit fit) {
    switch (fit) {
        case hub::Fit::Fits: return QColor(0x2e, 0x7d, 0x32);
        case hub::Fit::Tight: return QColor(0xb2, 0x6a, 0x00);
        case hub::Fit::WontFit: return QColor(0xc6, 0x28, 0x28);
        case hub::Fit::Unknown: break;
    }
    return {};
}

QString statusText(hub::ModelStatus status) {
    switch (status) {
        case hub::ModelStatus::Ready: return tr("ready");
        case hub::ModelStatus::Incomplete: return tr("incomplete");
        case hub::ModelStatus::Unsupported: return tr("unsupported");
        case hub::ModelStatus::Invalid: return tr("invalid");
    }
    return {};
}

QString sourceText(hub::ModelSource source) {
    switch (source) {
        case hub::ModelSource::Pagoda: return tr("Pagoda");
        case hub::ModelSource::HuggingFaceCache: return tr("Hugging Face cache");
        case hub::ModelSource::ModelScopeCache: return tr("ModelScope cache");
        case hub::ModelSource::Imported: return tr("imported");
    }
    return {};
}

QString downloadStateText(hub::DownloadState state) {
    switch (state) {
        case hub::DownloadState::Resolving: return tr("Preparing");
        case hub::DownloadState::Downloading: return tr("Downloading");
        case hub::DownloadState::Paused: return tr("Paused");
        case hub::DownloadState::Failed: return tr("Failed");
        case hub::DownloadState::Completed: return tr("Completed");
        case hub::DownloadState::Cancelled: return tr("Cancelled");
    }
    return {};
}

QString etaText(qint64 seconds) {
    if (seconds < 0) return {};
    if (seconds >= 3600) return tr("%1 h %2 min left").arg(seconds / 3600).arg(seconds / 60 % 60);
    if (seconds >= 60) return tr("%1 min %2 s left").arg(seconds / 60).arg(seconds % 60);
    return tr("%1 s left").arg(seconds);
}

QString contextText(int tokens) {
    if (tokens <= 0) return QStringLiteral("-");
    return tr("%1 tokens").arg(QLocale().toString(tokens));
}

}  // namespace pagoda::ui
