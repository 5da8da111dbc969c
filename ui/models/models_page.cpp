#include "ui/models/models_page.h"

#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "app/desktop/desktop_services.h"
#include "ui/models/downloads_panel.h"
#include "ui/models/hub_search_panel.h"
#include "ui/models/library_panel.h"
#include "ui/models/model_details_panel.h"
#include "ui/models/table_columns.h"

namespace pagoda::ui {

ModelsPage::ModelsPage(DesktopServices& services, QWidget* parent) : QWidget(parent), m_services(services) {
    m_search = new HubSearchPanel(services.settings(), this);
    m_details = new ModelDetailsPanel(this);
    m_downloads = new DownloadsPanel(services.downloads(), this);
    m_library = new LibraryPanel(services, this);
    if (auto* results = m_search->findChild<QTableView*>("resultsView")) fitColumns(*results, ResultsModel::ModelColumn);

    auto* browse = new QSplitter(Qt::Horizontal);
    browse->addWidget(m_search);
    browse->addWidget(m_details);
    browse->setStretchFactor(0, 3);
    browse->setStretchFactor(1, 2);
    browse->setSizes({700, 460});  // the details need room for file names beside the table

    m_tabs = new QTabWidget;
    m_tabs->setObjectName("modelsTabs");
    m_tabs->addTab(m_library, tr("My models"));
    m_tabs->addTab(m_downloads, tr("Downloads"));

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(browse);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(m_search, &HubSearchPanel::selected, m_details, &ModelDetailsPanel::showModel);
    connect(m_search, &HubSearchPanel::cleared, m_details, &ModelDetailsPanel::clear);
    // The pane shows one model at a time: a hub result's row lets go when a model of the
    // library is shown (its clear() comes first), so clicking that result again shows it again.
    connect(m_library, &LibraryPanel::modelSelected, this, [this](const hub::LocalModel& model) {
        if (auto* results = m_search->findChild<QTableView*>("resultsView")) results->selectionModel()->clear();
        m_details->showLocalModel(model);
    });
    connect(m_details, &ModelDetailsPanel::sizesKnown, &m_search->results(), &ResultsModel::setSizes);
    connect(m_details, &ModelDetailsPanel::downloadRequested, this, [this](const hub::DownloadRequest& request) {
        m_services.downloads().enqueue(request);
        m_tabs->setCurrentWidget(m_downloads);
    });
    connect(m_downloads, &DownloadsPanel::modelDownloaded, m_library,
            [this](const QString&, const QString& folder) { m_library->refresh(folder); });
    connect(m_downloads, &DownloadsPanel::activeCountChanged, this, &ModelsPage::showDownloadCount);
    showDownloadCount(m_downloads->activeCount());
}

void ModelsPage::showDownloadCount(int active) {
    m_tabs->setTabText(m_tabs->indexOf(m_downloads), active > 0 ? tr("Downloads (%1)").arg(active) : tr("Downloads"));
}

}  // namespace pagoda::ui
