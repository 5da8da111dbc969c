// "My models": the library table and what can be done to a model: load it into the engine,
// unload it, delete it, show its folder, check its files, or import a folder from disk.
// Scans, deletes, imports and checks read or write the disk, so they run off the GUI thread.
#pragma once

#include <QWidget>

#include <atomic>
#include <memory>

#include "app/hub/model_library.h"

class QLabel;
class QPushButton;
class QTableView;

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class LibraryModel;

class LibraryPanel : public QWidget {
    Q_OBJECT
public:
    explicit LibraryPanel(DesktopServices& services, QWidget* parent = nullptr);
    ~LibraryPanel() override;

    LibraryModel& models() { return *m_model; }
    bool scanning() const { return m_scanning; }

public slots:
    void refresh(const QString& selectFolder = {});
    void importFolder(const QString& path);  // the Import button asks for the path first

signals:
    void scanned(int count);
    // A model of the table became the current one: the details pane shows it.
    void modelSelected(const pagoda::hub::LocalModel& model);

private:
    const hub::LocalModel* selected() const;
    void loadSelected();
    void deleteSelected();
    void revealSelected();
    void verifySelected();
    void chooseImportFolder();
    void onLoaderChanged();
    void updateButtons();
    void showStatus(const QString& text, bool error);

    DesktopServices& m_services;
    // Background work holds a copy: the library holds only paths, and a copy stays valid
    // however long a scan of a slow disk takes.
    hub::ModelLibrary m_library;
    LibraryModel* m_model;
    QTableView* m_view;
    QLabel* m_loaded;
    QLabel* m_status;
    QPushButton* m_load;
    QPushButton* m_unload;
    QPushButton* m_delete;
    QPushButton* m_reveal;
    QPushButton* m_verify;
    QPushButton* m_import;
    QPushButton* m_refresh;
    int m_scanGeneration = 0;
    bool m_scanning = false;
    bool m_busy = false;  // a delete, import or check is running
    // Set when the panel goes, so a long file check stops instead of holding the app open.
    std::shared_ptr<std::atomic<bool>> m_stop = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace pagoda::ui
