// The keyboard shortcuts panel (F1, Ctrl+/, or the "?" beside New chat): the table in
// ui/shortcuts.h, then the keys the text boxes and the chat list take themselves.
#pragma once

#include <QDialog>

namespace pagoda::ui {

class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    explicit ShortcutsDialog(QWidget* parent = nullptr);
};

}  // namespace pagoda::ui
