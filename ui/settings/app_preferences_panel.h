// The app half of the Settings page: the interface language (read at start, so a change
// offers "Restart now"), light or dark (applied at once) and whether closing the window keeps
// the API running in the tray. Each choice is saved at once.
#pragma once

#include <QGroupBox>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class AppPreferencesPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit AppPreferencesPanel(DesktopServices& services, QWidget* parent = nullptr);

    // What "Restart now" calls: true when the app is restarting, false when it cannot (the panel
    // then says to restart by hand). By default startReplacement and quit; the window sets its
    // own, which also gets past the tray, and the tests set one that records the call.
    using Restart = std::function<bool()>;
    void setRestart(Restart restart) { m_restart = std::move(restart); }

private:
    void showLanguageNote();

    DesktopServices& m_services;
    QComboBox* m_language = nullptr;
    QLabel* m_languageNote = nullptr;
    QPushButton* m_restartButton = nullptr;
    QString m_startLanguage;  // the language on screen: read when the app started
    Restart m_restart;
    QComboBox* m_theme = nullptr;
    QCheckBox* m_keepApiInTray = nullptr;
};

}  // namespace pagoda::ui
