// The first-run welcome: what this machine has (memory, an NVIDIA GPU or not), the pick
// app/desktop/first_run_proposal proposes for it with the sentence that says why, and one
// button that downloads that model and loads it when the download ends. The GPU probe and,
// once per machine, the memory-bandwidth measurement run off the GUI thread; until they
// answer the proposal assumes the CPU and the bandwidth stored (or a cautious default).
// Either button marks the first run as done. A failed download says what to do in one
// sentence (the URL and curl's words in its tooltip), and leaves the model and hub choices
// usable with Retry. The content scrolls rather than squeezing when the dialog is small.
#pragma once

#include <QDialog>

#include <vector>

#include "app/desktop/first_run_proposal.h"
#include "app/host/engine_settings.h"
#include "app/hub/download_progress.h"
#include "app/hub/model_catalog.h"
#include "app/hub/network_failure.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class WelcomeDialog : public QDialog {
    Q_OBJECT
public:
    WelcomeDialog(DesktopServices& services, QWidget* parent = nullptr);  // the built-in catalog
    WelcomeDialog(DesktopServices& services, std::vector<hub::CatalogEntry> catalog, QWidget* parent = nullptr);

    int proposedIndex() const { return m_proposal.index; }
    const Proposal& proposal() const { return m_proposal; }
    const ProposalMachine& machine() const { return m_machine; }
    bool machineKnown() const { return m_machineKnown; }  // the GPU probe and bandwidth have answered
    const std::vector<hub::CatalogEntry>& catalog() const { return m_catalog; }
    QString downloadKey() const { return m_key; }  // empty until "Download and start"

protected:
    void showEvent(QShowEvent* event) override;

private:
    void startDownload();
    void showFailure(const hub::FailureAdvice& advice);
    void fitToScreen();
    void skip();
    void showChoice();
    void onProgress(const hub::DownloadProgress& progress);
    void showStatus(const QString& text, bool error);
    void propose();
    void probeMachine();

    DesktopServices& m_services;
    std::vector<hub::CatalogEntry> m_catalog;
    ProposalMachine m_machine;
    Proposal m_proposal;
    bool m_machineKnown = false;
    bool m_userChose = false;  // the user picked a model: a late proposal leaves it alone
    QString m_key;
    bool m_failed = false;  // this attempt's failure is shown: the later, rawer reports of it are not
    bool m_fitted = false;
    QScrollArea* m_scroll;
    QWidget* m_content;
    QLabel* m_memory;
    QLabel* m_gpu;
    QLabel* m_reason;
    QComboBox* m_model;
    QComboBox* m_hub;
    QLabel* m_summary;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_start;
    QPushButton* m_skip;
};

}  // namespace pagoda::ui
