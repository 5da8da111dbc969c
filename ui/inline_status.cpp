#include "ui/inline_status.h"
#include "ui/theme.h"

namespace pagoda::ui {

void showInlineStatus(QLabel& label, const QString& text, bool error, const QString& details) {
    label.setText(text);
    label.setToolTip(details);
    label.setAccessibleDescription(details);
    label.setProperty("error", error);
    setTone(label, error ? Tone::Error : Tone::Normal);  // follows a switch to dark and back
    label.setVisible(!text.isEmpty());
}

}  // namespace pagoda::ui
