// The desktop window: navigation and conversations on the left, the four pages (Chat, Models,
// Server, Settings) in the middle, the engine's state in the status bar, and a tray icon that
// can keep the API running when the window is closed.
#pragma once

#include <QMainWindow>
#include <QPointer>
#include <QSystemTrayIcon>

namespace pagoda {
class DesktopServices;
namespace chat {
class ConversationSession;
}
}  // namespace pagoda

class QButtonGroup;
class QStackedWidget;

namespace pagoda::ui {

class ChatPage;
class ConversationSidebar;
class ShortcutsDialog;
enum class Command;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class Page { Chat, Models, Server, Settings };

    explicit MainWindow(DesktopServices& services, QWidget* parent = nullptr);
    ~MainWindow() override;

    void showPage(Page page);
    Page currentPage() const;
    chat::ConversationSession& session() { return *m_session; }
    // Loads the model used last time, if it is still there (off the GUI thread), and shows the
    // welcome on a first run.
    void restoreSession();
    void bringToFront();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void setUpTray();
    // The window's keyboard shortcuts, from the table in ui/shortcuts.h.
    void setUpShortcuts();
    void runCommand(Command command);
    void showShortcuts();
    // Starts a replacement of this process and quits (AppPreferencesPanel's "Restart now").
    bool restart();
    void showWelcome();

    DesktopServices& m_services;
    std::unique_ptr<chat::ConversationSession> m_session;
    QStackedWidget* m_pages = nullptr;
    QButtonGroup* m_navigation = nullptr;
    ConversationSidebar* m_sidebar = nullptr;
    QPointer<QSystemTrayIcon> m_tray;
    QPointer<ShortcutsDialog> m_shortcuts;
    bool m_quitting = false;
};

}  // namespace pagoda::ui
