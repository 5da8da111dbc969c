#include "ui/shortcuts_dialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "ui/shortcuts.h"

namespace pagoda::ui {

ShortcutsDialog::ShortcutsDialog(QWidget* parent) : QDialog(parent) {
    setObjectName("shortcutsDialog");
    setWindowTitle(tr("Keyboard shortcuts"));
    auto* layout = new QVBoxLayout(this);
    auto* table = new QTreeWidget(this);
    table->setObjectName("shortcutsTable");
    table->setAccessibleName(tr("Keyboard shortcuts"));
    table->setColumnCount(2);
    table->setHeaderLabels({tr("Keys"), tr("Does")});
    table->setRootIsDecorated(false);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setFocusPolicy(Qt::StrongFocus);  // screen readers and arrow keys can walk the rows
    table->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    table->header()->setStretchLastSection(true);

    auto* window = new QTreeWidgetItem(table, {tr("Anywhere in the window")});
    for (const Shortcut& shortcut : shortcuts())
        new QTreeWidgetItem(window, {keysText(shortcut.keys), shortcut.description});
    auto* typing = new QTreeWidgetItem(table, {tr("In the message box and the chat list")});
    for (const KeyHint& hint : keyHints()) new QTreeWidgetItem(typing, {hint.keys, hint.description});
    for (QTreeWidgetItem* group : {window, typing}) {
        group->setFirstColumnSpanned(true);
        QFont bold = group->font(0);
        bold.setBold(true);
        group->setFont(0, bold);
        group->setFlags(Qt::ItemIsEnabled);
    }
    table->expandAll();
    table->setItemsExpandable(false);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(table);
    layout->addWidget(buttons);
    resize(560, 440);
}

}  // namespace pagoda::ui
