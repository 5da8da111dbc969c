// A status line inside a page (not a dialog): hidden when empty, red for errors, with an
// "error" property tests and style sheets can read. Every page reports hub and disk
// outcomes this way.
#pragma once

#include <QLabel>
#include <QString>

namespace pagoda::ui {

void showInlineStatus(QLabel& label, const QString& text, bool error);

}  // namespace pagoda::ui
