#include "ui/inline_status.h"
#include "ui/theme.h"

namespace pagoda::ui {

void showInlineStatus(QLabel& label, const QString& text, bool error) {
    label.setText(text);
    label.setProperty("error", error);
    label.setStyleSheet(error ? QStringLiteral("color: %1;").arg(errorColor().name()) : QString());
    label.setVisible(!text.isEmpty());
}

}  // namespace pagoda::ui
