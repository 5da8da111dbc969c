#include "ui/models/library_panel.h"

#include <QDesktopServices>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

#include "app/desktop/desktop_services.h"
#include "ui/inline_status.h"
#include "ui/background.h"
#include "ui/models/library_model.h"
#include "ui/models/table_columns.h"

namespace pagoda::ui {

namespace {

QPushButton* button(const QString& text, const char* objectName, QWidget* parent) {
    auto* b = new QPushButton(text, parent);
    b->setObjectName(objectName);
    return b;
}

QString message(const Status& status) { return status ? QString() : QString::fromStdString(status.error().message); }

}  // namespace

LibraryPanel::LibraryPanel(DesktopServices& services, QWidget* parent)
    : QWidget(parent), m_services(services), m_library(services.library()) {
    m_model = new LibraryModel(this);
    m_view = new QTableView(this);
    m_view->setObjectName("libraryView");
    m_view->setModel(m_model);
    m_view->setAccessibleName(tr("Downloaded models"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    fitColumns(*m_view, LibraryModel::ModelColumn);

    m_loaded = new QLabel(this);
    m_loaded->setObjectName("loadedLabel");
    m_loaded->setWordWrap(true);
    m_status = new QLabel(this);
    m_status->setObjectName("libraryStatus");
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();

    m_load = button(tr("Load"), "loadButton", this);
    m_load->setToolTip(tr("Load into the engine with the engine settings; the chat and the API use it."));
    m_unload = button(tr("Unload"), "unloadButton", this);
    m_delete = button(tr("Delete…"), "deleteButton", this);
    m_reveal = button(tr("Show folder"), "revealButton", this);
    m_verify = button(tr("Check files"), "verifyButton", this);
    m_verify->setToolTip(tr("Re-hash every file against the hub's checksums. Reads the whole model."));
    m_import = button(tr("Import folder…"), "importButton", this);
    m_import->setToolTip(tr("Add a model folder from disk (config.json and safetensors); its files stay where they are."));
    m_refresh = button(tr("Refresh"), "libraryRefresh", this);

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_load, m_unload, m_delete, m_reveal, m_verify}) buttons->addWidget(b);
    buttons->addStretch(1);
    buttons->addWidget(m_import);
    buttons->addWidget(m_refresh);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_loaded);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);
    layout->addLayout(buttons);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &LibraryPanel::updateButtons);
    // Selection, not the current row: selectRow() moves the current row before it selects.
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateButtons();
        if (const hub::LocalModel* model = selected()) emit modelSelected(*model);
    });
    // A click on the row already selected shows it again (the pane may show a hub's model now).
    connect(m_view, &QTableView::clicked, this, [this] {
        if (const hub::LocalModel* model = selected()) emit modelSelected(*model);
    });
    connect(m_view, &QTableView::doubleClicked, this, &LibraryPanel::loadSelected);
    connect(m_load, &QPushButton::clicked, this, &LibraryPanel::loadSelected);
    connect(m_unload, &QPushButton::clicked, &m_services.loader(), &ModelLoader::unload);
    connect(m_delete, &QPushButton::clicked, this, &LibraryPanel::deleteSelected);
    connect(m_reveal, &QPushButton::clicked, this, &LibraryPanel::revealSelected);
    connect(m_verify, &QPushButton::clicked, this, &LibraryPanel::verifySelected);
    connect(m_import, &QPushButton::clicked, this, &LibraryPanel::chooseImportFolder);
    connect(m_refresh, &QPushButton::clicked, this, [this] { refresh(); });
    connect(&m_services.loader(), &ModelLoader::stateChanged, this, &LibraryPanel::onLoaderChanged);
    connect(&m_services.loader(), &ModelLoader::loadFinished, this,
            [this](bool ok, const QString& text) { showStatus(text, !ok); });

    onLoaderChanged();
    refresh();
}

LibraryPanel::~LibraryPanel() { *m_stop = true; }

void LibraryPanel::refresh(const QString& selectFolder) {
    const int generation = ++m_scanGeneration;
    m_scanning = true;
    const QString keep = !selectFolder.isEmpty() ? selectFolder : (selected() ? selected()->folder : QString());
    m_refresh->setEnabled(false);
    runInBackground(this, [library = m_library] { return library.scan(); },
                    [this, generation, keep](std::vector<hub::LocalModel> models) {
                        if (generation != m_scanGeneration) return;  // a newer scan is on its way
                        m_scanning = false;
                        m_refresh->setEnabled(true);
                        m_model->setModels(std::move(models));
                        if (const int row = m_model->rowOfFolder(keep); row >= 0) m_view->selectRow(row);
                        updateButtons();
                        emit scanned(m_model->rowCount());
                    });
}

const hub::LocalModel* LibraryPanel::selected() const {
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (!current.isValid() || !m_view->selectionModel()->isRowSelected(current.row(), {})) return nullptr;
    return &m_model->modelAt(current.row());
}

void LibraryPanel::loadSelected() {
    const hub::LocalModel* model = selected();
    if (!model) return;
    showStatus({}, false);
    m_services.loader().load(*model, m_services.settings().engine());
}

void LibraryPanel::deleteSelected() {
    const hub::LocalModel* picked = selected();
    if (!picked) return;
    const hub::LocalModel model = *picked;
    // Another tool's cache is refused by the library with where it is and which tool cleans
    // it; asking "are you sure?" first would only delay that answer.
    if (!model.readOnly) {
        const bool imported = model.source == hub::ModelSource::Imported;
        const QString question = imported
            ? tr("Remove %1 from the library? Its files stay in %2.").arg(model.name(), model.folder)
            : tr("Delete %1? This deletes %2 in %3.").arg(model.name(), hub::formatBytes(model.sizeOnDisk), model.folder);
        if (QMessageBox::question(this, tr("Delete model"), question, QMessageBox::Yes | QMessageBox::Cancel,
                                  QMessageBox::Cancel) != QMessageBox::Yes)
            return;
        // The engine maps the weights it serves; unload before their files go.
        const auto& loaded = m_services.loader().model();
        if (!imported && loaded && loaded->folder == model.folder) m_services.loader().unload();
    }
    m_busy = true;
    updateButtons();
    showStatus(tr("Deleting %1…").arg(model.name()), false);
    runInBackground(this, [library = m_library, model] { return message(library.remove(model)); },
                    [this, id = model.name()](QString error) {
                        m_busy = false;
                        showStatus(error.isEmpty() ? tr("%1 was removed.").arg(id) : error, !error.isEmpty());
                        refresh();
                    });
}

void LibraryPanel::revealSelected() {
    if (const hub::LocalModel* model = selected()) QDesktopServices::openUrl(QUrl::fromLocalFile(model->folder));
}

void LibraryPanel::verifySelected() {
    const hub::LocalModel* picked = selected();
    if (!picked) return;
    m_busy = true;
    updateButtons();
    showStatus(tr("Checking the files of %1…").arg(picked->name()), false);
    runInBackground(
        this, [library = m_library, model = *picked, stop = m_stop] {
            return message(library.verify(model, [stop](qint64, qint64) { return !stop->load(); }));
        },
        [this, id = picked->name()](QString error) {
            m_busy = false;
            showStatus(error.isEmpty() ? tr("The files of %1 are intact.").arg(id) : error, !error.isEmpty());
            refresh();
        });
}

void LibraryPanel::chooseImportFolder() {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Import a model folder"));
    if (!path.isEmpty()) importFolder(path);
}

void LibraryPanel::importFolder(const QString& path) {
    m_busy = true;
    updateButtons();
    showStatus(tr("Reading %1…").arg(path), false);
    runInBackground(this, [library = m_library, path] { return library.importFolder(path); },
                    [this](Result<hub::LocalModel> imported) {
                        m_busy = false;
                        if (!imported) {
                            showStatus(QString::fromStdString(imported.error().message), true);
                            return updateButtons();
                        }
                        showStatus(tr("%1 was added to the library.").arg(imported->id), false);
                        refresh(imported->folder);
                    });
}

void LibraryPanel::onLoaderChanged() {
    const ModelLoader& loader = m_services.loader();
    const auto& model = loader.model();
    const bool loading = loader.state() == ModelLoader::State::Loading;
    m_model->setLoaded(model && loader.state() != ModelLoader::State::Failed ? model->folder : QString(), loading);
    switch (loader.state()) {
        case ModelLoader::State::Empty: m_loaded->setText(tr("No model is loaded.")); break;
        case ModelLoader::State::Loading: m_loaded->setText(tr("Loading %1…").arg(model ? model->name() : QString())); break;
        case ModelLoader::State::Loaded: m_loaded->setText(tr("Loaded: <b>%1</b>").arg(model ? model->name().toHtmlEscaped() : QString())); break;
        case ModelLoader::State::Failed: m_loaded->setText(tr("No model is loaded: the last load failed.")); break;
    }
    updateButtons();
}

void LibraryPanel::updateButtons() {
    const hub::LocalModel* model = selected();
    const ModelLoader::State state = m_services.loader().state();
    m_load->setEnabled(model && model->status == hub::ModelStatus::Ready);
    m_unload->setEnabled(state == ModelLoader::State::Loaded || state == ModelLoader::State::Loading);
    m_delete->setEnabled(model && !m_busy);
    m_reveal->setEnabled(model != nullptr);
    m_verify->setEnabled(model && !m_busy);
    m_import->setEnabled(!m_busy);
}

void LibraryPanel::showStatus(const QString& text, bool error) { showInlineStatus(*m_status, text, error); }

}  // namespace pagoda::ui
