// The tray icon's menu: which model is loaded (or loading), whether the API is on and where,
// a switch for it, New chat, Open and Quit, kept current from the loader's and the server's
// signals. A plain QMenu, so it is built and tested where no tray exists (offscreen); the
// window owns the icon and acts on the requests.
#pragma once

#include <QMenu>

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class TrayMenu : public QMenu {
    Q_OBJECT
public:
    explicit TrayMenu(DesktopServices& services, QWidget* parent = nullptr);

signals:
    void openRequested();
    void newChatRequested();
    void quitRequested();

private:
    void showModelState();
    void showApiState();
    void switchApi();

    DesktopServices& m_services;
    QAction* m_model = nullptr;      // an information line, disabled
    QAction* m_api = nullptr;        // likewise: on at which URL, or off (and why)
    QAction* m_apiSwitch = nullptr;  // Start / Stop the API
    QString m_apiError;              // the last start's failure, until the state changes
};

}  // namespace pagoda::ui
