// The performance window the status bar opens: tokens/s and KV cache use over the last
// two minutes, as two lines on one chart, drawn in the application palette's colours (light
// or dark) and redrawn when it changes.
#pragma once

#include <QDialog>

#include "ui/status/metrics_history.h"

class QChart;
class QLineSeries;
class QValueAxis;

namespace pagoda::ui {

class PerformanceView : public QDialog {
    Q_OBJECT
public:
    explicit PerformanceView(const MetricsHistory& history, QWidget* parent = nullptr);

    // Redraws from the history after the StatusPanel added a sample.
    void refresh();

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyPalette();

    QChart* m_chart = nullptr;
    const MetricsHistory& m_history;
    QLineSeries* m_tokens = nullptr;
    QLineSeries* m_kv = nullptr;
    QValueAxis* m_time = nullptr;
    QValueAxis* m_rate = nullptr;
    QValueAxis* m_percent = nullptr;
};

}  // namespace pagoda::ui
