// Where the main window opens the first time: a comfortable 1200x800 where the screen has
// room for it, else 90% of the screen's free area, centred in it, so a 1366x768 laptop sees
// the whole window (Send and the status bar included) without moving it.
#pragma once

#include <QRect>

namespace pagoda::ui {

// available: the screen's area less panels and docks (QScreen::availableGeometry).
QRect firstRunGeometry(const QRect& available);

}  // namespace pagoda::ui
