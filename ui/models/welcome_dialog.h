// The first-run welcome: what this machine has (memory, an NVIDIA GPU or not), the largest
// of Pagoda's picks that fits it, and one button that downloads that model and loads it when
// the download ends. Either button marks the first run as done.
#pragma once

#include <QDialog>

#include <vector>

#include "app/host/engine_settings.h"
#include "app/hub/download_progress.h"
#include "app/hub/model_catalog.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

// The index of the catalog model to propose: the one with the most parameters that fits,
// else the smallest; -1 for an empty catalog. Fits: its 8K-context estimate fits the memory
// available now, and the engine settings' memory budget (of `totalBytes`) holds its weights
// and a KV cache of 8K tokens (or the model's maximum), so the model it proposes also loads.
int proposeCatalogModel(const std::vector<hub::CatalogEntry>& catalog, qint64 availableBytes,
                        const EngineSettings& engine, qint64 totalBytes);

class WelcomeDialog : public QDialog {
    Q_OBJECT
public:
    WelcomeDialog(DesktopServices& services, QWidget* parent = nullptr);  // the built-in catalog
    WelcomeDialog(DesktopServices& services, std::vector<hub::CatalogEntry> catalog, QWidget* parent = nullptr);

    int proposedIndex() const { return m_proposed; }
    const std::vector<hub::CatalogEntry>& catalog() const { return m_catalog; }
    QString downloadKey() const { return m_key; }  // empty until "Download and start"

private:
    void startDownload();
    void skip();
    void showChoice();
    void onProgress(const hub::DownloadProgress& progress);
    void showStatus(const QString& text, bool error);

    DesktopServices& m_services;
    std::vector<hub::CatalogEntry> m_catalog;
    qint64 m_available = 0;
    int m_proposed = -1;
    QString m_key;
    QLabel* m_memory;
    QLabel* m_gpu;
    QComboBox* m_model;
    QComboBox* m_hub;
    QLabel* m_summary;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_start;
    QPushButton* m_skip;
};

}  // namespace pagoda::ui
