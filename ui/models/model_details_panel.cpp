#include "ui/models/model_details_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

#include "app/hub/gguf_quants.h"
#include "app/hub/hub_client.h"
#include "ui/inline_status.h"
#include "ui/background.h"
#include "ui/models/model_texts.h"

namespace pagoda::ui {

namespace {

QLabel* valueLabel(QWidget* parent, const char* objectName) {
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

// What the background read of a selected model brings: a GGUF repo's quants, else the plan.
struct DetailsAnswer {
    std::optional<hub::HubResult<hub::RepoQuants>> quants;
    std::optional<hub::HubResult<hub::DownloadPlan>> plan;
};

// The model's page on its hub, where its card, licence and discussions are.
QString modelPageUrl(hub::HubKind kind, const QString& id) {
    return kind == hub::HubKind::ModelScope ? "https://modelscope.cn/models/" + id : "https://huggingface.co/" + id;
}

QString linkTo(const QString& url) {
    return QStringLiteral("<a href=\"%1\">%2</a>").arg(url.toHtmlEscaped(), url.toHtmlEscaped());
}

QString parametersText(qint64 parameters) {
    if (parameters <= 0) return {};
    if (parameters < 1'000'000) return QLocale().toString(parameters);
    if (parameters >= 1'000'000'000) return QString::number(double(parameters) / 1e9, 'f', 1) + "B";
    return QString::number(double(parameters) / 1e6, 'f', 0) + "M";
}

}  // namespace

ModelDetailsPanel::ModelDetailsPanel(QWidget* parent) : QWidget(parent) {
    m_title = valueLabel(this, "detailsTitle");
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_title->setFont(big);
    m_summary = valueLabel(this, "detailsSummary");

    m_body = new QWidget(this);
    m_license = valueLabel(m_body, "licenseLabel");
    m_license->setOpenExternalLinks(true);
    m_license->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_revision = valueLabel(m_body, "revisionLabel");
    m_architecture = valueLabel(m_body, "architectureLabel");
    m_total = valueLabel(m_body, "totalSizeLabel");
    m_memory = valueLabel(m_body, "detailsMemoryLabel");
    m_context = valueLabel(m_body, "contextLabel");
    m_weights = valueLabel(m_body, "weightsLabel");
    m_location = valueLabel(m_body, "locationLabel");
    m_hubLink = valueLabel(m_body, "hubLinkLabel");
    m_hubLink->setOpenExternalLinks(true);
    m_hubLink->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_quant = new QComboBox(m_body);
    m_quant->setObjectName("quantChoice");
    // A quant's entry is long ("Q4_K_M — 4.7 GiB, fits"): shrink it rather than widen the pane.
    m_quant->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_quant->setMinimumContentsLength(12);
    m_form = new QFormLayout;
    auto* form = m_form;
    // On a laptop the pane is narrow: a long value goes under its label instead of being squeezed.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("Quantization:"), m_quant);
    form->addRow(tr("Licence:"), m_license);
    form->addRow(tr("Revision:"), m_revision);
    form->addRow(tr("Architecture:"), m_architecture);
    form->addRow(tr("Weights:"), m_weights);
    form->addRow(tr("Download:"), m_total);
    form->addRow(tr("Memory:"), m_memory);
    form->addRow(tr("Longest context:"), m_context);
    form->addRow(tr("Folder:"), m_location);
    form->addRow(tr("Hub page:"), m_hubLink);

    m_files = new QTableWidget(0, 2, m_body);
    m_files->setObjectName("filesView");
    m_files->setHorizontalHeaderLabels({tr("File"), tr("Size")});
    m_files->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_files->verticalHeader()->hide();
    m_files->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_files->setSelectionMode(QAbstractItemView::NoSelection);
    m_files->setWordWrap(false);
    m_files->setTextElideMode(Qt::ElideMiddle);  // shard names differ at their end

    m_download = new QPushButton(tr("Download"), m_body);
    m_download->setObjectName("downloadButton");
    m_download->setDefault(true);

    auto* bodyLayout = new QVBoxLayout(m_body);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->addLayout(form);
    bodyLayout->addWidget(m_files, 1);
    bodyLayout->addWidget(m_download, 0, Qt::AlignRight);

    m_status = valueLabel(this, "detailsStatus");
    m_retry = new QPushButton(tr("Retry"), this);
    m_retry->setObjectName("detailsRetryButton");
    m_retry->hide();
    connect(m_retry, &QPushButton::clicked, this, [this] { showModel(m_row, m_choice); });
    m_busy = new QProgressBar(this);
    m_busy->setObjectName("detailsBusy");
    m_busy->setRange(0, 0);
    m_busy->setMaximumHeight(6);
    m_files->setAccessibleName(tr("Model files"));
    m_busy->setTextVisible(false);

    // Scrolls rather than squeezes: on a laptop the pane is short and the values wrap.
    m_files->setMinimumHeight(m_files->fontMetrics().lineSpacing() * 6);
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_summary);
    layout->addWidget(m_busy);
    layout->addWidget(m_status);
    layout->addWidget(m_retry, 0, Qt::AlignLeft);
    layout->addWidget(m_body, 1);
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName("detailsScroll");
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(content);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    connect(m_quant, qOverload<int>(&QComboBox::currentIndexChanged), this, &ModelDetailsPanel::chooseQuant);
    connect(m_download, &QPushButton::clicked, this, [this] {
        const QString tag = m_quants && m_quant->currentIndex() >= 0 ? m_quant->currentData().toString() : QString();
        emit downloadRequested(hub::DownloadRequest{hubKindOf(m_choice), m_row.id, {}, {tag, {}}});
        m_download->setEnabled(false);
        m_download->setText(tr("Added to downloads"));
    });
    clear();
}

void ModelDetailsPanel::clear() {
    ++m_generation;
    m_row = {};
    m_quants.reset();
    m_title->setText(tr("No model selected"));
    m_summary->setText(tr("Pick a model to see its files, its download size and whether it fits this machine."));
    m_busy->hide();
    showStatus({}, false);
    m_body->hide();
}

void ModelDetailsPanel::showModel(const ResultRow& row, HubChoice choice) {
    const int generation = ++m_generation;
    m_row = row;
    m_choice = choice;
    m_title->setText(row.fromCatalog && !row.title.isEmpty() ? row.title : row.id);
    m_summary->setText(row.fromCatalog ? row.id + "\n" + row.summary : row.title);
    m_summary->setVisible(!m_summary->text().isEmpty());
    m_license->setText(row.license.isEmpty() ? tr("not stated") : row.license.toHtmlEscaped());
    m_revision->setText(QStringLiteral("-"));
    m_architecture->setText(QStringLiteral("-"));
    m_total->setText(row.sizeBytes > 0 ? tr("about %1").arg(hub::formatBytes(row.sizeBytes)) : QStringLiteral("-"));
    m_hubLink->setText(linkTo(modelPageUrl(hubKindOf(choice), row.id)));
    for (QWidget* field : {static_cast<QWidget*>(m_license), static_cast<QWidget*>(m_revision),
                           static_cast<QWidget*>(m_total), static_cast<QWidget*>(m_hubLink)})
        setRowVisible(field, true);
    for (QWidget* field : {m_weights, m_location}) setRowVisible(field, false);
    m_files->show();
    m_download->show();
    m_files->setRowCount(0);
    m_quants.reset();
    {
        const QSignalBlocker quiet(m_quant);
        m_quant->clear();
    }
    setQuantRowVisible(false);
    showMemory(row.weightBytes);
    m_download->setEnabled(true);
    m_download->setText(tr("Download"));
    m_body->show();

    const hub::HubEndpoint endpoint = endpointFor(choice);
    m_busy->show();
    showStatus(tr("Reading the file list from %1…").arg(hubChoiceTitle(choice)), false);
    runInBackground(
        this,
        [endpoint, id = row.id] {
            const auto client = hub::makeHubClient(endpoint);
            DetailsAnswer answer;
            // A GGUF repo is offered quant by quant; anything else is planned as a whole.
            auto quants = hub::fetchRepoQuants(*client, id);
            if (!quants || quants->ggufRepository) answer.quants = std::move(quants);
            else answer.plan = hub::planDownload(*client, id, {});
            return answer;
        },
        [this, generation](DetailsAnswer answer) {
            if (generation != m_generation) return;
            m_busy->hide();
            const hub::HubError* failure = answer.quants && !*answer.quants ? &answer.quants->error()
                                           : answer.plan && !*answer.plan  ? &answer.plan->error()
                                                                           : nullptr;
            if (failure) {  // the sentence with its next step, as the search says it; the URL in the tooltip
                const auto advice = hub::adviceFor(*failure, hubKindOf(m_choice), m_choice == HubChoice::Mirror, m_row.id);
                showInlineStatus(*m_status, tr("Could not read the files of %1: %2").arg(m_row.id, advice.sentence), true,
                                 advice.details);
                m_retry->show();
                return;
            }
            showStatus({}, false);
            if (answer.quants) return showQuants(**answer.quants);
            showPlan(**answer.plan);
        });
}

void ModelDetailsPanel::showPlan(const hub::DownloadPlan& plan) {
    const auto& info = plan.info;
    if (!info.license.isEmpty()) m_license->setText(info.license.toHtmlEscaped());
    m_revision->setText(info.revision.left(12));
    QString architecture = info.architecture.isEmpty() ? QStringLiteral("-") : info.architecture;
    if (info.parameters > 0) architecture += "  ·  " + tr("%1 parameters").arg(parametersText(info.parameters));
    m_architecture->setText(architecture);
    if (!info.gated.isEmpty())
        showStatus(tr("This model is gated: accept its terms on the hub's website and set HF_TOKEN before downloading."), false);

    qint64 weights = 0;
    m_files->setRowCount(int(plan.files.size()));
    for (size_t i = 0; i < plan.files.size(); ++i) {
        const hub::HubFile& file = plan.files[i];
        if (file.path.endsWith(".safetensors") || file.path.endsWith(".gguf", Qt::CaseInsensitive))
            weights += std::max<qint64>(file.size, 0);
        m_files->setItem(int(i), 0, new QTableWidgetItem(file.path));
        auto* size = new QTableWidgetItem(file.size >= 0 ? hub::formatBytes(file.size) : tr("unknown"));
        size->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_files->setItem(int(i), 1, size);
    }
    m_total->setText(tr("%1 in %n file(s)", nullptr, int(plan.files.size())).arg(hub::formatBytes(plan.totalBytes)));
    if (!m_row.shape || m_quants) {
        m_row.weightBytes = weights;
        showMemory(weights);
    }
    emit sizesKnown(m_row.id, plan.totalBytes, weights);
}

void ModelDetailsPanel::showQuants(const hub::RepoQuants& repo) {
    m_quants = repo;
    const qint64 available = memoryForFit();
    int preferred = 0;
    {
        const QSignalBlocker quiet(m_quant);
        m_quant->clear();
        for (const hub::GgufQuant& q : repo.quants) {
            const auto estimate = hub::estimateQuant(repo, q, kFitContextTokens, available);
            m_quant->addItem(tr("%1 — %2, %3").arg(q.tag, hub::formatBytes(q.bytes), fitText(estimate.fit)), q.tag);
            if (q.tag.compare(hub::kDefaultGgufQuant, Qt::CaseInsensitive) == 0) preferred = m_quant->count() - 1;
        }
    }
    setQuantRowVisible(true);
    m_quant->setCurrentIndex(preferred);
    chooseQuant(preferred);
}

void ModelDetailsPanel::chooseQuant(int index) {
    if (!m_quants || index < 0 || size_t(index) >= m_quants->quants.size()) return;
    const hub::GgufQuant& q = m_quants->quants[size_t(index)];
    hub::DownloadPlan plan;
    plan.info = m_quants->info;
    if (auto selected = hub::selectGgufFiles(m_quants->listing, {q.tag, q.firstPart().path}, plan); !selected)
        return showStatus(QString::fromStdString(selected.error().message), true);
    plan.totalBytes = 0;
    for (const hub::HubFile& f : plan.files) plan.totalBytes += std::max<qint64>(f.size, 0);
    // The estimate sizes this quant: its files' bytes as the weights, the KV cache from the shape when known.
    m_row.shape = m_quants->shape;
    if (m_row.shape) m_row.shape->weightBytes = q.bytes;
    showPlan(plan);
    if (m_row.shape) showMemory(q.bytes);
}

void ModelDetailsPanel::showLocalModel(const hub::LocalModel& model) {
    ++m_generation;  // a file list still being read for a hub model no longer applies
    m_row = {};
    m_row.id = model.name();
    m_row.shape = model.shape;
    m_quants.reset();
    m_busy->hide();
    showStatus(model.problem, model.status != hub::ModelStatus::Ready);
    m_title->setText(model.name());
    m_summary->setText(tr("On this machine: %1, %2").arg(sourceText(model.source), statusText(model.status)));
    m_summary->show();

    QString architecture = model.architecture.isEmpty() ? QStringLiteral("-") : model.architecture;
    if (model.parameters > 0) architecture += "  ·  " + tr("%1 parameters").arg(parametersText(model.parameters));
    m_architecture->setText(architecture);
    QString weights = model.quant.isEmpty() ? model.dtype : model.quant;
    if (weights.isEmpty()) weights = QStringLiteral("-");
    if (model.sizeOnDisk > 0) weights += "  ·  " + tr("%1 on disk").arg(hub::formatBytes(model.sizeOnDisk));
    m_weights->setText(weights);
    m_revision->setText(model.revision.left(12));
    m_location->setText(model.folder);
    if (model.hub) m_hubLink->setText(linkTo(modelPageUrl(*model.hub, model.id)));
    setQuantRowVisible(false);
    setRowVisible(m_license, false);  // the library does not read licences
    setRowVisible(m_revision, !model.revision.isEmpty());
    setRowVisible(m_total, false);
    setRowVisible(m_weights, true);
    setRowVisible(m_location, true);
    setRowVisible(m_hubLink, model.hub.has_value());
    m_files->hide();
    m_download->hide();
    if (model.status == hub::ModelStatus::Ready && model.shape.numLayers > 0) {
        showMemory(model.shape.weightBytes);
    } else {
        m_memory->setText(QStringLiteral("-"));
        m_context->setText(contextText(model.contextLength));
    }
    m_body->show();
}

void ModelDetailsPanel::setRowVisible(QWidget* field, bool visible) {
    field->setVisible(visible);
    if (QWidget* label = m_form->labelForField(field)) label->setVisible(visible);
}

void ModelDetailsPanel::setQuantRowVisible(bool visible) {
    m_quant->setVisible(visible);
    if (auto* form = m_body->findChild<QFormLayout*>(); form && form->labelForField(m_quant))
        form->labelForField(m_quant)->setVisible(visible);
}

void ModelDetailsPanel::showMemory(qint64 weightBytes) {
    const qint64 available = memoryForFit();
    const QString availableText = available > 0 ? hub::formatBytes(available) : tr("unknown");
    if (m_row.shape) {
        const auto estimate = hub::estimateMemory(*m_row.shape, kFitContextTokens, available);
        const QColor color = fitColor(estimate.fit);
        m_memory->setText(tr("%1 at an 8K-token context: <b style=\"color:%2\">%3</b> (%4 available now)")
                              .arg(hub::formatBytes(estimate.totalBytes), color.isValid() ? color.name() : "inherit",
                                   fitText(estimate.fit), availableText));
        m_context->setText(contextText(hub::maxContextFor(*m_row.shape, available)) + "  " +
                           tr("(the model allows %1)").arg(contextText(m_row.shape->maxContext)));
    } else if (weightBytes > 0) {
        hub::ModelShape weightsOnly;
        weightsOnly.weightBytes = weightBytes;
        const auto estimate = hub::estimateMemory(weightsOnly, 0, available);
        m_memory->setText(tr("at least %1 for the weights and the engine (%2 available now); the KV cache is added "
                             "once the model's configuration is read after download")
                              .arg(hub::formatBytes(estimate.totalBytes), availableText));
        m_context->setText(tr("known after download"));
    } else {
        m_memory->setText(tr("known once the file list is read"));
        m_context->setText(QStringLiteral("-"));
    }
}

void ModelDetailsPanel::showStatus(const QString& text, bool error) {
    showInlineStatus(*m_status, text, error);
    m_retry->hide();
}

}  // namespace pagoda::ui
