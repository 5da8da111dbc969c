#include "ui/chat/model_picker.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QUrl>

#include "app/desktop/desktop_services.h"
#include "ui/background.h"
#include "ui/eliding_combo_box.h"

namespace pagoda::ui {

namespace {

// Item keys (Qt::UserRole): "local:<name>", "remote:<index>", "add"; anything else is a
// label for the current choice that cannot be chosen again from the list.
const QString kLocal = QStringLiteral("local:");
const QString kRemote = QStringLiteral("remote:");
const QString kAdd = QStringLiteral("add");

QString endpointLabel(const QString& url, const QString& model) {
    const QUrl parsed(url.contains(QStringLiteral("://")) ? url : QStringLiteral("http://") + url);
    QString host = parsed.host().isEmpty() ? url : parsed.host();
    if (parsed.port() > 0) host += ':' + QString::number(parsed.port());
    return model.isEmpty() ? host : model + QStringLiteral(" @ ") + host;
}

bool sameEndpoint(const store::RemoteEndpoint& endpoint, const store::GenerationSettings& settings) {
    return endpoint.url == settings.endpointUrl && endpoint.model == settings.endpointModel;
}

}  // namespace

ModelPicker::ModelPicker(DesktopServices& services, QWidget* parent) : QWidget(parent), m_services(services) {
    setObjectName("modelPicker");
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_combo = new ElidingComboBox(Qt::ElideMiddle, this);
    m_combo->setObjectName("modelCombo");
    // As wide as a typical name, not the longest: a long GGUF name must not push the header
    // past a laptop's width. The list opens as wide as its names need.
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_combo->setMinimumContentsLength(22);
    m_combo->setToolTip(tr("The model or server that answers this chat"));
    m_combo->setAccessibleName(tr("Model for this chat"));
    m_busy = new QProgressBar(this);
    m_busy->setObjectName("modelLoadingBar");
    m_busy->setRange(0, 0);  // the engine reports no fraction while it loads: a busy bar
    m_busy->setMaximumWidth(80);
    m_busy->setTextVisible(false);
    m_state = new QLabel(this);
    m_state->setObjectName("modelStateLabel");
    m_state->setForegroundRole(QPalette::PlaceholderText);
    m_load = new QPushButton(tr("Load"), this);
    m_load->setObjectName("loadChosenButton");
    m_load->setToolTip(tr("Load this chat's model now (a message sent meanwhile waits for it)"));
    layout->addWidget(m_combo);
    layout->addWidget(m_busy);
    layout->addWidget(m_state);
    layout->addWidget(m_load);

    m_combo->installEventFilter(this);
    connect(m_combo, &QComboBox::activated, this, &ModelPicker::activated);
    connect(m_load, &QPushButton::clicked, this, &ModelPicker::loadRequested);
    connect(&m_services.loader(), &ModelLoader::stateChanged, this, &ModelPicker::rebuild);
    connect(&m_services.downloads(), &hub::DownloadQueue::finished, this, [this](const QString&, bool ok) {
        if (ok) refresh();
    });
    refresh();
}

// A wheel turned while the pointer crosses the header would choose, and load, another model.
bool ModelPicker::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_combo && event->type() == QEvent::Wheel) return true;
    return QWidget::eventFilter(watched, event);
}

QString ModelPicker::loadedName() const {
    const ModelLoader& loader = m_services.loader();
    const bool holding = loader.state() == ModelLoader::State::Loaded || loader.state() == ModelLoader::State::Loading;
    return holding && loader.model() ? loader.model()->name() : QString();
}

std::optional<hub::LocalModel> ModelPicker::chosenModel(const store::GenerationSettings& settings) const {
    if (!settings.endpointUrl.isEmpty() || settings.localModel.isEmpty()) return std::nullopt;
    for (const hub::LocalModel& model : m_models)
        if (model.name() == settings.localModel) return model;
    return std::nullopt;
}

void ModelPicker::setChoice(const store::GenerationSettings& settings) {
    m_choice = settings;
    rebuild();
}

void ModelPicker::refreshEndpoints() {
    m_endpoints = m_services.settings().remoteEndpoints();
    rebuild();
}

void ModelPicker::refresh() {
    m_endpoints = m_services.settings().remoteEndpoints();
    const int read = ++m_reads;
    runInBackground(
        this, [library = m_services.library()] { return library.scan(); },
        [this, read](std::vector<hub::LocalModel> models) {
            if (read != m_reads) return;
            std::erase_if(models, [](const hub::LocalModel& m) { return m.status != hub::ModelStatus::Ready; });
            m_models = std::move(models);
            m_ready = true;
            rebuild();
            emit listChanged();
        });
    rebuild();
}

void ModelPicker::rebuild() {
    m_rebuilding = true;
    m_combo->clear();
    const QString loaded = loadedName();
    const bool remote = !m_choice.endpointUrl.isEmpty();
    const QString local = remote ? QString() : m_choice.localModel.isEmpty() ? loaded : m_choice.localModel;
    int current = -1;

    if (!remote && local.isEmpty()) {
        m_combo->addItem(tr("No model loaded"), QStringLiteral("none"));
        current = 0;
    }
    bool listed = false;
    for (const hub::LocalModel& model : m_models) {
        const bool isLoaded = model.name() == loaded && m_services.loader().state() == ModelLoader::State::Loaded;
        m_combo->addItem(isLoaded ? tr("%1 (loaded)").arg(model.name()) : model.name(), kLocal + model.name());
        m_combo->setItemData(m_combo->count() - 1, model.folder, Qt::ToolTipRole);
        if (!remote && model.name() == local) current = m_combo->count() - 1, listed = true;
    }
    if (!remote && !local.isEmpty() && !listed) {  // the loaded model before the list is read, or one since deleted
        const bool known = local == loaded || !m_ready;
        m_combo->addItem(known ? local : tr("%1 (not in the library)").arg(local), QStringLiteral("chosen"));
        current = m_combo->count() - 1;
    }
    if (!m_endpoints.empty() || remote) m_combo->insertSeparator(m_combo->count());
    bool remembered = false;
    for (size_t i = 0; i < m_endpoints.size(); ++i) {
        const store::RemoteEndpoint& endpoint = m_endpoints[i];
        m_combo->addItem(endpointLabel(endpoint.url, endpoint.model), kRemote + QString::number(i));
        m_combo->setItemData(m_combo->count() - 1, endpoint.url, Qt::ToolTipRole);
        if (remote && !remembered && sameEndpoint(endpoint, m_choice))
            current = m_combo->count() - 1, remembered = true;
    }
    if (remote && !remembered) {  // typed into the settings and not sent to yet
        m_combo->addItem(endpointLabel(m_choice.endpointUrl, m_choice.endpointModel), QStringLiteral("chosen"));
        current = m_combo->count() - 1;
    }
    m_combo->insertSeparator(m_combo->count());
    m_combo->addItem(tr("Add a remote server…"), kAdd);
    m_combo->setCurrentIndex(current);
    m_rebuilding = false;
    updateState();
}

void ModelPicker::activated(int index) {
    if (m_rebuilding) return;
    const QString key = m_combo->itemData(index).toString();
    if (key == kAdd) {
        rebuild();  // the list keeps showing what answers until a server is entered
        emit addRemoteRequested();
    } else if (key.startsWith(kLocal)) {
        const QString name = key.mid(kLocal.size());
        for (const hub::LocalModel& model : m_models)
            if (model.name() == name) return emit localChosen(model);
    } else if (key.startsWith(kRemote)) {
        const size_t i = key.mid(kRemote.size()).toULongLong();
        if (i < m_endpoints.size()) emit remoteChosen(m_endpoints[i]);
    }
}

void ModelPicker::updateState() {
    const ModelLoader& loader = m_services.loader();
    const bool remote = !m_choice.endpointUrl.isEmpty();
    const QString loaded = loadedName();
    const QString local = remote ? QString() : m_choice.localModel.isEmpty() ? loaded : m_choice.localModel;
    const bool ours = !local.isEmpty() && loader.model() && loader.model()->name() == local;
    const bool loading = ours && loader.state() == ModelLoader::State::Loading;
    const bool failed = ours && loader.state() == ModelLoader::State::Failed;
    const bool elsewhere = !local.isEmpty() && !ours && chosenModel(m_choice).has_value();
    m_busy->setVisible(loading);
    m_load->setVisible(failed || elsewhere);
    m_load->setText(failed ? tr("Try again") : tr("Load"));
    QString state;
    if (loading) state = tr("Loading…");
    else if (failed) state = tr("Could not load");
    else if (elsewhere) state = loaded.isEmpty() ? tr("Not loaded") : tr("Not loaded; %1 is").arg(loaded);
    m_state->setText(state);
    m_state->setToolTip(failed ? loader.error() : QString());
    m_state->setVisible(!state.isEmpty());
}

}  // namespace pagoda::ui
