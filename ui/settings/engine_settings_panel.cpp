#include "ui/settings/engine_settings_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <optional>

#include "app/desktop/desktop_services.h"
#include "app/hub/hub_types.h"
#include "ui/background.h"

namespace pagoda::ui {

namespace {

// vLLM accepts (0, 1]; below 10 % nothing useful fits, above 95 % the desktop starves.
constexpr int kMinPercent = 10;
constexpr int kMaxPercent = 95;

QString number(qint64 n) { return QLocale().toString(n); }

// One reading for the memory line: what is free, and what the loaded model holds and gives
// back before a reload (ModelLoader unloads first), so together they are what a share may take.
struct FreeMemory {
    qint64 free = 0;
    qint64 heldByModel = 0;
};

}  // namespace

EngineSettingsPanel::EngineSettingsPanel(DesktopServices& services, QWidget* parent, FreeMemoryProbe freeMemory)
    : QGroupBox(tr("Engine"), parent),
      m_services(services),
      m_totalMemory(hub::totalMemoryBytes()),
      m_freeMemoryProbe(std::move(freeMemory)) {
    auto* form = new QFormLayout;

    m_backend = new QComboBox(this);
    m_backend->setObjectName("backendCombo");
    m_backend->setAccessibleName(tr("Backend"));
    m_backend->addItem(tr("CPU"), int(Backend::Cpu));
    m_backend->addItem(tr("CUDA (NVIDIA GPU)"), int(Backend::Cuda));
    const BackendAvailability backends = detectBackends();
    m_gpuMemory = backends.gpuMemoryBytes;  // probed once: the driver is not asked on every slider move
    m_backendNote = new QLabel(this);
    m_backendNote->setObjectName("backendNote");
    m_backendNote->setWordWrap(true);
    if (!backends.cuda) {
        // The reason comes from app/ in English; it is a diagnosis, shown as found.
        if (auto* model = qobject_cast<QStandardItemModel*>(m_backend->model()))
            model->item(1)->setEnabled(false);
        m_backend->setItemData(1, backends.cudaReason, Qt::ToolTipRole);
        m_backendNote->setText(tr("CUDA is unavailable: %1.").arg(backends.cudaReason));
    }
    auto* backendColumn = new QVBoxLayout;
    backendColumn->addWidget(m_backend);
    backendColumn->addWidget(m_backendNote);
    form->addRow(tr("Backend"), backendColumn);

    m_memoryLabel = new QLabel(this);
    m_memoryLabel->setObjectName("memoryLabel");
    m_memorySlider = new QSlider(Qt::Horizontal, this);
    m_memorySlider->setObjectName("memorySlider");
    m_memorySlider->setAccessibleName(tr("Memory for the engine"));
    m_memorySlider->setRange(kMinPercent, kMaxPercent);
    m_memorySlider->setPageStep(5);
    m_memoryValue = new QLabel(this);
    m_memoryValue->setObjectName("memoryValue");
    m_estimate = new QLabel(this);
    m_estimate->setObjectName("estimateLabel");
    m_estimate->setWordWrap(true);
    m_freeMemoryLabel = new QLabel(this);
    m_freeMemoryLabel->setObjectName("freeMemoryLabel");
    m_freeMemoryLabel->setWordWrap(true);
    m_freeMemoryLabel->hide();  // until the first reading
    // The style's warning icon, so it follows the desktop's theme and colours.
    m_memoryWarningRow = new QWidget(this);
    m_memoryWarningRow->setObjectName("memoryWarningRow");
    auto* warningIcon = new QLabel(m_memoryWarningRow);
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    warningIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(iconSize));
    warningIcon->setAlignment(Qt::AlignTop);
    m_memoryWarning = new QLabel(m_memoryWarningRow);
    m_memoryWarning->setObjectName("memoryWarning");
    m_memoryWarning->setWordWrap(true);
    auto* warningRow = new QHBoxLayout(m_memoryWarningRow);
    warningRow->setContentsMargins(0, 0, 0, 0);
    warningRow->addWidget(warningIcon);
    warningRow->addWidget(m_memoryWarning, 1);
    m_memoryWarningRow->hide();
    auto* memoryColumn = new QVBoxLayout;
    auto* sliderRow = new QHBoxLayout;
    sliderRow->addWidget(m_memorySlider, 1);
    sliderRow->addWidget(m_memoryValue);
    memoryColumn->addLayout(sliderRow);
    memoryColumn->addWidget(m_freeMemoryLabel);
    memoryColumn->addWidget(m_memoryWarningRow);
    memoryColumn->addWidget(m_estimate);
    form->addRow(m_memoryLabel, memoryColumn);

    m_maxContext = new QSpinBox(this);
    m_maxContext->setObjectName("maxContextSpin");
    m_maxContext->setRange(0, 1 << 20);
    m_maxContext->setSingleStep(1024);
    m_maxContext->setSpecialValueText(tr("auto (as long as memory holds)"));
    m_maxContext->setToolTip(tr("Longest prompt plus answer in tokens; 0 lets the memory budget decide."));
    form->addRow(tr("Max context length"), m_maxContext);

    m_maxSeqs = new QSpinBox(this);
    m_maxSeqs->setObjectName("maxSeqsSpin");
    m_maxSeqs->setRange(1, 256);
    m_maxSeqs->setToolTip(tr("How many chats and API requests the engine runs together."));
    form->addRow(tr("Max concurrent sequences"), m_maxSeqs);

    m_quantization = new QComboBox(this);
    m_quantization->setObjectName("quantizationCombo");
    m_quantization->setAccessibleName(tr("Quantization"));
    m_quantization->addItem(tr("None (as stored)"), int(Quantization::None));
    m_quantization->addItem(tr("int8"), int(Quantization::Int8));
    m_quantization->addItem(tr("int4"), int(Quantization::Int4));
    m_quantizationNote = new QLabel(this);
    m_quantizationNote->setObjectName("quantizationNote");
    m_quantizationNote->setWordWrap(true);
    auto* quantizationColumn = new QVBoxLayout;
    quantizationColumn->addWidget(m_quantization);
    quantizationColumn->addWidget(m_quantizationNote);
    form->addRow(tr("16-bit models on the CPU"), quantizationColumn);

    m_apply = new QPushButton(tr("Apply"), this);
    m_apply->setObjectName("applyButton");
    m_apply->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_busy = new QProgressBar(this);
    m_busy->setObjectName("applyProgress");
    m_busy->setRange(0, 0);  // busy: a load reports no fraction
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_result = new QLabel(this);
    m_result->setObjectName("applyResult");
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* applyRow = new QHBoxLayout;
    applyRow->addWidget(m_apply);
    applyRow->addWidget(m_busy, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(applyRow);
    layout->addWidget(m_result);

    showSettings(services.settings().engine());
    readFreeMemory();

    connect(m_backend, &QComboBox::currentIndexChanged, this, [this] {
        updateMemoryLabel();
        updateQuantizationNote();
    });
    connect(m_memorySlider, &QSlider::valueChanged, this, [this] {
        updateMemoryLabel();
        updateEstimate();
    });
    connect(m_maxContext, &QSpinBox::valueChanged, this, [this] { updateEstimate(); });
    connect(m_maxSeqs, &QSpinBox::valueChanged, this, [this] { updateEstimate(); });
    connect(m_quantization, &QComboBox::currentIndexChanged, this, [this] {
        updateQuantizationNote();
        updateEstimate();
    });
    connect(m_apply, &QPushButton::clicked, this, [this] { apply(); });
    // A model loaded or switched elsewhere (chat, models page) changes what the estimate is for.
    // A load or unload also changes what is free.
    connect(&services.loader(), &ModelLoader::stateChanged, this, [this] {
        updateEstimate();
        updateQuantizationNote();
        readFreeMemory();
    });
    connect(&services.loader(), &ModelLoader::loadFinished, this,
            [this](bool ok, const QString& message) { onLoadFinished(ok, message); });
}

// Free memory changes while the app runs (a browser opens, a model loads): read again each
// time the page is shown.
void EngineSettingsPanel::showEvent(QShowEvent* event) {
    QGroupBox::showEvent(event);
    readFreeMemory();
}

void EngineSettingsPanel::readFreeMemory() {
    const ModelLoader& loader = m_services.loader();
    std::optional<hub::LocalModel> loaded;
    // On CUDA the model holds the card's memory, which /proc does not count.
    if (loader.state() == ModelLoader::State::Loaded && loader.settings().backend == Backend::Cpu) loaded = loader.model();
    const int request = ++m_freeMemoryRequest;
    runInBackground(
        this,
        [probe = m_freeMemoryProbe, loaded, settings = loader.settings(), total = m_totalMemory] {
            FreeMemory reading;
            reading.free = probe ? std::max<qint64>(0, probe()) : 0;
            if (loaded) {  // shapeAsLoaded looks for GGUF files on disk
                const EngineEstimate e = estimateEngine(shapeAsLoaded(*loaded, settings), settings, total);
                reading.heldByModel = e.weightBytes + e.overheadBytes + e.kvCacheBytes;
            }
            return reading;
        },
        [this, request](FreeMemory reading) {
            if (request != m_freeMemoryRequest) return;  // a newer reading is on its way
            m_freeMemory = reading.free;
            m_heldByModel = reading.heldByModel;
            updateMemoryLabel();
            emit freeMemoryShown();
        });
}

EngineSettings EngineSettingsPanel::current() const {
    EngineSettings s = m_stored;
    s.backend = Backend(m_backend->currentData().toInt());
    s.memoryUtilization = m_memorySlider->value() / 100.0;
    s.maxModelLen = m_maxContext->value();
    s.maxNumSeqs = m_maxSeqs->value();
    s.quantization = Quantization(m_quantization->currentData().toInt());
    return s;
}

void EngineSettingsPanel::showSettings(const EngineSettings& settings) {
    m_stored = settings;
    const int backendIndex = m_backend->findData(int(settings.backend));
    // A stored CUDA choice this machine cannot honour shows as what will really run.
    const bool usable = backendIndex >= 0 && m_backend->model()->index(backendIndex, 0).flags().testFlag(Qt::ItemIsEnabled);
    m_backend->setCurrentIndex(usable ? backendIndex : 0);
    m_memorySlider->setValue(std::clamp(int(std::lround(settings.memoryUtilization * 100)), kMinPercent, kMaxPercent));
    m_maxContext->setValue(settings.maxModelLen);
    m_maxSeqs->setValue(settings.maxNumSeqs);
    m_quantization->setCurrentIndex(std::max(0, m_quantization->findData(int(settings.quantization))));
    updateMemoryLabel();
    updateEstimate();
    updateQuantizationNote();
}

// What the choice costs and saves, and when it does nothing.
void EngineSettingsPanel::updateQuantizationNote() {
    QString text;
    switch (Quantization(m_quantization->currentData().toInt())) {
    case Quantization::None:
        text = tr("Weights as stored: the best quality; every token reads all 2 bytes of each weight.");
        break;
    case Quantization::Int8:
        text = tr("Converted to 8 bits when loading: half the memory and nearly twice the speed of 16 bits, "
                  "with a barely measurable loss of quality.");
        break;
    case Quantization::Int4:
        text = tr("Converted to 4 bits when loading: under a third of the memory and up to three times the speed "
                  "of 16 bits, with a small loss of quality.");
        break;
    }
    const auto& model = m_services.loader().model();
    if (Backend(m_backend->currentData().toInt()) == Backend::Cuda)
        text += u'\n' + tr("Not on CUDA: the GPU runs models in 16 bits.");
    else if (model && isGgufModel(*model))
        text += u'\n' + tr("No effect on %1: it is a GGUF model, quantized already.").arg(model->id);
    else
        text += u'\n' + tr("No effect on GGUF models: they are quantized already.");
    m_quantizationNote->setText(text);
}

// What the slider is a share of: the card on CUDA (when the driver reported it), else RAM.
qint64 EngineSettingsPanel::totalMemory() const {
    const bool gpu = Backend(m_backend->currentData().toInt()) == Backend::Cuda;
    return gpu && m_gpuMemory > 0 ? m_gpuMemory : m_totalMemory;
}

void EngineSettingsPanel::updateMemoryLabel() {
    const bool gpu = Backend(m_backend->currentData().toInt()) == Backend::Cuda;
    // On the CPU the fraction is of the machine's memory, which the desktop shares, so it is
    // a budget rather than vLLM's device-exclusive utilization.
    m_memoryLabel->setText(gpu ? tr("GPU memory utilization") : tr("System memory budget"));
    const int percent = m_memorySlider->value();
    const qint64 total = totalMemory();
    if (total > 0)
        m_memoryValue->setText(tr("%1 % (%2 of %3)")
                                   .arg(percent)
                                   .arg(hub::formatBytes(qint64(double(total) * percent / 100.0)),
                                        hub::formatBytes(total)));
    else
        m_memoryValue->setText(tr("%1 %").arg(percent));
    // A screen reader announces the percentage; the bytes it stands for are in the label beside.
    m_memorySlider->setAccessibleDescription(m_memoryValue->text());
    updateMemoryWarning();
}

// The share beside what is free now, and a warning when it is more: the engine allocates the
// whole KV pool at load, so a budget past free memory swaps or fails rather than running slowly.
void EngineSettingsPanel::updateMemoryWarning() {
    const bool gpu = Backend(m_backend->currentData().toInt()) == Backend::Cuda;
    const qint64 total = totalMemory();
    // The card's free memory is not read (the driver is asked once, for its size): on CUDA the
    // share is vLLM's utilization of a card the engine has to itself.
    if (gpu || m_freeMemory <= 0 || total <= 0) {
        m_freeMemoryLabel->hide();
        m_memoryWarningRow->hide();
        return;
    }
    const qint64 room = m_freeMemory + m_heldByModel;
    m_freeMemoryLabel->setText(m_heldByModel > 0
                                   ? tr("Free now: %1, plus %2 the loaded model gives back when it reloads.")
                                         .arg(hub::formatBytes(m_freeMemory), hub::formatBytes(m_heldByModel))
                                   : tr("Free now: %1.").arg(hub::formatBytes(m_freeMemory)));
    m_freeMemoryLabel->show();
    const qint64 budget = qint64(double(total) * m_memorySlider->value() / 100.0);
    if (budget <= room) {
        m_memoryWarningRow->hide();
        return;
    }
    const int fitting = int(double(room) * 100.0 / double(total));
    const QString advice = fitting >= kMinPercent
                               ? tr("Lower the budget to %1 % or less, or close other programs first.").arg(fitting)
                               : tr("Close other programs first.");
    m_memoryWarning->setText(tr("%1 is more than the %2 free now: the system will swap and slow down, or the model "
                                "will fail to load. %3")
                                 .arg(hub::formatBytes(budget), hub::formatBytes(room), advice));
    m_memoryWarningRow->show();
}

void EngineSettingsPanel::updateEstimate() {
    const auto& model = m_services.loader().model();
    if (!model) {
        m_estimate->setText(tr("Load a model to see the estimate."));
        return;
    }
    const EngineEstimate e = estimateEngine(shapeAsLoaded(*model, current()), current(), totalMemory());
    if (!e.fits) {
        m_estimate->setText(tr("Not enough: the weights (%1) and working memory (%2) of %3 need more than the "
                               "budget of %4. Raise the budget or choose a smaller model.")
                                .arg(hub::formatBytes(e.weightBytes), hub::formatBytes(e.overheadBytes), model->id,
                                     hub::formatBytes(e.budgetBytes)));
        return;
    }
    QString text = tr("%1: weights %2 · KV cache %3 (%4 tokens) · max context %5 tokens")
                       .arg(model->id, hub::formatBytes(e.weightBytes), hub::formatBytes(e.kvCacheBytes),
                            number(e.kvTokens), number(e.maxContext));
    // A short model fills its concurrent sequences long before a large budget is used: say so,
    // rather than show the same numbers at every position of the slider.
    if (e.unusedBytes > 0)
        text += u'\n' + tr("Sequences at the full context at once: %1, as many as the limit below allows; %2 of the "
                           "budget is more than they can use and stays with the system.")
                            .arg(number(e.fullLengthSequences), hub::formatBytes(e.unusedBytes));
    else
        text += u'\n' + tr("Sequences at the full context at once: %1.").arg(number(e.fullLengthSequences));
    m_estimate->setText(text);
}

void EngineSettingsPanel::apply() {
    const EngineSettings settings = current();
    m_services.settings().setEngine(settings);
    m_stored = settings;
    const auto& model = m_services.loader().model();
    if (!model) {
        m_result->setText(tr("Saved. The settings apply to the next model you load."));
        return;
    }
    m_applying = true;
    m_apply->setEnabled(false);
    m_busy->show();
    m_result->setText(tr("Reloading %1…").arg(model->id));
    m_services.loader().load(*model, settings);  // non-blocking; loadFinished ends the wait
}

void EngineSettingsPanel::onLoadFinished(bool ok, const QString& message) {
    if (!m_applying) return;  // someone else's load: the estimate follows it through stateChanged
    m_applying = false;
    m_apply->setEnabled(true);
    m_busy->hide();
    if (!ok) {
        m_result->setText(tr("The model did not load: %1").arg(message));
        return;
    }
    const KvCacheSizing* cache = m_services.host().cacheSizing();
    if (!cache) {
        m_result->setText(message);
        return;
    }
    QString text = tr("KV cache: %1 blocks, max context %2 tokens.").arg(number(cache->numBlocks), number(cache->maxModelLen));
    if (!cache->note.empty()) text += u'\n' + QString::fromStdString(cache->note);
    m_result->setText(text);
}

}  // namespace pagoda::ui
