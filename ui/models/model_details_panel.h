// The browser's right half: what the selected model is (licence, revision, architecture),
// the files Pagoda would download with their sizes, the total, the memory it needs here and
// the longest context that fits, and the Download button. A GGUF repository gets a choice of
// quantization (each with its size and fit), Q4_K_M first chosen when offered.
#pragma once

#include <QWidget>

#include "app/hub/download_plan.h"
#include "app/hub/download_queue.h"
#include "app/hub/local_model.h"
#include "app/hub/repo_quants.h"
#include "ui/models/hub_choice.h"
#include "ui/models/results_model.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace pagoda::ui {

class ModelDetailsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelDetailsPanel(QWidget* parent = nullptr);

public slots:
    void showModel(const pagoda::ui::ResultRow& row, pagoda::ui::HubChoice choice);
    // A model on this machine (My models): what the library read from its files, where it
    // lives, and its memory need here; nothing to download.
    void showLocalModel(const pagoda::hub::LocalModel& model);
    void clear();

signals:
    void downloadRequested(const pagoda::hub::DownloadRequest& request);
    // The file list of `id` arrived: what it downloads, and how much of that is weights.
    void sizesKnown(const QString& id, qint64 downloadBytes, qint64 weightBytes);

private:
    void showPlan(const hub::DownloadPlan& plan);
    void showQuants(const hub::RepoQuants& repo);
    void chooseQuant(int index);
    void setQuantRowVisible(bool visible);
    void setRowVisible(QWidget* field, bool visible);
    void showMemory(qint64 weightBytes);
    void showStatus(const QString& text, bool error);

    ResultRow m_row;
    HubChoice m_choice = HubChoice::HuggingFace;
    int m_generation = 0;  // a plan for an earlier selection is dropped
    QLabel* m_title;
    QLabel* m_summary;
    QLabel* m_license;
    QLabel* m_revision;
    QLabel* m_architecture;
    QLabel* m_total;
    QLabel* m_memory;
    QLabel* m_context;
    QLabel* m_weights;
    QLabel* m_location;
    QLabel* m_hubLink;
    QFormLayout* m_form;
    QLabel* m_status;
    QProgressBar* m_busy;
    QTableWidget* m_files;
    QComboBox* m_quant;
    std::optional<hub::RepoQuants> m_quants;  // a GGUF repository's offer; unset for safetensors repos
    QPushButton* m_download;
    QPushButton* m_retry;  // after a failed file list: read it again
    QWidget* m_body;
};

}  // namespace pagoda::ui
