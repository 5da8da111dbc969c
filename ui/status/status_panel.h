// The status bar's contents: model, backend, KV cache use and tokens/s, polled from the
// engine's metrics twice a second; a button opens the performance chart of the same numbers.
#pragma once

#include <QElapsedTimer>
#include <QPointer>
#include <QWidget>

#include "ui/status/metrics_history.h"

class QLabel;
class QTimer;

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class PerformanceView;

class StatusPanel : public QWidget {
    Q_OBJECT
public:
    explicit StatusPanel(DesktopServices& services, QWidget* parent = nullptr);

    static constexpr int kPollMs = 500;

private:
    void poll();
    void showModel();
    void openPerformance();

    DesktopServices& m_services;
    MetricsHistory m_history;
    QElapsedTimer m_clock;
    QTimer* m_timer = nullptr;
    QLabel* m_model = nullptr;
    QLabel* m_backend = nullptr;
    QLabel* m_kv = nullptr;
    QLabel* m_speed = nullptr;
    QPointer<PerformanceView> m_performance;
};

}  // namespace pagoda::ui
