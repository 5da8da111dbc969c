// The app half of the Settings page: the interface language (read at start) and whether
// closing the window keeps the API running in the tray. Each choice is saved at once.
#pragma once

#include <QGroupBox>

class QCheckBox;
class QComboBox;
class QLabel;

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class AppPreferencesPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit AppPreferencesPanel(DesktopServices& services, QWidget* parent = nullptr);

private:
    DesktopServices& m_services;
    QComboBox* m_language = nullptr;
    QLabel* m_languageNote = nullptr;
    QCheckBox* m_keepApiInTray = nullptr;
};

}  // namespace pagoda::ui
