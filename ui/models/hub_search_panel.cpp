#include "ui/models/hub_search_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "app/hub/hub_client.h"
#include "app/store/app_settings.h"
#include "ui/inline_status.h"
#include "ui/background.h"

namespace pagoda::ui {

namespace {

// Big enough that one page answers most searches; "More results" asks for the next.
constexpr int kPageSize = 30;
// Typing pauses this long before the hub is asked, so each key press is not a request.
constexpr int kDebounceMs = 450;

bool chineseUi() { return QLocale().name().startsWith("zh"); }

}  // namespace

HubSearchPanel::HubSearchPanel(store::AppSettings& settings, QWidget* parent)
    : QWidget(parent), m_settings(settings), m_choice(hubChoiceFromSetting(settings.hub())) {
    if (auto catalog = hub::loadCatalog()) m_catalog = std::move(*catalog);
    else m_catalogError = QString::fromStdString(catalog.error().message);

    m_hubCombo = new QComboBox(this);
    m_hubCombo->setObjectName("hubCombo");
    m_hubCombo->setAccessibleName(tr("Hub"));
    for (HubChoice choice : {HubChoice::HuggingFace, HubChoice::ModelScope, HubChoice::Mirror})
        m_hubCombo->addItem(hubChoiceTitle(choice), settingFor(choice));
    m_hubCombo->setCurrentIndex(m_hubCombo->findData(settingFor(m_choice)));
    m_hubCombo->setToolTip(tr("Where models are searched and downloaded from. ModelScope and hf-mirror.com are "
                              "usually faster in mainland China; your Hugging Face token is never sent to the mirror."));

    m_edit = new QLineEdit(this);
    m_edit->setObjectName("searchEdit");
    m_edit->setAccessibleName(tr("Search the hub"));
    m_edit->setPlaceholderText(tr("Search models, e.g. Qwen3 or glm-4 (empty: Pagoda's picks)"));
    m_edit->setClearButtonEnabled(true);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);

    m_caption = new QLabel(this);
    m_caption->setObjectName("resultsCaption");
    m_caption->setWordWrap(true);

    m_status = new QLabel(this);
    m_status->setObjectName("searchStatus");
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();
    m_retry = new QPushButton(tr("Retry"), this);
    m_retry->setObjectName("searchRetryButton");
    m_retry->setToolTip(tr("Ask the hub again"));
    m_retry->hide();

    m_busy = new QProgressBar(this);
    m_busy->setObjectName("searchBusy");
    m_busy->setRange(0, 0);  // indeterminate: a hub does not say how long a search takes
    m_busy->setMaximumHeight(6);
    m_busy->setTextVisible(false);
    m_busy->hide();

    m_results = new ResultsModel(this);
    m_view = new QTableView(this);
    m_view->setObjectName("resultsView");
    m_view->setAccessibleName(tr("Models found on the hub"));
    m_view->setModel(m_results);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(ResultsModel::ModelColumn, QHeaderView::Stretch);
    m_view->setWordWrap(false);

    m_more = new QPushButton(tr("More results"), this);
    m_more->setObjectName("moreButton");
    m_more->hide();

    auto* top = new QHBoxLayout;
    top->addWidget(m_hubCombo);
    top->addWidget(m_edit, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_busy);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_retry, 0, Qt::AlignTop);
    layout->addLayout(statusRow);
    layout->addWidget(m_caption);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_more, 0, Qt::AlignRight);

    connect(m_hubCombo, &QComboBox::currentIndexChanged, this, &HubSearchPanel::onHubIndexChanged);
    connect(m_edit, &QLineEdit::textEdited, m_debounce, qOverload<>(&QTimer::start));
    connect(m_edit, &QLineEdit::returnPressed, this, &HubSearchPanel::search);
    // The clear button changes the text without textEdited; back to the catalog at once.
    connect(m_edit, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text.isEmpty()) search();
    });
    connect(m_debounce, &QTimer::timeout, this, &HubSearchPanel::search);
    connect(m_more, &QPushButton::clicked, this, [this] { runSearch(m_lastText, m_nextPage); });
    connect(m_retry, &QPushButton::clicked, this, [this] { runSearch(m_lastText, m_retryPage); });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        if (current.isValid()) emit selected(m_results->rowAt(current.row()), m_choice);
        else emit cleared();
    });

    showCatalog();
}

void HubSearchPanel::onHubIndexChanged() {
    m_choice = hubChoiceFromSetting(m_hubCombo->currentData().toString());
    m_settings.setHub(settingFor(m_choice));
    emit hubChanged(m_choice);
    // The old hub's rows must not stay selectable while the new hub answers: their ids
    // would be looked up on the wrong hub.
    if (!m_edit->text().trimmed().isEmpty()) {
        m_results->setRows({});
        emit cleared();
    }
    search();
}

void HubSearchPanel::search() {
    m_debounce->stop();
    const QString text = m_edit->text().trimmed();
    if (text.isEmpty()) return showCatalog();
    runSearch(text, {});
}

void HubSearchPanel::showCatalog() {
    ++m_generation;  // a search still running must not replace the catalog
    setBusy(false);
    m_more->hide();
    m_lastText.clear();
    showPicks();
    if (!m_catalogError.isEmpty()) showStatus(tr("The built-in model list could not be read: %1").arg(m_catalogError), true);
    else showStatus({}, false);
}

void HubSearchPanel::showPicks() {
    m_results->setRows(catalogRows(m_catalog, hubKindOf(m_choice), chineseUi()));
    showSearchColumns(false);
    emit cleared();
    m_caption->setText(tr("Pagoda's picks: chat models this build runs. \"This machine\" says whether each fits "
                          "the memory available now at an 8K-token context."));
}

// The same on both hubs: the error in words with Retry above the picks (a first page) or
// above the results so far (a further page); the URL and curl's words in the tooltip.
void HubSearchPanel::showSearchFailure(HubChoice choice, const hub::HubError& error, bool appending) {
    const auto advice = hub::adviceFor(error, hubKindOf(choice), choice == HubChoice::Mirror);
    if (appending) {
        m_retryPage = m_nextPage;
        m_more->hide();
    } else {
        m_retryPage.clear();
        showPicks();
    }
    showInlineStatus(*m_status, tr("Could not search %1: %2").arg(hubChoiceTitle(choice), advice.sentence), true,
                     advice.details);
    m_retry->show();
}

void HubSearchPanel::runSearch(const QString& text, const QString& page) {
    const int generation = ++m_generation;
    const HubChoice choice = m_choice;
    const hub::HubEndpoint endpoint = endpointFor(choice);
    m_lastText = text;
    setBusy(true);
    showStatus(tr("Searching %1…").arg(hubChoiceTitle(choice)), false);
    const hub::SearchQuery query{text, {}, "downloads", kPageSize};
    runInBackground(
        this, [endpoint, query, page] { return hub::makeHubClient(endpoint)->search(query, page); },
        [this, generation, choice, text, appending = !page.isEmpty()](hub::HubResult<hub::SearchPage> result) {
            if (generation != m_generation) return;
            setBusy(false);
            if (!result) return showSearchFailure(choice, result.error(), appending);
            std::vector<ResultRow> rows;
            for (const auto& found : result->models)
                rows.push_back(searchRow(found, m_catalog, hubKindOf(choice), chineseUi()));
            showSearchColumns(true);
            if (appending) {
                m_results->appendRows(std::move(rows));
            } else {
                m_results->setRows(std::move(rows));
                emit cleared();
            }
            m_nextPage = result->nextPage;
            m_more->setVisible(!m_nextPage.isEmpty());
            m_caption->setText(tr("Models on %1 matching \"%2\", most downloaded first.").arg(hubChoiceTitle(choice), text));
            if (m_results->rowCount() == 0) showStatus(tr("No models on %1 match \"%2\".").arg(hubChoiceTitle(choice), text), false);
            else showStatus({}, false);
        });
}

void HubSearchPanel::showStatus(const QString& text, bool error) {
    showInlineStatus(*m_status, text, error);
    m_retry->hide();  // shown again by showSearchFailure, after this
}

void HubSearchPanel::setBusy(bool busy) { m_busy->setVisible(busy); }

// The catalog has no download counts, likes or dates: its columns would stand empty.
void HubSearchPanel::showSearchColumns(bool show) {
    for (int column : {ResultsModel::DownloadsColumn, ResultsModel::LikesColumn, ResultsModel::UpdatedColumn})
        m_view->setColumnHidden(column, !show);
}

}  // namespace pagoda::ui
