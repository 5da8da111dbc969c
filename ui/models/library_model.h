// The models on this machine as a table: what ModelLibrary::scan found, with the one the
// loader holds marked, and each model's memory need at an 8K context against this machine.
#pragma once

#include <QAbstractTableModel>

#include <vector>

#include "app/hub/local_model.h"

namespace pagoda::ui {

class LibraryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { ModelColumn, SourceColumn, StatusColumn, SizeColumn, ContextColumn, ArchitectureColumn, MemoryColumn, ColumnCount };
    static constexpr int FolderRole = Qt::UserRole;

    explicit LibraryModel(QObject* parent = nullptr);

    void setModels(std::vector<hub::LocalModel> models);
    const hub::LocalModel& modelAt(int row) const { return m_models.at(size_t(row)); }
    int rowOfFolder(const QString& folder) const;  // -1 when absent
    // The model the loader holds (empty folder: none) and whether it is still loading.
    void setLoaded(const QString& folder, bool loading);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<hub::LocalModel> m_models;
    QString m_loadedFolder;
    bool m_loading = false;
    qint64 m_available = 0;
};

}  // namespace pagoda::ui
