#include "ui/models/results_model.h"

#include <QLocale>

#include "ui/models/model_texts.h"

namespace pagoda::ui {

namespace {

ResultRow fromCatalog(const hub::CatalogEntry& entry, hub::HubKind kind, bool chinese) {
    ResultRow row;
    row.id = entry.idOn(kind);
    row.title = entry.name;
    row.summary = chinese && !entry.summaryZh.isEmpty() ? entry.summaryZh : entry.summary;
    row.license = entry.license;
    row.sizeBytes = entry.downloadBytes;
    row.weightBytes = entry.shape.weightBytes;
    row.shape = entry.shape;
    row.fromCatalog = true;
    return row;
}

QString count(qint64 n) { return n < 0 ? QString() : QLocale().toString(n); }

}  // namespace

std::vector<ResultRow> catalogRows(const std::vector<hub::CatalogEntry>& catalog, hub::HubKind kind, bool chinese) {
    std::vector<ResultRow> rows;
    for (const auto& entry : catalog)
        if (!entry.idOn(kind).isEmpty()) rows.push_back(fromCatalog(entry, kind, chinese));
    return rows;
}

ResultRow searchRow(const hub::HubModelSummary& found, const std::vector<hub::CatalogEntry>& catalog, hub::HubKind kind,
                    bool chinese) {
    ResultRow row;
    for (const auto& entry : catalog)
        if (entry.idOn(kind).compare(found.id, Qt::CaseInsensitive) == 0) row = fromCatalog(entry, kind, chinese);
    row.id = found.id;
    row.fromCatalog = false;
    if (!found.displayName.isEmpty()) row.title = found.displayName;
    row.downloads = found.downloads;
    row.likes = found.likes;
    row.updated = found.lastModified.left(10);
    row.gated = found.gated;
    return row;
}

ResultsModel::ResultsModel(QObject* parent) : QAbstractTableModel(parent) {}

void ResultsModel::setRows(std::vector<ResultRow> rows) {
    beginResetModel();
    m_available = memoryForFit();  // read once per list: it moves as other programs run
    m_rows = std::move(rows);
    for (auto& row : m_rows) estimate(row);
    endResetModel();
}

void ResultsModel::appendRows(std::vector<ResultRow> rows) {
    if (rows.empty()) return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + rows.size()) - 1);
    for (auto& row : rows) {
        estimate(row);
        m_rows.push_back(std::move(row));
    }
    endInsertRows();
}

void ResultsModel::setSizes(const QString& id, qint64 downloadBytes, qint64 weightBytes) {
    for (size_t i = 0; i < m_rows.size(); ++i) {
        ResultRow& row = m_rows[i];
        if (row.id.compare(id, Qt::CaseInsensitive) != 0) continue;
        row.sizeBytes = downloadBytes;
        if (!row.shape) row.weightBytes = weightBytes;
        estimate(row);
        emit dataChanged(index(int(i), 0), index(int(i), ColumnCount - 1));
    }
}

void ResultsModel::estimate(ResultRow& row) const {
    if (row.shape) {
        row.estimate = hub::estimateMemory(*row.shape, kFitContextTokens, m_available);
        row.estimateIsLowerBound = false;
    } else if (row.weightBytes > 0) {
        hub::ModelShape weightsOnly;
        weightsOnly.weightBytes = row.weightBytes;
        row.estimate = hub::estimateMemory(weightsOnly, 0, m_available);
        row.estimateIsLowerBound = true;
    }
}

int ResultsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int ResultsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ResultsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(m_rows.size())) return {};
    const ResultRow& row = m_rows[size_t(index.row())];
    if (role == IdRole) return row.id;
    if (role == Qt::ToolTipRole) {
        QStringList lines{row.id};
        if (!row.title.isEmpty() && row.title != row.id) lines << row.title;
        if (!row.summary.isEmpty()) lines << row.summary;
        if (row.estimateIsLowerBound)
            lines << tr("Memory counts the weights only until the model's configuration is known.");
        return lines.join('\n');
    }
    if (role == Qt::ForegroundRole && index.column() == FitColumn && row.estimate && !row.estimateIsLowerBound) {
        const QColor color = fitColor(row.estimate->fit);
        return color.isValid() ? QVariant(color) : QVariant();
    }
    if (role == Qt::TextAlignmentRole && index.column() != ModelColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
        case ModelColumn: {
            QString text = row.id;
            if (row.fromCatalog && !row.title.isEmpty()) text = row.title + "  (" + row.id + ")";
            else if (!row.title.isEmpty()) text += "  " + row.title;
            return row.gated ? text + "  " + tr("[gated]") : text;
        }
        case DownloadsColumn: return count(row.downloads);
        case LikesColumn: return count(row.likes);
        case UpdatedColumn: return row.updated;
        case SizeColumn: return row.sizeBytes > 0 ? hub::formatBytes(row.sizeBytes) : QString();
        case MemoryColumn:
            if (!row.estimate) return QString();
            return (row.estimateIsLowerBound ? QStringLiteral("≥ ") : QString()) + hub::formatBytes(row.estimate->totalBytes);
        case FitColumn:
            // A weights-only estimate can prove "won't fit" but never "fits".
            if (!row.estimate) return QString();
            if (row.estimateIsLowerBound && row.estimate->fit != hub::Fit::WontFit) return tr("weights fit");
            return fitText(row.estimate->fit);
    }
    return {};
}

QVariant ResultsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
        case ModelColumn: return tr("Model");
        case DownloadsColumn: return tr("Downloads");
        case LikesColumn: return tr("Likes");
        case UpdatedColumn: return tr("Updated");
        case SizeColumn: return tr("Size");
        case MemoryColumn: return tr("Memory (8K)");
        case FitColumn: return tr("This machine");
    }
    return {};
}

}  // namespace pagoda::ui
