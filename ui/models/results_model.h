// The rows of the model browser: the curated catalog when nothing is searched, otherwise a
// hub's search results, each with its size and whether it fits this machine when known.
#pragma once

#include <QAbstractTableModel>

#include <optional>
#include <vector>

#include "app/hub/hub_types.h"
#include "app/hub/memory_estimate.h"
#include "app/hub/model_catalog.h"

namespace pagoda::ui {

struct ResultRow {
    QString id;       // on the hub the browser shows
    QString title;    // the catalog's name, or ModelScope's Chinese name
    QString summary;  // catalog rows, in the UI language
    QString license;
    qint64 downloads = -1;  // -1: not known (catalog rows)
    qint64 likes = -1;
    QString updated;         // ISO date
    qint64 sizeBytes = -1;   // download size; -1 until the file list is known
    qint64 weightBytes = -1;
    std::optional<hub::ModelShape> shape;  // from the catalog: the estimate needs no download
    bool gated = false;
    bool fromCatalog = false;
    // Filled by the model from the shape, or from the weights alone (then a lower bound:
    // the KV cache needs the model's config, read once it is downloaded).
    std::optional<hub::MemoryEstimate> estimate;
    bool estimateIsLowerBound = false;
};

// Catalog entries as rows for one hub (entries without an id there are left out);
// summaries in Chinese when `chinese`.
std::vector<ResultRow> catalogRows(const std::vector<hub::CatalogEntry>& catalog, hub::HubKind kind, bool chinese);
// A search hit as a row, with the catalog's numbers when the catalog knows the model.
ResultRow searchRow(const hub::HubModelSummary& found, const std::vector<hub::CatalogEntry>& catalog,
                    hub::HubKind kind, bool chinese);

class ResultsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { ModelColumn, DownloadsColumn, LikesColumn, UpdatedColumn, SizeColumn, MemoryColumn, FitColumn, ColumnCount };
    static constexpr int IdRole = Qt::UserRole;

    explicit ResultsModel(QObject* parent = nullptr);

    void setRows(std::vector<ResultRow> rows);
    void appendRows(std::vector<ResultRow> rows);
    const ResultRow& rowAt(int row) const { return m_rows.at(size_t(row)); }
    // The file list of `id` is known now: its size, and a weights-only estimate when the
    // catalog had no shape for it.
    void setSizes(const QString& id, qint64 downloadBytes, qint64 weightBytes);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void estimate(ResultRow& row) const;

    std::vector<ResultRow> m_rows;
    qint64 m_available = 0;
};

}  // namespace pagoda::ui
