// The Downloads list: one row per model download of the DownloadQueue, kept current from
// its progress signal, with the row's buttons bound to the queue. Downloads finished in an
// earlier session are left out; the ones still to do show as the queue restored them.
#pragma once

#include <QWidget>

#include <map>

#include "app/hub/download_queue.h"

class QLabel;
class QVBoxLayout;

namespace pagoda::ui {

class DownloadRow;

class DownloadsPanel : public QWidget {
    Q_OBJECT
public:
    explicit DownloadsPanel(hub::DownloadQueue& queue, QWidget* parent = nullptr);

    DownloadRow* row(const QString& key) const;
    int activeCount() const;  // not yet completed or cancelled

signals:
    void modelDownloaded(const QString& key, const QString& folder);
    void activeCountChanged(int count);

private:
    void onProgress(const hub::DownloadProgress& progress);
    void onFinished(const QString& key, bool ok, const QString& message, const QString& folder);
    void removeRow(const QString& key);
    void refreshEmpty();

    hub::DownloadQueue& m_queue;
    std::map<QString, DownloadRow*> m_rows;
    QVBoxLayout* m_list;
    QLabel* m_empty;
    QLabel* m_status;
};

}  // namespace pagoda::ui
