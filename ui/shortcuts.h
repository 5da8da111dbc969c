// Every keyboard shortcut of the window in one table: the main window and the chat page
// register their actions from it and the shortcuts panel lists it, so what the panel says is
// what the keys do. Keys are Qt's standard ones where Qt has one, so macOS gets Cmd.
#pragma once

#include <QKeySequence>
#include <QList>
#include <QString>

#include <functional>
#include <vector>

class QAction;
class QWidget;

namespace pagoda::ui {

enum class Command {
    FocusSearch,
    NewChat,
    ChatPage,  // the four pages in MainWindow::Page's order
    ModelsPage,
    ServerPage,
    SettingsPage,
    OpenSettings,
    Regenerate,
    CopyLastAnswer,
    Stop,
    ShowShortcuts,
};

struct Shortcut {
    Command command;
    QList<QKeySequence> keys;  // the first is the one tooltips name
    QString description;       // translated
    const char* actionName;    // the QAction's objectName
};

// The window's shortcuts, in the order the panel lists them.
std::vector<Shortcut> shortcuts();
QList<QKeySequence> keysFor(Command command);
// "Ctrl+K, Ctrl+F" as the platform writes it (⌘K on macOS).
QString keysText(const QList<QKeySequence>& keys);

// Keys that text boxes and lists take themselves (Enter sends, Esc clears the search…): not
// actions, but the panel lists them so they can be found.
struct KeyHint {
    QString keys;
    QString description;
};
std::vector<KeyHint> keyHints();

// A window-wide QAction on window for each command in `commands`, with the table's keys and
// description; triggering one calls run(command).
QList<QAction*> addShortcutActions(QWidget& window, const std::vector<Command>& commands,
                                   const std::function<void(Command)>& run);

}  // namespace pagoda::ui
