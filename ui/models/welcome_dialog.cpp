#include "ui/models/welcome_dialog.h"

#include <algorithm>

#include <QAbstractItemView>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QVBoxLayout>

#include "app/desktop/desktop_services.h"
#include "app/desktop/memory_bandwidth.h"
#include "app/host/engine_settings.h"
#include "ui/inline_status.h"
#include "ui/background.h"
#include "ui/eliding_combo_box.h"
#include "ui/models/hub_choice.h"
#include "ui/models/model_texts.h"
#include "ui/models/start_after_download.h"

namespace pagoda::ui {

namespace {

bool chineseUi() { return QLocale().name().startsWith("zh"); }

hub::MemoryEstimate estimateOf(const hub::CatalogEntry& entry, qint64 available) {
    return hub::estimateMemory(entry.shape, kFitContextTokens, available);
}

// Long model lines are elided in the closed combo box (its popup shows them whole), so a
// long name never widens the dialog past a laptop screen nor leaves the box a sliver.
constexpr int kComboCharacters = 22;

void letComboNarrow(QComboBox& combo) {
    combo.setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo.setMinimumContentsLength(kComboCharacters);
    combo.setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
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
    m_memory->setWordWrap(true);
    m_memory->setText(m_machine.availableBytes > 0 ? tr("%1 available of %2").arg(hub::formatBytes(m_machine.availableBytes),
                                                                       total > 0 ? hub::formatBytes(total) : tr("unknown"))
                                      : tr("unknown"));
    m_gpu = new QLabel(tr("checking…"), this);
    m_gpu->setObjectName("gpuLabel");
    m_gpu->setWordWrap(true);

    m_model = new ElidingComboBox(Qt::ElideRight, this);  // the name first; the text below gives the sizes
    m_model->setObjectName("modelCombo");
    m_model->setAccessibleName(tr("Model to download"));
    for (const auto& entry : m_catalog) {
        const auto estimate = estimateOf(entry, m_machine.availableBytes);
        m_model->addItem(tr("%1 — %2 download, needs %3 (%4)")
                             .arg(entry.name, hub::downloadSizeText(entry), hub::formatBytes(estimate.totalBytes), fitText(estimate.fit)));
    }
    letComboNarrow(*m_model);
    m_model->view()->setMinimumWidth(m_model->view()->sizeHintForColumn(0));
    m_reason = new QLabel(this);
    m_reason->setObjectName("proposalReason");
    m_reason->setWordWrap(true);
    m_summary = new QLabel(this);
    m_summary->setObjectName("modelSummary");
    m_summary->setWordWrap(true);

    m_hub = new QComboBox(this);
    m_hub->setObjectName("welcomeHubCombo");
    m_hub->setAccessibleName(tr("Download from"));
    for (HubChoice choice : {HubChoice::HuggingFace, HubChoice::ModelScope, HubChoice::Mirror})
        m_hub->addItem(hubChoiceTitle(choice), settingFor(choice));
    // In mainland China Hugging Face is often unreachable; ModelScope hosts the same models.
    const HubChoice initial = chineseUi() ? HubChoice::ModelScope : hubChoiceFromSetting(services.settings().hub());
    m_hub->setCurrentIndex(m_hub->findData(settingFor(initial)));
    letComboNarrow(*m_hub);

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    // Narrow (or Chinese, whose labels are wider): a field goes under its label rather than
    // being squeezed beside it.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
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
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
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

    // Everything but the buttons scrolls: at any size the dialog can take, rows keep the
    // height they need instead of being squeezed over each other, and the buttons stay in view.
    m_content = new QWidget;
    m_content->setObjectName("welcomeContent");
    auto* content = new QVBoxLayout(m_content);
    content->setContentsMargins(0, 0, 0, 0);
    content->addWidget(intro);
    content->addLayout(form);
    content->addWidget(demoNote);
    content->addWidget(m_progress);
    content->addWidget(m_status);
    content->addStretch(1);
    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName("welcomeScroll");
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setWidget(m_content);
    // Never narrower than the content can be, so nothing is cut at the side.
    m_scroll->setMinimumWidth(m_content->minimumSizeHint().width() + m_scroll->verticalScrollBar()->sizeHint().width());

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_scroll, 1);
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

    connect(&m_services.downloads(), &hub::DownloadQueue::progress, this, &WelcomeDialog::onProgress,
            Qt::UniqueConnection);
    // A GGUF pick names its quant; the repository holds many.
    const QString previous = m_key;
    m_key = m_services.downloads().enqueue(
        {hubKindOf(choice), entry.idOn(hubKindOf(choice)), {}, hub::GgufSelection{entry.quant, {}}});
    // A retry on another hub or of another model: the failed attempt would only linger in
    // the Models page's downloads.
    if (!previous.isEmpty() && previous != m_key) m_services.downloads().cancel(previous);
    m_failed = false;
    auto* starter = StartAfterDownload::watch(m_services, m_key);
    connect(starter, &StartAfterDownload::done, this, [this](bool ok, const QString& message) {
        // A failed download has already been explained (onProgress) in better words.
        if (!ok) return m_failed ? void() : showFailure(hub::FailureAdvice{message, {}, false});
        showStatus(tr("Loading the model…"), false);
        connect(
            &m_services.loader(), &ModelLoader::loadFinished, this,
            [this](bool loaded, const QString& text) {
                if (loaded) accept();
                else showFailure(hub::FailureAdvice{text, {}, false});
            },
            Qt::SingleShotConnection);
    });

    m_start->setText(tr("Download and start"));
    m_start->setEnabled(false);
    m_model->setEnabled(false);
    m_hub->setEnabled(false);
    m_skip->setText(tr("Close"));
    m_progress->setValue(0);
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
    if (progress.state == hub::DownloadState::Failed && !m_failed)
        showFailure(hub::adviceFor(progress.failure, progress.httpStatus, progress.error, progress.hub, progress.viaMirror,
                                   progress.modelId));
    if (progress.state == hub::DownloadState::Completed) m_progress->setValue(1000);
}

// What went wrong and what to do, the technical words in the tooltip, and every choice
// usable again: offline on Hugging Face, the next step is often ModelScope or the mirror.
void WelcomeDialog::showFailure(const hub::FailureAdvice& advice) {
    m_failed = true;
    m_progress->hide();
    showInlineStatus(*m_status, advice.sentence, true, advice.details);
    m_model->setEnabled(true);
    m_hub->setEnabled(true);
    m_start->setText(tr("Retry"));
    m_start->setEnabled(true);
}

void WelcomeDialog::showStatus(const QString& text, bool error) { showInlineStatus(*m_status, text, error); }

void WelcomeDialog::showEvent(QShowEvent* event) {
    if (!m_fitted) {
        m_fitted = true;
        fitToScreen();
    }
    QDialog::showEvent(event);
}

// Qt would open the dialog at most two thirds of the screen high and squeeze the rows into
// that; instead it opens as tall as its content at a comfortable width, within the screen's
// free area (a 1280x720 laptop less its panel), and scrolls beyond.
void WelcomeDialog::fitToScreen() {
    const QRect free = screen()->availableGeometry();
    const QSize smallest = minimumSizeHint().expandedTo(minimumSize());
    // Room for the title bar and frame the window manager adds around the dialog.
    const QSize most = (free.size() - QSize(16, 48)).expandedTo(smallest);
    const int width = std::clamp(42 * fontMetrics().height(), smallest.width(), most.width());
    const QMargins margins = layout()->contentsMargins();
    const int scrollWidth = width - margins.left() - margins.right() - m_scroll->verticalScrollBar()->sizeHint().width();
    const int contentHeight = m_content->hasHeightForWidth() ? m_content->heightForWidth(scrollWidth)
                                                             : m_content->sizeHint().height();
    const int buttons = m_start->parentWidget()->sizeHint().height();
    const int height = contentHeight + buttons + layout()->spacing() + margins.top() + margins.bottom();
    resize(width, std::clamp(height, smallest.height(), most.height()));
}

}  // namespace pagoda::ui
