#include "ui/models/download_row.h"

#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

#include "app/hub/hub_client.h"
#include "app/hub/network_failure.h"
#include "ui/models/model_texts.h"
#include "ui/theme.h"

namespace pagoda::ui {

namespace {

QPushButton* button(const QString& text, const char* objectName, const QString& toolTip, QWidget* parent) {
    auto* b = new QPushButton(text, parent);
    b->setObjectName(objectName);
    b->setToolTip(toolTip);
    return b;
}

}  // namespace

DownloadRow::DownloadRow(const hub::DownloadProgress& progress, QWidget* parent) : QWidget(parent) {
    setObjectName(progress.key);
    m_name = new QLabel(this);
    m_name->setObjectName("downloadName");
    m_detail = new QLabel(this);
    m_detail->setObjectName("downloadDetail");
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bar = new QProgressBar(this);
    m_bar->setObjectName("downloadProgress");
    m_bar->setRange(0, 1000);
    m_pause = button(tr("Pause"), "pauseButton", tr("Stop for now; the downloaded part is kept."), this);
    m_resume = button(tr("Resume"), "resumeButton", tr("Continue where it stopped."), this);
    m_cancel = button(tr("Cancel"), "cancelButton", tr("Stop and delete what was downloaded."), this);
    m_dismiss = button(tr("Dismiss"), "dismissButton", tr("Remove from this list."), this);

    auto* layout = new QGridLayout(this);
    layout->addWidget(m_name, 0, 0);
    layout->addWidget(m_bar, 1, 0);
    layout->addWidget(m_detail, 2, 0);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_pause, m_resume, m_cancel, m_dismiss}) buttons->addWidget(b);
    layout->addLayout(buttons, 1, 1, Qt::AlignRight);
    layout->setColumnStretch(0, 1);

    connect(m_pause, &QPushButton::clicked, this, [this] { emit pauseClicked(m_progress.key); });
    connect(m_resume, &QPushButton::clicked, this, [this] { emit resumeClicked(m_progress.key); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { emit cancelClicked(m_progress.key); });
    connect(m_dismiss, &QPushButton::clicked, this, [this] { emit dismissClicked(m_progress.key); });
    setProgress(progress);
}

void DownloadRow::setProgress(const hub::DownloadProgress& p) {
    using hub::DownloadState;
    m_progress = p;
    m_name->setText(QStringLiteral("<b>%1</b>  ·  %2").arg(p.modelId.toHtmlEscaped(), hub::hubDisplayName(p.hub)));
    const bool known = p.bytesTotal > 0;
    m_bar->setRange(0, known || p.state != DownloadState::Resolving ? 1000 : 0);  // busy while the file list is read
    m_bar->setValue(known ? int(1000.0 * double(p.bytesDone) / double(p.bytesTotal)) : 0);
    if (p.state == DownloadState::Completed) m_bar->setValue(1000);

    QStringList parts{downloadStateText(p.state)};
    if (known) parts << tr("%1 of %2").arg(hub::formatBytes(p.bytesDone), hub::formatBytes(p.bytesTotal));
    if (p.state == DownloadState::Downloading) {
        if (p.bytesPerSecond > 0) parts << tr("%1/s").arg(hub::formatBytes(qint64(p.bytesPerSecond)));
        if (const QString eta = etaText(p.etaSeconds); !eta.isEmpty()) parts << eta;
    }
    if (p.filesTotal > 0 && p.state != DownloadState::Completed)
        parts << tr("%1 of %2 files").arg(p.filesDone).arg(p.filesTotal);
    if (p.state == DownloadState::Completed) parts << tr("in your library");
    QString text = parts.join(QStringLiteral("  ·  "));
    // A failure in words with the next step; the URL and curl's message in the tooltip.
    const auto advice = p.state == DownloadState::Failed && !p.error.isEmpty()
                            ? hub::adviceFor(p.failure, p.httpStatus, p.error, p.hub, p.viaMirror, p.modelId)
                            : hub::FailureAdvice{};
    if (!advice.sentence.isEmpty()) text += "\n" + advice.sentence;
    m_detail->setText(text);
    m_detail->setToolTip(advice.details);
    setTone(*m_detail, p.state == DownloadState::Failed ? Tone::Error : Tone::Normal);

    const bool running = p.state == DownloadState::Downloading || p.state == DownloadState::Resolving;
    const bool over = p.state == DownloadState::Completed || p.state == DownloadState::Cancelled;
    m_pause->setVisible(running);
    m_resume->setVisible(p.state == DownloadState::Paused || p.state == DownloadState::Failed);
    m_resume->setText(p.state == DownloadState::Failed ? tr("Retry") : tr("Resume"));
    m_cancel->setVisible(!over);
    m_dismiss->setVisible(over);
}

}  // namespace pagoda::ui
