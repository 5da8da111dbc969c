#include "ui/server/server_page.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QTextDocument>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <functional>

#include "app/desktop/desktop_services.h"
#include "ui/server/client_snippets.h"
#include "ui/theme.h"

namespace pagoda::ui {

namespace {

constexpr auto kLoopback = "127.0.0.1";
constexpr auto kAnyAddress = "0.0.0.0";

QPushButton* copyButton(QWidget* parent, const QString& objectName, std::function<QString()> text) {
    auto* button = new QPushButton(ServerPage::tr("Copy"), parent);
    button->setObjectName(objectName);
    QObject::connect(button, &QPushButton::clicked, parent,
                     [text = std::move(text)] { QApplication::clipboard()->setText(text()); });
    return button;
}

QPlainTextEdit* codeView(QWidget* parent, const QString& objectName) {
    auto* view = new QPlainTextEdit(parent);
    view->setObjectName(objectName);
    view->setReadOnly(true);
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return view;
}

}  // namespace

ServerPage::ServerPage(DesktopServices& services, QWidget* parent) : QWidget(parent), m_services(services) {
    m_switch = new QPushButton(this);
    m_switch->setObjectName("serverSwitch");
    m_switch->setCheckable(true);
    m_switch->setMinimumSize(160, 48);
    QFont big = m_switch->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_switch->setFont(big);
    m_switch->setStyleSheet("QPushButton:checked { background: #2e7d32; color: white; }");
    m_status = new QLabel(this);
    m_status->setObjectName("serverStatus");
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_switchHint = new QLabel(tr("Load a model first: the API serves the model that is loaded."), this);
    m_switchHint->setObjectName("switchHint");
    m_switchHint->setWordWrap(true);
    m_error = new QLabel(this);
    m_error->setObjectName("serverError");
    m_error->setWordWrap(true);
    setTone(*m_error, Tone::Error);
    m_error->hide();

    // Outside the connection box, which is locked while the API runs: this one can change anytime.
    m_startWithModel = new QCheckBox(tr("Start the API whenever a model is loaded"), this);
    m_startWithModel->setObjectName("startWithModelCheck");

    auto* switchRow = new QHBoxLayout;
    switchRow->addWidget(m_switch);
    switchRow->addWidget(m_status, 1);
    m_log = codeView(this, "requestLog");
    m_log->setAccessibleName(tr("Request log"));
    m_log->setMaximumBlockCount(ServerController::kMaxLogLines);
    m_log->setPlaceholderText(tr("Requests to the API appear here."));
    for (const QString& line : services.server().log()) m_log->appendPlainText(line);
    auto* logBox = new QGroupBox(tr("Requests"), this);
    auto* logLayout = new QVBoxLayout(logBox);
    logLayout->addWidget(m_log);

    // Scrolls rather than squeezes: on a 1366x768 laptop the page is taller than the window.
    // The request log takes whatever height is left, and keeps a few lines when there is none.
    m_log->setMinimumHeight(m_log->fontMetrics().lineSpacing() * 6);
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->addLayout(switchRow);
    layout->addWidget(m_switchHint);
    layout->addWidget(m_startWithModel);
    layout->addWidget(m_error);
    layout->addWidget(buildConnection());
    layout->addWidget(buildUsage());
    layout->addWidget(logBox, 1);
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName("serverScroll");
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto* pageLayout = new QVBoxLayout(this);
    pageLayout->setContentsMargins(0, 0, 0, 0);
    pageLayout->addWidget(scroll);

    showSettings(services.settings().server());
    syncRunning();

    connect(m_switch, &QPushButton::clicked, this, [this](bool on) { onSwitchClicked(on); });
    connect(m_startWithModel, &QCheckBox::toggled, this, [this] { onFormEdited(); });
    connect(&services.server(), &ServerController::runningChanged, this, [this] { syncRunning(); });
    connect(&services.server(), &ServerController::requestLogged, m_log, &QPlainTextEdit::appendPlainText);
    connect(&services.server(), &ServerController::startFailed, this, [this](const QString& message) {
        m_error->setText(tr("The API did not start: %1").arg(message));
        m_error->show();
        syncRunning();
    });
    connect(&services.loader(), &ModelLoader::stateChanged, this, [this] {
        syncRunning();
        updateUsage();  // a new model is served under a new name
    });
}

QWidget* ServerPage::buildConnection() {
    m_connection = new QGroupBox(tr("Connection"), this);
    m_host = new QComboBox(m_connection);
    m_host->setObjectName("hostCombo");
    m_host->setAccessibleName(tr("Who can connect"));
    m_host->addItem(tr("This computer only (127.0.0.1)"), QString(kLoopback));
    m_host->addItem(tr("Local network (0.0.0.0)"), QString(kAnyAddress));
    m_lanWarning = new QLabel(tr("Anyone on your network can use the model. Set an API key."), m_connection);
    m_lanWarning->setObjectName("lanWarning");
    m_lanWarning->setWordWrap(true);
    setTone(*m_lanWarning, Tone::Error);
    m_port = new QSpinBox(m_connection);
    m_port->setObjectName("portSpin");
    m_port->setRange(1, 65535);
    m_apiKey = new QLineEdit(m_connection);
    m_apiKey->setObjectName("apiKeyEdit");
    m_apiKey->setAccessibleName(tr("API key"));
    m_apiKey->setPlaceholderText(tr("none: no key needed"));
    auto* generate = new QPushButton(tr("Generate"), m_connection);
    generate->setObjectName("generateKeyButton");
    connect(generate, &QPushButton::clicked, this, [this] {
        m_apiKey->setText(ServerController::generateApiKey());
        onFormEdited();
    });
    m_cors = new QCheckBox(tr("Allow web pages from any origin (CORS)"), m_connection);
    m_cors->setObjectName("corsCheck");

    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(m_apiKey, 1);
    keyRow->addWidget(generate);
    keyRow->addWidget(copyButton(m_connection, "copyKeyButton", [this] { return m_apiKey->text(); }));
    auto* hostColumn = new QVBoxLayout;
    hostColumn->addWidget(m_host);
    hostColumn->addWidget(m_lanWarning);
    auto* form = new QFormLayout(m_connection);
    form->addRow(tr("Listen on"), hostColumn);
    form->addRow(tr("Port"), m_port);
    form->addRow(tr("API key"), keyRow);
    form->addRow(m_cors);

    connect(m_host, &QComboBox::currentIndexChanged, this, [this] { onFormEdited(); });
    connect(m_port, &QSpinBox::valueChanged, this, [this] { onFormEdited(); });
    connect(m_apiKey, &QLineEdit::textEdited, this, [this] { onFormEdited(); });
    connect(m_cors, &QCheckBox::toggled, this, [this] { onFormEdited(); });
    return m_connection;
}

QWidget* ServerPage::buildUsage() {
    auto* box = new QGroupBox(tr("Use it"), this);
    m_baseUrl = new QLabel(box);
    m_baseUrl->setObjectName("baseUrlLabel");
    m_baseUrl->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_curl = codeView(box, "curlSnippet");
    m_python = codeView(box, "pythonSnippet");
    m_curl->setAccessibleName(tr("curl example"));
    m_python->setAccessibleName(tr("Python example"));

    auto* urlRow = new QHBoxLayout;
    urlRow->addWidget(m_baseUrl, 1);
    urlRow->addWidget(copyButton(box, "copyUrlButton", [this] { return m_baseUrl->text(); }));
    auto* curlRow = new QHBoxLayout;
    curlRow->addWidget(m_curl, 1);
    curlRow->addWidget(copyButton(box, "copyCurlButton", [this] { return m_curl->toPlainText(); }), 0, Qt::AlignTop);
    auto* pythonRow = new QHBoxLayout;
    pythonRow->addWidget(m_python, 1);
    pythonRow->addWidget(copyButton(box, "copyPythonButton", [this] { return m_python->toPlainText(); }), 0,
                         Qt::AlignTop);
    auto* form = new QFormLayout(box);
    form->addRow(tr("Base URL"), urlRow);
    form->addRow(tr("curl"), curlRow);
    form->addRow(tr("Python (openai)"), pythonRow);
    return box;
}

store::ServerSettings ServerPage::formSettings() const {
    store::ServerSettings s;
    s.host = m_host->currentData().toString();
    s.port = m_port->value();
    s.apiKey = m_apiKey->text().trimmed();
    s.cors = m_cors->isChecked();
    s.startWithModel = m_startWithModel->isChecked();
    return s;
}

void ServerPage::showSettings(const store::ServerSettings& settings) {
    const QSignalBlocker blockHost(m_host), blockPort(m_port), blockCors(m_cors), blockStart(m_startWithModel);
    int hostIndex = m_host->findData(settings.host);
    if (hostIndex < 0) {  // an address set by hand in the settings file: shown, not replaced
        m_host->addItem(settings.host, settings.host);
        hostIndex = m_host->count() - 1;
    }
    m_host->setCurrentIndex(hostIndex);
    m_port->setValue(settings.port);
    m_apiKey->setText(settings.apiKey);
    m_cors->setChecked(settings.cors);
    m_startWithModel->setChecked(settings.startWithModel);
    m_lanWarning->setVisible(exposedWithoutKey(settings));
    updateUsage();
}

void ServerPage::onFormEdited() {
    const store::ServerSettings settings = formSettings();
    m_services.settings().setServer(settings);
    m_lanWarning->setVisible(exposedWithoutKey(settings));
    m_error->hide();  // the last failure was about other settings
    updateUsage();
}

void ServerPage::onSwitchClicked(bool on) {
    if (!on) {
        m_services.server().stop();
        return;
    }
    const store::ServerSettings settings = formSettings();
    m_services.settings().setServer(settings);
    if (m_services.server().start(settings)) m_error->hide();  // a failure arrives as startFailed
    syncRunning();  // also after a failure: the switch goes back to off
}

void ServerPage::syncRunning() {
    ServerController& server = m_services.server();
    const bool running = server.isRunning();
    const bool loaded = m_services.loader().state() == ModelLoader::State::Loaded;
    {
        const QSignalBlocker block(m_switch);
        m_switch->setChecked(running);
    }
    m_switch->setText(running ? tr("API on") : tr("API off"));
    // Stopping is always allowed; starting needs a model to serve.
    m_switch->setEnabled(running || loaded);
    m_switchHint->setVisible(!running && !loaded);
    m_status->setText(running ? tr("Serving at %1").arg(server.baseUrl()) : tr("The API is off."));
    // The listener keeps its address until restarted, so the form is locked meanwhile.
    m_connection->setEnabled(!running);
    updateUsage();
}

void ServerPage::updateUsage() {
    const store::ServerSettings settings = formSettings();
    ServerController& server = m_services.server();
    const QString url = server.isRunning() ? server.baseUrl()
                                           : ServerController::baseUrlFor(settings.host, quint16(settings.port));
    QString model = m_services.server().servedModelName();
    if (model.isEmpty()) model = QStringLiteral("MODEL");
    m_baseUrl->setText(url);
    m_curl->setPlainText(curlSnippet(url, settings.apiKey, model));
    m_python->setPlainText(pythonSnippet(url, settings.apiKey, model));
    for (QPlainTextEdit* view : {m_curl, m_python}) {
        // Tall enough for the whole snippet and a horizontal scroll bar: nothing to scroll down to.
        const int lines = view->document()->blockCount() + 1;
        view->setFixedHeight(view->fontMetrics().lineSpacing() * lines + 2 * view->frameWidth() +
                             int(2 * view->document()->documentMargin()) +
                             view->horizontalScrollBar()->sizeHint().height());
    }
}

}  // namespace pagoda::ui
