// The folders a user imported into the library (models Pagoda did not download and
// does not own), kept in a small JSON file: {"folders": ["/abs/path", ...]}.
#pragma once

#include <QStringList>

#include "engine/common/result.h"

namespace pagoda::hub {

// A missing file is an empty list; a broken one is an error, so that nobody rewrites it
// and silently drops the entries a user can still recover by hand.
Result<QStringList> readImportedFolders(const QString& importsFile);

// Written atomically (QSaveFile); creates the parent folder.
Status writeImportedFolders(const QString& importsFile, const QStringList& folders);

}  // namespace pagoda::hub
