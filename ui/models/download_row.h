// One model download as the Downloads list draws it: the model, a progress bar, bytes of
// total, speed and time left, and the Pause / Resume / Cancel buttons. It only shows and
// asks; the DownloadQueue decides.
#pragma once

#include <QWidget>

#include "app/hub/download_progress.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace pagoda::ui {

class DownloadRow : public QWidget {
    Q_OBJECT
public:
    explicit DownloadRow(const hub::DownloadProgress& progress, QWidget* parent = nullptr);

    void setProgress(const hub::DownloadProgress& progress);
    const hub::DownloadProgress& progress() const { return m_progress; }

signals:
    void pauseClicked(const QString& key);
    void resumeClicked(const QString& key);
    void cancelClicked(const QString& key);
    void dismissClicked(const QString& key);

private:
    hub::DownloadProgress m_progress;
    QLabel* m_name;
    QLabel* m_detail;
    QProgressBar* m_bar;
    QPushButton* m_pause;
    QPushButton* m_resume;
    QPushButton* m_cancel;
    QPushButton* m_dismiss;
};

}  // namespace pagoda::ui
