// The Server page: one switch for the OpenAI-compatible API on the loaded model, where it
// listens and with which key, ready-to-paste client code, and the live request log.
#pragma once

#include <QWidget>

#include "app/store/app_settings.h"

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class ServerPage : public QWidget {
    Q_OBJECT
public:
    explicit ServerPage(DesktopServices& services, QWidget* parent = nullptr);

private:
    QWidget* buildConnection();
    QWidget* buildUsage();
    store::ServerSettings formSettings() const;
    void showSettings(const store::ServerSettings& settings);
    void onFormEdited();
    void onSwitchClicked(bool on);
    void syncRunning();
    void updateUsage();

    DesktopServices& m_services;
    QPushButton* m_switch = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_switchHint = nullptr;
    QLabel* m_error = nullptr;
    QGroupBox* m_connection = nullptr;
    QComboBox* m_host = nullptr;
    QLabel* m_lanWarning = nullptr;
    QSpinBox* m_port = nullptr;
    QLineEdit* m_apiKey = nullptr;
    QCheckBox* m_cors = nullptr;
    QCheckBox* m_startWithModel = nullptr;
    QLabel* m_baseUrl = nullptr;
    QPlainTextEdit* m_curl = nullptr;
    QPlainTextEdit* m_python = nullptr;
    QPlainTextEdit* m_log = nullptr;
};

}  // namespace pagoda::ui
