#include "ui/chat/conversation_sidebar.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QFileDialog>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

#include "app/chat/conversation_session.h"
#include "app/desktop/desktop_services.h"
#include "app/store/conversation_export.h"
#include "app/store/conversation_store.h"
#include "ui/shortcuts.h"

namespace pagoda::ui {

namespace {

using Summaries = Result<std::vector<store::ConversationSummary>>;

constexpr int kIdRole = Qt::UserRole;

// A file name from a chat title: no path separators or characters Windows refuses.
QString fileNameFor(const QString& title) {
    QString name = title.trimmed().left(60);
    for (QChar& c : name)
        if (QStringLiteral("/\\:*?\"<>|").contains(c) || c.category() == QChar::Other_Control) c = u'_';
    return name.isEmpty() ? QStringLiteral("chat") : name;
}

}  // namespace

ConversationSidebar::ConversationSidebar(DesktopServices& services, chat::ConversationSession& session,
                                         QWidget* parent)
    : QWidget(parent), m_services(services), m_session(session) {
    setObjectName("conversationSidebar");
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    m_newChat = new QPushButton(tr("New chat"), this);
    m_newChat->setObjectName("newChatButton");
    m_newChat->setToolTip(tr("Start a new chat (%1)").arg(keysText(keysFor(Command::NewChat))));
    m_search = new QLineEdit(this);
    m_search->setObjectName("conversationSearch");
    m_search->setPlaceholderText(tr("Search chats"));
    m_search->setAccessibleName(tr("Search chats"));
    m_search->setToolTip(tr("Search chats (%1)").arg(keysText(keysFor(Command::FocusSearch))));
    m_search->setAccessibleDescription(tr("Finds chats by title or message text; Esc clears"));
    m_search->setClearButtonEnabled(true);
    m_search->installEventFilter(this);
    m_list = new QListWidget(this);
    m_list->setObjectName("conversationList");
    m_list->setAccessibleName(tr("Chats"));
    m_list->setAccessibleDescription(tr("Enter opens the chat, F2 renames it, Delete deletes it"));
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->setUniformItemSizes(true);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->installEventFilter(this);
    auto* shortcutsButton = new QToolButton(this);
    shortcutsButton->setObjectName("shortcutsButton");
    shortcutsButton->setText(QStringLiteral("?"));
    shortcutsButton->setAccessibleName(tr("Keyboard shortcuts"));
    shortcutsButton->setToolTip(tr("Keyboard shortcuts (%1)").arg(keysText(keysFor(Command::ShowShortcuts))));
    shortcutsButton->setAutoRaise(true);
    auto* top = new QHBoxLayout;
    top->addWidget(m_newChat, 1);
    top->addWidget(shortcutsButton);
    layout->addLayout(top);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    setTabOrder(m_newChat, shortcutsButton);  // in the order they are seen
    setTabOrder(shortcutsButton, m_search);

    m_searchDelay.setSingleShot(true);
    m_searchDelay.setInterval(200);
    connect(&m_searchDelay, &QTimer::timeout, this, &ConversationSidebar::refresh);
    connect(m_search, &QLineEdit::textChanged, this, [this] { m_searchDelay.start(); });
    connect(m_newChat, &QPushButton::clicked, this, &ConversationSidebar::newChat);
    connect(shortcutsButton, &QToolButton::clicked, this, &ConversationSidebar::shortcutsRequested);
    // A chat opens on a click or Enter (activation), never because the current row moved:
    // focus arriving by Tab, or arrow keys, would otherwise swap the chat under an unsent draft.
    const auto openItem = [this](QListWidgetItem* item) {
        if (item) open(item->data(kIdRole).toString());
    };
    connect(m_list, &QListWidget::itemClicked, this, openItem);
    connect(m_list, &QListWidget::itemActivated, this, openItem);
    connect(m_list, &QListWidget::customContextMenuRequested, this, &ConversationSidebar::showMenu);
    connect(&m_session, &chat::ConversationSession::conversationSaved, this, &ConversationSidebar::refresh);
    connect(&m_session, &chat::ConversationSession::conversationChanged, this, &ConversationSidebar::selectCurrent);
    refresh();
}

// A new chat keeps the system prompt and sampling of the one on screen, but answers with the
// loaded model: an endpoint is each chat's own choice in the model picker.
void ConversationSidebar::newChat() {
    m_session.startNextChat();
    emit chatOpened();
}

void ConversationSidebar::focusSearch() {
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void ConversationSidebar::refresh() {
    const int request = ++m_listRequest;
    const QString search = m_search->text().trimmed();
    m_services.store().fetch<Summaries>(
        [search](store::ConversationStore& store) { return store.list(search); }, this,
        [this, request](Summaries result) {
            if (request != m_listRequest) return;
            if (result) showList(result.value());
            else qWarning("conversation list: %s", result.error().message.c_str());
            emit refreshed();
        });
}

void ConversationSidebar::showList(const std::vector<store::ConversationSummary>& conversations) {
    m_list->clear();
    const QLocale locale;
    const int rowHeight = m_list->fontMetrics().height() + 12;
    for (const auto& summary : conversations) {
        auto* item = new QListWidgetItem(summary.title.isEmpty() ? tr("Untitled") : summary.title, m_list);
        item->setData(kIdRole, summary.id);
        // Narrow hints make QListView give every row the viewport's width, so long titles
        // are elided instead of scrolling the list sideways.
        item->setSizeHint(QSize(1, rowHeight));
        item->setToolTip(tr("%1\nLast message: %2")
                             .arg(item->text(), locale.toString(summary.updated.toLocalTime(), QLocale::ShortFormat)));
    }
    if (conversations.empty() && !m_search->text().trimmed().isEmpty()) {
        auto* none = new QListWidgetItem(tr("No chats match"), m_list);
        none->setFlags(Qt::NoItemFlags);
    }
    selectCurrent();
}

void ConversationSidebar::selectCurrent() {
    const QString current = m_session.conversation().id;
    QListWidgetItem* match = nullptr;
    for (int i = 0; i < m_list->count() && !match; ++i)
        if (m_list->item(i)->data(kIdRole).toString() == current) match = m_list->item(i);
    m_list->setCurrentItem(match);
    if (!match) m_list->clearSelection();
}

void ConversationSidebar::open(const QString& id) {
    if (id.isEmpty() || id == m_session.conversation().id) return;
    const int request = ++m_openRequest;
    m_services.store().fetch<Result<store::Conversation>>(
        [id](store::ConversationStore& store) { return store.load(id); }, this,
        [this, request](Result<store::Conversation> result) {
            if (request != m_openRequest) return;
            if (!result) {
                showError(tr("Could not open the chat"), QString::fromStdString(result.error().message));
                return;
            }
            m_session.show(std::move(result.value()));
            emit chatOpened();
        });
}

QString ConversationSidebar::titleOf(const QString& id) const {
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(kIdRole).toString() == id) return m_list->item(i)->text();
    return {};
}

QString ConversationSidebar::selectedId() const {
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(kIdRole).toString() : QString();
}

void ConversationSidebar::rename(const QString& id, const QString& title) {
    const QString trimmed = title.trimmed();
    if (id.isEmpty() || trimmed.isEmpty()) return;
    if (id == m_session.conversation().id) {
        m_session.rename(trimmed);  // the session saves it and says so
        return;
    }
    m_services.store().post([id, trimmed](store::ConversationStore& store) { (void)store.rename(id, trimmed); });
    refresh();  // runs after the rename: the store's jobs run in order
}

void ConversationSidebar::remove(const QString& id) {
    if (id.isEmpty()) return;
    if (id == m_session.conversation().id) m_session.startNextChat();
    m_services.store().post([id](store::ConversationStore& store) { (void)store.remove(id); });
    refresh();
}

void ConversationSidebar::exportTo(const QString& id, ExportFormat format, const QString& path) {
    m_services.store().fetch<QString>(
        [id, format, path](store::ConversationStore& store) -> QString {
            auto loaded = store.load(id);
            if (!loaded) return QString::fromStdString(loaded.error().message);
            const QByteArray bytes =
                format == ExportFormat::Markdown ? store::exportMarkdown(*loaded).toUtf8() : store::exportJson(*loaded);
            QSaveFile file(path);  // all or nothing: no half-written export
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
                return file.errorString();
            return {};
        },
        this,
        [this, path](QString error) {
            if (!error.isEmpty())
                showError(tr("Export failed"), tr("Could not write %1: %2").arg(QDir::toNativeSeparators(path), error));
            else
                emit notice(tr("Exported the chat to %1").arg(QDir::toNativeSeparators(path)));
            emit exported(path, error);
        });
}

void ConversationSidebar::askRename(const QString& id) {
    auto* dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName("renameDialog");
    dialog->setWindowTitle(tr("Rename chat"));
    dialog->setLabelText(tr("Title:"));
    dialog->setTextValue(titleOf(id));
    // Wide enough that a window manager's title bar shows the whole title beside its buttons
    // (the dialog's layout sets its size from its contents, so the text box is widened).
    if (auto* edit = dialog->findChild<QLineEdit*>())
        edit->setMinimumWidth(std::max(360, dialog->fontMetrics().horizontalAdvance(dialog->windowTitle()) + 200));
    connect(dialog, &QInputDialog::textValueSelected, this, [this, id](const QString& title) { rename(id, title); });
    dialog->open();
}

void ConversationSidebar::askRemove(const QString& id) {
    auto* box = new QMessageBox(QMessageBox::Question, tr("Delete chat"),
                                tr("Delete “%1” and all its messages? This cannot be undone.").arg(titleOf(id)),
                                QMessageBox::Cancel, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName("deleteDialog");
    QPushButton* confirm = box->addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::buttonClicked, this, [this, id, confirm](QAbstractButton* button) {
        if (button == confirm) remove(id);
    });
    box->open();
}

// Asks where to save in the folder of the last export, else Documents (else home, where
// there is no Documents folder); a window-modal dialog opened with open(), no nested loop.
void ConversationSidebar::askExport(const QString& id, ExportFormat format) {
    const bool markdown = format == ExportFormat::Markdown;
    QString folder = m_services.settings().exportFolder();
    if (folder.isEmpty() || !QDir(folder).exists())
        folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty() || !QDir(folder).exists()) folder = QDir::homePath();
    auto* dialog = new QFileDialog(this, tr("Export chat"), folder,
                                   markdown ? tr("Markdown (*.md)") : tr("JSON (*.json)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName("exportDialog");
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(markdown ? "md" : "json");
    dialog->selectFile(fileNameFor(titleOf(id)) + (markdown ? ".md" : ".json"));
    connect(dialog, &QFileDialog::fileSelected, this, [this, id, format](const QString& path) {
        if (path.isEmpty()) return;
        m_services.settings().setExportFolder(QFileInfo(path).absolutePath());
        exportTo(id, format, path);
    });
    dialog->open();
}

void ConversationSidebar::showMenu(const QPoint& position) {
    const QListWidgetItem* item = m_list->itemAt(position);
    const QString id = item ? item->data(kIdRole).toString() : QString();
    if (id.isEmpty()) return;
    QMenu menu(this);
    menu.addAction(tr("Rename…"), this, [this, id] { askRename(id); });
    menu.addAction(tr("Export as Markdown…"), this, [this, id] { askExport(id, ExportFormat::Markdown); });
    menu.addAction(tr("Export as JSON…"), this, [this, id] { askExport(id, ExportFormat::Json); });
    menu.addSeparator();
    menu.addAction(tr("Delete…"), this, [this, id] { askRemove(id); });
    menu.exec(m_list->viewport()->mapToGlobal(position));
}

void ConversationSidebar::showError(const QString& title, const QString& text) {
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

// F2 renames and Delete deletes the selected chat, as in a file manager; Esc in the search
// clears it (and, when already empty, goes on to whatever else wants Esc).
bool ConversationSidebar::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_search && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape && !m_search->text().isEmpty()) {
        m_search->clear();
        return true;
    }
    if (watched == m_list && event->type() == QEvent::KeyPress && !selectedId().isEmpty()) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        if (key == Qt::Key_F2) {
            askRename(selectedId());
            return true;
        }
        if (key == Qt::Key_Delete) {
            askRemove(selectedId());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace pagoda::ui
