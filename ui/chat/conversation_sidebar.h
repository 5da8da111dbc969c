// The list of saved chats beside the chat page: New chat, search (titles and message text),
// and per chat Rename, Delete, Export to Markdown or JSON. Every store access goes through
// StoreThread, so SQLite and file writes never run on the GUI thread; picking a chat (a click
// or Enter, never focus or arrow keys moving the current row) loads it there and hands it to
// the session.
#pragma once

#include <QTimer>
#include <QWidget>

#include <vector>

#include "app/store/conversation.h"

class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;

namespace pagoda {
class DesktopServices;
namespace chat {
class ConversationSession;
}
}  // namespace pagoda

namespace pagoda::ui {

class ConversationSidebar : public QWidget {
    Q_OBJECT
public:
    ConversationSidebar(DesktopServices& services, chat::ConversationSession& session, QWidget* parent = nullptr);

    enum class ExportFormat { Markdown, Json };

    // Starts an empty chat with the settings of the one on screen (New chat, Ctrl+N).
    void newChat();
    // Puts the cursor in the search box (Ctrl+K, Ctrl+F).
    void focusSearch();
    // Lists the chats again with the current search (after a save, rename or delete).
    void refresh();
    // The actions themselves, without asking; the context menu asks first (non-blocking
    // dialogs, opened with open(), so tests and the event loop never stall on them).
    void rename(const QString& id, const QString& title);
    void remove(const QString& id);
    // Loads the saved chat and writes the file on the store's thread; exported() follows.
    void exportTo(const QString& id, ExportFormat format, const QString& path);
    void askRename(const QString& id);
    void askRemove(const QString& id);
    void askExport(const QString& id, ExportFormat format);

signals:
    // The user started a new chat or picked one: the window can bring the chat page forward.
    void chatOpened();
    // The "?" button: show the keyboard shortcuts.
    void shortcutsRequested();
    // A list has arrived from the store (tests wait for it).
    void refreshed();
    // An export finished: error is empty on success.
    void exported(const QString& path, const QString& error);
    // A line for the status bar ("Exported to …").
    void notice(const QString& text);

private:
    void showList(const std::vector<store::ConversationSummary>& conversations);
    void showError(const QString& title, const QString& text);
    void selectCurrent();
    void open(const QString& id);
    void showMenu(const QPoint& position);
    QString titleOf(const QString& id) const;
    QString selectedId() const;
    bool eventFilter(QObject* watched, QEvent* event) override;

    DesktopServices& m_services;
    chat::ConversationSession& m_session;
    QPushButton* m_newChat;
    QLineEdit* m_search;
    QListWidget* m_list;
    QTimer m_searchDelay;     // one query per pause in typing, not per key
    int m_listRequest = 0;    // answers to older searches are dropped
    int m_openRequest = 0;    // only the chat clicked last is shown
};

}  // namespace pagoda::ui
