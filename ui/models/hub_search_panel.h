// The browser's left half: the hub switch, the search box and the results table. Empty
// search text shows the curated catalog; hub calls run off the GUI thread and their
// failures are shown in words under the box, with a Retry. A failed search shows the picks
// again, on either hub, so the table never stands empty under a stale caption.
#pragma once

#include <QWidget>

#include <vector>

#include "app/hub/model_catalog.h"
#include "app/hub/network_failure.h"
#include "ui/models/hub_choice.h"
#include "ui/models/results_model.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QTimer;

namespace pagoda::store {
class AppSettings;
}

namespace pagoda::ui {

class HubSearchPanel : public QWidget {
    Q_OBJECT
public:
    explicit HubSearchPanel(store::AppSettings& settings, QWidget* parent = nullptr);

    HubChoice hubChoice() const { return m_choice; }
    ResultsModel& results() { return *m_results; }
    const std::vector<hub::CatalogEntry>& catalog() const { return m_catalog; }

public slots:
    void search();  // now, with the box's text; the catalog when it is empty

signals:
    void selected(const pagoda::ui::ResultRow& row, pagoda::ui::HubChoice choice);
    void cleared();  // nothing selected any more (new list, other hub)
    void hubChanged(pagoda::ui::HubChoice choice);

private:
    void onHubIndexChanged();
    void runSearch(const QString& text, const QString& page);
    void showCatalog();
    void showPicks();
    void showSearchFailure(HubChoice choice, const hub::HubError& error, bool appending);
    void showStatus(const QString& text, bool error);
    void setBusy(bool busy);
    void showSearchColumns(bool show);

    store::AppSettings& m_settings;
    HubChoice m_choice;
    std::vector<hub::CatalogEntry> m_catalog;
    QString m_catalogError;
    ResultsModel* m_results;
    QComboBox* m_hubCombo;
    QLineEdit* m_edit;
    QTimer* m_debounce;
    QLabel* m_caption;
    QLabel* m_status;
    QPushButton* m_retry;
    QProgressBar* m_busy;
    QTableView* m_view;
    QPushButton* m_more;
    QString m_lastText;
    QString m_nextPage;
    QString m_retryPage;  // the page Retry asks for again (empty: the first)
    int m_generation = 0;  // answers to an older search are dropped
};

}  // namespace pagoda::ui
