#include "ui/inline_status.h"

namespace pagoda::ui {

void showInlineStatus(QLabel& label, const QString& text, bool error) {
    label.setText(text);
    label.setProperty("error", error);
    label.setStyleSheet(error ? "color: #c62828;" : QString());
    label.setVisible(!text.isEmpty());
}

}  // namespace pagoda::ui
