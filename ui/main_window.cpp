#include "ui/main_window.h"

#include <QApplication>
#include <QAbstractButton>
#include <QButtonGroup>
#include <QClipboard>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QMenu>
#include <QScreen>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include "app/chat/conversation_session.h"
#include "app/desktop/app_restart.h"
#include "app/desktop/desktop_services.h"
#include "app/hub/model_paths.h"
#include "ui/background.h"
#include "ui/chat/chat_page.h"
#include "ui/chat/conversation_sidebar.h"
#include "ui/models/models_page.h"
#include "ui/models/welcome_dialog.h"
#include "ui/server/server_page.h"
#include "ui/settings/settings_page.h"
#include "ui/shortcuts.h"
#include "ui/shortcuts_dialog.h"
#include "ui/settings/app_preferences_panel.h"
#include "ui/status/status_panel.h"
#include "ui/tray_menu.h"
#include "ui/window_geometry.h"

namespace pagoda::ui {

namespace {

QToolButton* navigationButton(const QString& text, const QString& objectName, QWidget* parent) {
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setObjectName(objectName);
    button->setCheckable(true);
    button->setAutoRaise(true);
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}

}  // namespace

MainWindow::MainWindow(DesktopServices& services, QWidget* parent)
    : QMainWindow(parent),
      m_services(services),
      m_session(std::make_unique<chat::ConversationSession>(
          services.store(), [&services](const store::GenerationSettings& s) { return services.generatorFor(s); })) {
    setWindowTitle(tr("Pagoda"));
    setObjectName("mainWindow");
    // Where the user left it, else a size the screen has room for (a laptop's is small).
    if (!restoreGeometry(services.settings().windowGeometry()))
        setGeometry(firstRunGeometry(screen()->availableGeometry()));

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto* side = new QWidget(central);
    side->setObjectName("sidebar");
    side->setFixedWidth(260);
    auto* sideLayout = new QVBoxLayout(side);
    auto* navRow = new QHBoxLayout;
    m_navigation = new QButtonGroup(this);
    m_navigation->setExclusive(true);
    const std::pair<QString, const char*> pages[] = {
        {tr("Chat"), "chatNav"}, {tr("Models"), "modelsNav"}, {tr("Server"), "serverNav"}, {tr("Settings"), "settingsNav"}};
    for (int i = 0; i < 4; ++i) {
        QToolButton* button = navigationButton(pages[i].first, pages[i].second, side);
        button->setToolTip(QStringLiteral("%1 (%2)").arg(pages[i].first, keysText(keysFor(Command(int(Command::ChatPage) + i)))));
        m_navigation->addButton(button, i);
        navRow->addWidget(button);
    }
    sideLayout->addLayout(navRow);
    m_sidebar = new ConversationSidebar(services, *m_session, side);
    sideLayout->addWidget(m_sidebar, 1);
    navRow->setSpacing(0);
    // 260 px, or more where the four page names need it (a style's wider buttons, a language).
    side->setFixedWidth(std::max(260, side->minimumSizeHint().width()));
    layout->addWidget(side);

    m_pages = new QStackedWidget(central);
    auto* chatPage = new ChatPage(services, *m_session, m_pages);
    m_pages->addWidget(chatPage);
    m_pages->addWidget(new ModelsPage(services, m_pages));
    m_pages->addWidget(new ServerPage(services, m_pages));
    m_pages->addWidget(new SettingsPage(services, m_pages));
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    statusBar()->addPermanentWidget(new StatusPanel(services, this), 1);

    connect(m_navigation, &QButtonGroup::idClicked, this, [this](int id) { showPage(Page(id)); });
    connect(chatPage, &ChatPage::openModelsRequested, this, [this] { showPage(Page::Models); });
    connect(m_sidebar, &ConversationSidebar::chatOpened, this, [this] { showPage(Page::Chat); });
    connect(&services.loader(), &ModelLoader::loadFinished, this, [this](bool ok, const QString& message) {
        const KvCacheSizing* cache = m_services.host().cacheSizing();
        const bool lowered = ok && cache && !cache->note.empty();  // worth reading: longer on screen
        statusBar()->showMessage(message, ok && !lowered ? 5000 : 20000);
        if (ok && m_services.settings().server().startWithModel && !m_services.server().isRunning())
            (void)m_services.server().start(m_services.settings().server());  // errors: startFailed
    });
    connect(&services.server(), &ServerController::startFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("The API did not start: %1").arg(message), 15000);
    });
    m_session->startNew(store::GenerationSettings{});
    showPage(Page::Chat);
    setUpTray();
    setUpShortcuts();
}

MainWindow::~MainWindow() = default;

void MainWindow::showPage(Page page) {
    m_pages->setCurrentIndex(int(page));
    m_navigation->button(int(page))->setChecked(true);
}

MainWindow::Page MainWindow::currentPage() const { return Page(m_pages->currentIndex()); }

void MainWindow::restoreSession() {
    const QString last = m_services.settings().lastModel();
    if (m_services.loader().state() == ModelLoader::State::Empty) {
        // The model used last, else the demo model that ships with Pagoda (first run, or the
        // last one was deleted), so there is always something to chat with. ModelLibrary reads
        // the disk: find the model on a pool thread, load it back here.
        runInBackground(
            this,
            [library = m_services.library(), last] {
                auto model = last.isEmpty() ? std::nullopt : library.find(last);
                return model ? model : library.find(hub::kDemoModelId);
            },
            [this](std::optional<hub::LocalModel> model) {
                if (model && m_services.loader().state() == ModelLoader::State::Empty)
                    m_services.loader().load(*model, m_services.settings().engine());
            });
    }
    if (!m_services.settings().firstRunDone()) showWelcome();
}

void MainWindow::showWelcome() {
    auto* welcome = new WelcomeDialog(m_services, this);
    welcome->setAttribute(Qt::WA_DeleteOnClose);
    welcome->open();  // window-modal, without a nested event loop
}

void MainWindow::bringToFront() {
    if (isMinimized()) showNormal();
    show();
    raise();
    activateWindow();
}

void MainWindow::setUpTray() {
    // The menu is built with or without a tray, so its wiring is the same (and testable) everywhere.
    auto* menu = new TrayMenu(m_services, this);
    connect(menu, &TrayMenu::openRequested, this, &MainWindow::bringToFront);
    connect(menu, &TrayMenu::newChatRequested, this, [this] {
        bringToFront();
        // The sidebar's own button: a new chat keeps what the sidebar's rule keeps, and opens.
        if (auto* newChat = m_sidebar->findChild<QAbstractButton*>("newChatButton")) newChat->click();
    });
    connect(menu, &TrayMenu::quitRequested, this, [this] {
        m_quitting = true;
        close();
    });
    // "Restart now" after a language change must get past the tray as Quit does.
    if (auto* preferences = findChild<AppPreferencesPanel*>()) preferences->setRestart([this] { return restart(); });
    if (!QSystemTrayIcon::isSystemTrayAvailable()) return;
    m_tray = new QSystemTrayIcon(windowIcon(), this);
    m_tray->setToolTip(tr("Pagoda"));
    m_tray->setContextMenu(menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger) bringToFront();
    });
    m_tray->show();
}

bool MainWindow::restart() {
    if (!startReplacement(restartCommand())) return false;
    m_quitting = true;
    // After the click has returned; the replacement waits until this process lets go.
    QTimer::singleShot(0, this, [this] {
        close();
        QCoreApplication::quit();  // also when a dialog is still open
    });
    return true;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_services.settings().setWindowGeometry(saveGeometry());
    // With the tray option on, closing hides the window while the API keeps serving editors.
    if (!m_quitting && m_tray && m_services.settings().keepApiInTray() && m_services.server().isRunning()) {
        hide();
        m_tray->showMessage(tr("Pagoda is still serving"), tr("The API stays on at %1. Quit from the tray icon.")
                                                                .arg(m_services.server().baseUrl()));
        event->ignore();
        return;
    }
    m_session->stop();
    event->accept();
}

void MainWindow::setUpShortcuts() {
    // Stop (Esc) is the chat page's own, on only while an answer is coming.
    addShortcutActions(*this,
                       {Command::FocusSearch, Command::NewChat, Command::Regenerate, Command::CopyLastAnswer,
                        Command::ChatPage, Command::ModelsPage, Command::ServerPage, Command::SettingsPage,
                        Command::OpenSettings, Command::ShowShortcuts},
                       [this](Command command) { runCommand(command); });
    connect(m_sidebar, &ConversationSidebar::shortcutsRequested, this, &MainWindow::showShortcuts);
    connect(m_sidebar, &ConversationSidebar::notice, this, [this](const QString& text) {
        statusBar()->showMessage(text, 10000);
    });
}

void MainWindow::runCommand(Command command) {
    const store::Conversation& chat = m_session->conversation();
    const store::Message* last = chat.find(chat.currentLeafId);
    const bool answered = last && last->role == store::Role::Assistant && !m_session->isGenerating();
    switch (command) {
    case Command::FocusSearch: m_sidebar->focusSearch(); break;
    case Command::NewChat: m_sidebar->newChat(); break;
    case Command::ChatPage: showPage(Page::Chat); break;
    case Command::ModelsPage: showPage(Page::Models); break;
    case Command::ServerPage: showPage(Page::Server); break;
    case Command::SettingsPage:
    case Command::OpenSettings: showPage(Page::Settings); break;
    case Command::Regenerate:
        showPage(Page::Chat);
        if (answered) m_session->regenerate(last->id);
        else statusBar()->showMessage(tr("There is no answer to regenerate yet"), 5000);
        break;
    case Command::CopyLastAnswer:
        if (answered) QGuiApplication::clipboard()->setText(last->content);
        statusBar()->showMessage(answered ? tr("Copied the last answer") : tr("There is no answer to copy yet"), 5000);
        break;
    case Command::Stop: m_session->stop(); break;
    case Command::ShowShortcuts: showShortcuts(); break;
    }
}

void MainWindow::showShortcuts() {
    if (!m_shortcuts) {
        m_shortcuts = new ShortcutsDialog(this);
        m_shortcuts->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_shortcuts->show();  // not modal: it can stay open beside the window while trying keys
    m_shortcuts->raise();
    m_shortcuts->activateWindow();
}

}  // namespace pagoda::ui
