// The words the Models page shows for the hub services' enums, translated, and the one
// context length at which the page judges whether a model fits.
#pragma once

#include <QColor>
#include <QString>

#include "app/hub/download_progress.h"
#include "app/hub/local_model.h"
#include "app/hub/memory_estimate.h"

namespace pagoda::ui {

using hub::kFitContextTokens;

// The memory the fit labels judge against: free memory within the engine's memory budget
// (Settings), read now. See memoryForModels.
qint64 memoryForFit();

QString fitText(hub::Fit fit);            // "fits", "tight", "won't fit", "unknown"
QColor fitColor(hub::Fit fit);            // green / amber / red; invalid for Unknown
QString statusText(hub::ModelStatus status);
QString sourceText(hub::ModelSource source);
QString downloadStateText(hub::DownloadState state);
QString etaText(qint64 seconds);          // "2 min 5 s left"; empty when unknown
QString contextText(int tokens);          // "32,768 tokens"; "-" when 0

}  // namespace pagoda::ui
