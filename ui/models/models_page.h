// The Models page: find a model on Hugging Face, ModelScope or hf-mirror.com (Pagoda's picks
// when nothing is searched), see its files and whether it fits, download it, and manage the
// models on this machine. Draws the hub services of DesktopServices and forwards clicks to them.
#pragma once

#include <QWidget>

namespace pagoda {
class DesktopServices;
}

class QTabWidget;

namespace pagoda::ui {

class DownloadsPanel;
class HubSearchPanel;
class LibraryPanel;
class ModelDetailsPanel;

class ModelsPage : public QWidget {
    Q_OBJECT
public:
    explicit ModelsPage(DesktopServices& services, QWidget* parent = nullptr);

private:
    void showDownloadCount(int active);

    DesktopServices& m_services;
    HubSearchPanel* m_search;
    ModelDetailsPanel* m_details;
    DownloadsPanel* m_downloads;
    LibraryPanel* m_library;
    QTabWidget* m_tabs;
};

}  // namespace pagoda::ui
