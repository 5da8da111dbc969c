#include "ui/shortcuts.h"

#include <QAction>
#include <QCoreApplication>
#include <QWidget>

#include <algorithm>

namespace pagoda::ui {

// The table's texts live in the translation context pagoda::ui::Shortcuts.
class Shortcuts {
    Q_DECLARE_TR_FUNCTIONS(pagoda::ui::Shortcuts)
};

namespace {

// A standard key's bindings on this platform, then the explicit ones it lacks.
QList<QKeySequence> keys(QKeySequence::StandardKey standard, QList<QKeySequence> more = {}) {
    QList<QKeySequence> all = QKeySequence::keyBindings(standard);
    for (const QKeySequence& key : more)
        if (!all.contains(key)) all << key;
    return all;
}

}  // namespace

std::vector<Shortcut> shortcuts() {
    return {
        // Ctrl+K as in Slack, Discord and most chat apps; Ctrl+F is what people try first.
        {Command::FocusSearch, keys(QKeySequence::Find, {QKeySequence(Qt::CTRL | Qt::Key_K)}), Shortcuts::tr("Search chats"),
         "searchChatsAction"},
        {Command::NewChat, keys(QKeySequence::New), Shortcuts::tr("New chat"), "newChatAction"},
        {Command::Regenerate, {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R)}, Shortcuts::tr("Regenerate the last answer"),
         "regenerateAction"},
        {Command::CopyLastAnswer, {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C)}, Shortcuts::tr("Copy the last answer"),
         "copyLastAnswerAction"},
        {Command::Stop, {QKeySequence(Qt::Key_Escape)}, Shortcuts::tr("Stop the answer"), "stopAction"},
        {Command::ChatPage, {QKeySequence(Qt::CTRL | Qt::Key_1)}, Shortcuts::tr("Go to Chat"), "chatPageAction"},
        {Command::ModelsPage, {QKeySequence(Qt::CTRL | Qt::Key_2)}, Shortcuts::tr("Go to Models"), "modelsPageAction"},
        {Command::ServerPage, {QKeySequence(Qt::CTRL | Qt::Key_3)}, Shortcuts::tr("Go to Server"), "serverPageAction"},
        {Command::SettingsPage, {QKeySequence(Qt::CTRL | Qt::Key_4)}, Shortcuts::tr("Go to Settings"), "settingsPageAction"},
        {Command::OpenSettings, keys(QKeySequence::Preferences, {QKeySequence(Qt::CTRL | Qt::Key_Comma)}),
         Shortcuts::tr("Open Settings"), "openSettingsAction"},
        {Command::ShowShortcuts, keys(QKeySequence::HelpContents, {QKeySequence(Qt::CTRL | Qt::Key_Slash)}),
         Shortcuts::tr("Show keyboard shortcuts"), "showShortcutsAction"},
    };
}

QList<QKeySequence> keysFor(Command command) {
    for (const Shortcut& shortcut : shortcuts())
        if (shortcut.command == command) return shortcut.keys;
    return {};
}

QString keysText(const QList<QKeySequence>& keys) {
    QStringList names;
    for (const QKeySequence& key : keys) names << key.toString(QKeySequence::NativeText);
    return names.join(QStringLiteral(", "));
}

std::vector<KeyHint> keyHints() {
    return {
        {Shortcuts::tr("Enter"), Shortcuts::tr("Send the message, or save an edited one")},
        {Shortcuts::tr("Shift+Enter"), Shortcuts::tr("New line in the message")},
        {Shortcuts::tr("Esc"), Shortcuts::tr("Cancel editing a message; clear the chat search")},
        {Shortcuts::tr("Enter"), Shortcuts::tr("Open the chat selected in the list")},
        {Shortcuts::tr("F2"), Shortcuts::tr("Rename the chat selected in the list")},
        {Shortcuts::tr("Delete"), Shortcuts::tr("Delete the chat selected in the list")},
        {Shortcuts::tr("Tab"), Shortcuts::tr("Move to the next control; it never opens or changes anything")},
    };
}

QList<QAction*> addShortcutActions(QWidget& window, const std::vector<Command>& commands,
                                   const std::function<void(Command)>& run) {
    QList<QAction*> actions;
    for (const Shortcut& shortcut : shortcuts()) {
        if (std::find(commands.begin(), commands.end(), shortcut.command) == commands.end()) continue;
        auto* action = new QAction(shortcut.description, &window);
        action->setObjectName(shortcut.actionName);
        action->setShortcuts(shortcut.keys);
        action->setShortcutContext(Qt::WindowShortcut);
        QObject::connect(action, &QAction::triggered, &window, [run, command = shortcut.command] { run(command); });
        window.addAction(action);
        actions << action;
    }
    return actions;
}

}  // namespace pagoda::ui
