#include "ui/models/downloads_panel.h"

#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include "ui/models/download_row.h"
#include "ui/theme.h"

namespace pagoda::ui {

DownloadsPanel::DownloadsPanel(hub::DownloadQueue& queue, QWidget* parent) : QWidget(parent), m_queue(queue) {
    m_empty = new QLabel(tr("No downloads. Pick a model above and press Download."), this);
    m_empty->setObjectName("downloadsEmpty");
    m_empty->setAlignment(Qt::AlignCenter);
    m_status = new QLabel(this);
    m_status->setObjectName("downloadsStatus");
    m_status->setWordWrap(true);
    setTone(*m_status, Tone::Error);
    m_status->hide();

    auto* content = new QWidget;
    m_list = new QVBoxLayout(content);
    m_list->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName("downloadsList");
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_status);
    layout->addWidget(m_empty);
    layout->addWidget(scroll, 1);

    for (const auto& p : m_queue.downloads())
        if (p.state != hub::DownloadState::Completed && p.state != hub::DownloadState::Cancelled) onProgress(p);
    connect(&m_queue, &hub::DownloadQueue::progress, this, &DownloadsPanel::onProgress);
    connect(&m_queue, &hub::DownloadQueue::finished, this, &DownloadsPanel::onFinished);
    refreshEmpty();
}

DownloadRow* DownloadsPanel::row(const QString& key) const {
    auto it = m_rows.find(key);
    return it == m_rows.end() ? nullptr : it->second;
}

int DownloadsPanel::activeCount() const {
    int n = 0;
    for (const auto& [key, row] : m_rows)
        n += row->progress().state != hub::DownloadState::Completed && row->progress().state != hub::DownloadState::Cancelled;
    return n;
}

void DownloadsPanel::onProgress(const hub::DownloadProgress& progress) {
    if (DownloadRow* existing = row(progress.key)) {
        const hub::DownloadState before = existing->progress().state;
        existing->setProgress(progress);
        if (before != progress.state) emit activeCountChanged(activeCount());
        return;
    }
    if (progress.state == hub::DownloadState::Cancelled) return;
    m_status->hide();  // an earlier refusal is old news once a download starts
    auto* added = new DownloadRow(progress, m_list->parentWidget());
    m_list->insertWidget(m_list->count() - 1, added);  // above the stretch, newest last
    m_rows[progress.key] = added;
    connect(added, &DownloadRow::pauseClicked, &m_queue, &hub::DownloadQueue::pause);
    connect(added, &DownloadRow::resumeClicked, &m_queue, &hub::DownloadQueue::resume);
    connect(added, &DownloadRow::cancelClicked, &m_queue, &hub::DownloadQueue::cancel);
    connect(added, &DownloadRow::dismissClicked, this, &DownloadsPanel::removeRow);
    refreshEmpty();
    emit activeCountChanged(activeCount());
}

void DownloadsPanel::onFinished(const QString& key, bool ok, const QString& message, const QString& folder) {
    if (ok) emit modelDownloaded(key, folder);
    // A failure's message normally arrives in the progress sent first and shows in the row;
    // a request refused before it was queued (a malformed id) has no row to show it in.
    if (!ok && !row(key) && message != QLatin1String("cancelled")) {
        m_status->setText(tr("Could not download %1: %2").arg(key.section(':', 1), message));
        m_status->show();
    }
    // A cancelled download wrote nothing that stays, so there is nothing left to show.
    if (DownloadRow* r = row(key); r && r->progress().state == hub::DownloadState::Cancelled) removeRow(key);
    emit activeCountChanged(activeCount());
}

void DownloadsPanel::removeRow(const QString& key) {
    auto it = m_rows.find(key);
    if (it == m_rows.end()) return;
    it->second->deleteLater();
    m_rows.erase(it);
    refreshEmpty();
    emit activeCountChanged(activeCount());
}

void DownloadsPanel::refreshEmpty() { m_empty->setVisible(m_rows.empty()); }

}  // namespace pagoda::ui
