// A status line inside a page (not a dialog): hidden when empty, red for errors, with an
// "error" property tests and style sheets can read. Every page reports hub and disk
// outcomes this way. A failure's technical details (the URL, curl's words) go in the tooltip
// and the accessible description, not the line itself; a status without them clears both.
#pragma once

#include <QLabel>
#include <QString>

namespace pagoda::ui {

void showInlineStatus(QLabel& label, const QString& text, bool error, const QString& details = {});

}  // namespace pagoda::ui
