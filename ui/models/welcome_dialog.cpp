#include "ui/models/welcome_dialog.h"

#include <algorithm>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "app/desktop/desktop_services.h"
#include "app/desktop/memory_bandwidth.h"
#include "app/host/engine_settings.h"
#include "ui/inline_status.h"
#include "ui/background.h"
#include "ui/models/hub_choice.h"
#include "ui/models/model_texts.h"
#include "ui/models/start_after_download.h"

namespace pagoda::ui {

namespace {

bool chineseUi() { return QLocale().name().startsWith("zh"); }

hub::MemoryEstimate estimateOf(const hub::CatalogEntry& entry, qint64 available) {
    return hub::estimateMemory(entry.shape, kFitContextTokens, available);
}

std::vector<hub::CatalogEntry> builtInCatalog() {
    auto catalog = hub::loadCatalog();
    return catalog ? std::move(*catalog) : std::vector<hub::CatalogEntry>{};
}

}  // namespace

WelcomeDialog::WelcomeDialog(DesktopServices& services, QWidget* parent) : WelcomeDialog(services, builtInCatalog(), parent) {}

WelcomeDialog::WelcomeDialog(DesktopServices& services, std::vector<hub::CatalogEntry> catalog, QWidget* parent)
    : QDialog(parent), m_services(services), m_catalog(std::move(catalog)) {
    setWindowTitle(tr("Welcome to Pagoda"));
    const qint64 total = hub::totalMemoryBytes();
    m_machine.availableBytes = memoryForFit();
    m_machine.totalBytes = total;
    m_machine.engine = services.settings().engine();
    m_machine.bandwidth = services.settings().memoryBandwidth(total);

    auto* intro = new QLabel(tr("<h3>Welcome to Pagoda</h3>Pagoda runs Qwen and GLM chat models on this computer; "
                                "nothing you type leaves it. Start with a model that suits this machine:"),
                             this);
    intro->setWordWrap(true);
    // The window loads the demo model at start when nothing else is there (restoreSession).
    const bool demo = !services.library().locations().bundledModel.isEmpty();
    auto* demoNote = new QLabel(tr("Meanwhile the tiny demo model that comes with Pagoda is loading, so you can chat "
                                   "right away: it writes poems and fortunes and knows nothing else."),
                                this);
    demoNote->setObjectName("demoNote");
    demoNote->setWordWrap(true);
    demoNote->setVisible(demo);

    m_memory = new QLabel(this);
    m_memory->setObjectName("welcomeMemoryLabel");
    m_memory->setText(m_machine.availableBytes > 0 ? tr("%1 available of %2").arg(hub::formatBytes(m_machine.availableBytes),
                                                                       total > 0 ? hub::formatBytes(total) : tr("unknown"))
                                      : tr("unknown"));
    m_gpu = new QLabel(tr("checking…"), this);
    m_gpu->setObjectName("gpuLabel");
    m_gpu->setWordWrap(true);

    m_model = new QComboBox(this);
    m_model->setObjectName("modelCombo");
    for (const auto& entry : m_catalog) {
        const auto estimate = estimateOf(entry, m_machine.availableBytes);
        m_model->addItem(tr("%1 — %2 download, needs %3 (%4)")
                             .arg(entry.name, hub::downloadSizeText(entry), hub::formatBytes(estimate.totalBytes), fitText(estimate.fit)));
    }
    m_reason = new QLabel(this);
    m_reason->setObjectName("proposalReason");
    m_reason->setWordWrap(true);
    m_summary = new QLabel(this);
    m_summary->setObjectName("modelSummary");
    m_summary->setWordWrap(true);

    m_hub = new QComboBox(this);
    m_hub->setObjectName("welcomeHubCombo");
    for (HubChoice choice : {HubChoice::HuggingFace, HubChoice::ModelScope, HubChoice::Mirror})
        m_hub->addItem(hubChoiceTitle(choice), settingFor(choice));
    // In mainland China Hugging Face is often unreachable; ModelScope hosts the same models.
    const HubChoice initial = chineseUi() ? HubChoice::ModelScope : hubChoiceFromSetting(services.settings().hub());
    m_hub->setCurrentIndex(m_hub->findData(settingFor(initial)));

    auto* form = new QFormLayout;
    form->addRow(tr("Memory:"), m_memory);
    form->addRow(tr("GPU:"), m_gpu);
    form->addRow(tr("Model:"), m_model);
    form->addRow(QString(), m_reason);
    form->addRow(QString(), m_summary);
    form->addRow(tr("Download from:"), m_hub);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName("welcomeProgress");
    m_progress->setRange(0, 1000);
    m_progress->hide();
    m_status = new QLabel(this);
    m_status->setObjectName("welcomeStatus");
    m_status->setWordWrap(true);
    m_status->hide();

    auto* buttons = new QDialogButtonBox(this);
    m_start = buttons->addButton(tr("Download and start"), QDialogButtonBox::AcceptRole);
    m_start->setObjectName("startButton");
    m_start->setDefault(true);
    m_start->setEnabled(!m_catalog.empty());
    m_skip = buttons->addButton(demo ? tr("Try the demo model") : tr("Skip"), QDialogButtonBox::RejectRole);
    m_skip->setObjectName("skipButton");
    // The box's own accepted/rejected would close the dialog before the download starts.
    connect(m_start, &QPushButton::clicked, this, &WelcomeDialog::startDownload);
    connect(m_skip, &QPushButton::clicked, this, &WelcomeDialog::skip);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(demoNote);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    propose();
    connect(m_model, &QComboBox::currentIndexChanged, this, &WelcomeDialog::showChoice);
    connect(m_model, &QComboBox::activated, this, [this] { m_userChose = true; });
    if (m_catalog.empty()) showStatus(tr("The built-in model list could not be read; find a model on the Models page."), true);
    probeMachine();
}

// Proposes for what is known of the machine now, and moves the choice there unless the
// user has made one.
void WelcomeDialog::propose() {
    m_proposal = proposeFirstModel(m_catalog, m_machine);
    m_reason->setText(proposalSentence(m_catalog, m_proposal, m_machine));
    if (!m_userChose) m_model->setCurrentIndex(m_proposal.index);
    showChoice();
}

// Probing for the CUDA driver can take a moment (it loads libraries), and the bandwidth is
// measured once per machine (the settings keep it): both off the GUI thread.
void WelcomeDialog::probeMachine() {
    struct Found {
        BackendAvailability backends;
        double bandwidth = 0;
    };
    const double stored = m_machine.bandwidth;
    runInBackground(
        this,
        [stored] {
            Found found{detectBackends(), stored};
            if (!found.backends.cuda && found.bandwidth <= 0) found.bandwidth = measureMemoryBandwidth();
            return found;
        },
        [this](Found found) {
            m_gpu->setText(found.backends.cuda ? tr("NVIDIA GPU found: models run on it.")
                                               : tr("none usable (%1): models run on the CPU.").arg(found.backends.cudaReason));
            if (found.bandwidth > 0 && found.bandwidth != m_machine.bandwidth)
                m_services.settings().setMemoryBandwidth(found.bandwidth, m_machine.totalBytes);
            m_machine.gpu = found.backends.cuda;
            m_machine.bandwidth = found.bandwidth;
            m_machineKnown = true;
            propose();
        });
}

void WelcomeDialog::showChoice() {
    const int index = m_model->currentIndex();
    if (index < 0 || index >= int(m_catalog.size())) return m_summary->clear();
    const auto& entry = m_catalog[size_t(index)];
    QString text = chineseUi() && !entry.summaryZh.isEmpty() ? entry.summaryZh : entry.summary;
    if (entry.isGguf())
        text += "\n" + tr("%1 is 4-bit: about a third of the 16-bit download and memory, and about three times as "
                          "fast on a CPU, for a small loss of quality.")
                            .arg(entry.quant);
    m_summary->setText(text);
}

void WelcomeDialog::startDownload() {
    const int index = m_model->currentIndex();
    if (index < 0 || index >= int(m_catalog.size())) return;
    const HubChoice choice = hubChoiceFromSetting(m_hub->currentData().toString());
    const auto& entry = m_catalog[size_t(index)];
    m_services.settings().setHub(settingFor(choice));
    m_services.settings().setFirstRunDone(true);

    connect(&m_services.downloads(), &hub::DownloadQueue::progress, this, &WelcomeDialog::onProgress);
    // A GGUF pick names its quant; the repository holds many.
    m_key = m_services.downloads().enqueue(
        {hubKindOf(choice), entry.idOn(hubKindOf(choice)), {}, hub::GgufSelection{entry.quant, {}}});
    auto* starter = StartAfterDownload::watch(m_services, m_key);
    connect(starter, &StartAfterDownload::done, this, [this](bool ok, const QString& message) {
        if (!ok) return showStatus(message, true);
        showStatus(tr("Loading the model…"), false);
        connect(
            &m_services.loader(), &ModelLoader::loadFinished, this,
            [this](bool loaded, const QString& text) {
                if (loaded) accept();
                else showStatus(text, true);
            },
            Qt::SingleShotConnection);
    });

    m_start->setEnabled(false);
    m_model->setEnabled(false);
    m_hub->setEnabled(false);
    m_skip->setText(tr("Close"));
    m_progress->show();
    showStatus(tr("Downloading %1. You can close this window: the model loads when the download ends, and the "
                  "download continues on the Models page.").arg(entry.name),
               false);
}

void WelcomeDialog::skip() {
    m_services.settings().setFirstRunDone(true);
    reject();
}

void WelcomeDialog::onProgress(const hub::DownloadProgress& progress) {
    if (progress.key != m_key) return;
    if (progress.bytesTotal > 0) m_progress->setValue(int(1000.0 * double(progress.bytesDone) / double(progress.bytesTotal)));
    if (progress.state == hub::DownloadState::Failed) showStatus(progress.error, true);
    if (progress.state == hub::DownloadState::Completed) m_progress->setValue(1000);
}

void WelcomeDialog::showStatus(const QString& text, bool error) { showInlineStatus(*m_status, text, error); }

}  // namespace pagoda::ui
