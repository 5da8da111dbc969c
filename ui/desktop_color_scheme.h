// What the desktop says about light and dark where Qt (before 6.5) does not read it: the XDG
// settings portal's org.freedesktop.appearance color-scheme, which GNOME 42+, KDE Plasma and
// other portals answer. Asked once without blocking, then followed as the user switches.
#pragma once

#include <functional>
#include <optional>

namespace pagoda::ui {

// Calls onChange with true (prefers dark), false (prefers light) or nullopt (no preference,
// or no portal) when the answer arrives and whenever it changes. Nothing is called where
// there is no session bus.
void watchDesktopColorScheme(std::function<void(std::optional<bool>)> onChange);

}  // namespace pagoda::ui
