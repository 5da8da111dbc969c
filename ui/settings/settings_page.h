// The Settings page: how the engine runs (backend, memory, limits; EngineSettingsPanel)
// and the app's own preferences (language, tray; AppPreferencesPanel).
#pragma once

#include <QWidget>

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class SettingsPage : public QWidget {
    Q_OBJECT
public:
    explicit SettingsPage(DesktopServices& services, QWidget* parent = nullptr);
};

}  // namespace pagoda::ui
