#include "ui/models/library_model.h"

#include <QFont>

#include "ui/models/model_texts.h"
#include "ui/theme.h"

namespace pagoda::ui {

LibraryModel::LibraryModel(QObject* parent) : QAbstractTableModel(parent) {}

void LibraryModel::setModels(std::vector<hub::LocalModel> models) {
    beginResetModel();
    m_available = memoryForFit();
    m_models = std::move(models);
    endResetModel();
}

int LibraryModel::rowOfFolder(const QString& folder) const {
    for (size_t i = 0; i < m_models.size(); ++i)
        if (m_models[i].folder == folder) return int(i);
    return -1;
}

void LibraryModel::setLoaded(const QString& folder, bool loading) {
    m_loadedFolder = folder;
    m_loading = loading;
    if (!m_models.empty()) emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int LibraryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_models.size()); }
int LibraryModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant LibraryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(m_models.size())) return {};
    const hub::LocalModel& m = m_models[size_t(index.row())];
    const bool loaded = !m_loadedFolder.isEmpty() && m.folder == m_loadedFolder;
    const bool ready = m.status == hub::ModelStatus::Ready;
    if (role == FolderRole) return m.folder;
    if (role == Qt::FontRole && loaded) {
        QFont font;
        font.setBold(true);
        return font;
    }
    // The whole name, as the column may shorten it, then where it lives and what is wrong.
    if (role == Qt::ToolTipRole) {
        QStringList lines{m.name(), m.folder};
        if (!m.problem.isEmpty()) lines << m.problem;
        return lines.join('\n');
    }
    if (role == Qt::ForegroundRole && index.column() == StatusColumn && !ready) return errorColor();
    if (role == Qt::ForegroundRole && index.column() == MemoryColumn && ready) {
        const QColor color = fitColor(hub::estimateMemory(m.shape, kFitContextTokens, m_available).fit);
        return color.isValid() ? QVariant(color) : QVariant();
    }
    if (role == Qt::TextAlignmentRole && (index.column() == SizeColumn || index.column() == ContextColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
        case ModelColumn:
            // A GGUF quant by the name --model takes: Owner/Repo-GGUF:Q4_K_M.
            return m.hub && m.source == hub::ModelSource::Pagoda ? m.name() + "  (" + hub::hubName(*m.hub) + ")" : m.name();
        case SourceColumn: return sourceText(m.source);
        case StatusColumn:
            if (loaded) return m_loading ? tr("loading…") : tr("loaded");
            return statusText(m.status);
        case SizeColumn: return m.sizeOnDisk > 0 ? hub::formatBytes(m.sizeOnDisk) : QString();
        case ContextColumn: return m.contextLength > 0 ? QString::number(m.contextLength) : QString();
        case ArchitectureColumn: return m.architecture;
        case MemoryColumn: {
            if (!ready) return QString();
            const auto estimate = hub::estimateMemory(m.shape, kFitContextTokens, m_available);
            return hub::formatBytes(estimate.totalBytes) + "  " + fitText(estimate.fit);
        }
    }
    return {};
}

QVariant LibraryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
        case ModelColumn: return tr("Model");
        case SourceColumn: return tr("Source");
        case StatusColumn: return tr("Status");
        case SizeColumn: return tr("Size");
        case ContextColumn: return tr("Context");
        case ArchitectureColumn: return tr("Architecture");
        case MemoryColumn: return tr("Memory (8K)");
    }
    return {};
}

}  // namespace pagoda::ui
