#include "ui/status/status_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTimer>

#include "app/desktop/desktop_services.h"
#include "ui/status/performance_view.h"

namespace pagoda::ui {

StatusPanel::StatusPanel(DesktopServices& services, QWidget* parent) : QWidget(parent), m_services(services) {
    auto label = [this](const char* name) {
        auto* l = new QLabel(this);
        l->setObjectName(name);
        return l;
    };
    m_model = label("modelStatus");
    m_backend = label("backendStatus");
    m_kv = label("kvStatus");
    m_speed = label("speedStatus");
    auto* performance = new QPushButton(tr("Performance…"), this);
    performance->setObjectName("performanceButton");
    performance->setFlat(true);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    for (QLabel* l : {m_model, m_backend, m_kv, m_speed}) layout->addWidget(l);
    layout->addStretch(1);
    layout->addWidget(performance);

    connect(performance, &QPushButton::clicked, this, [this] { openPerformance(); });
    connect(&services.loader(), &ModelLoader::stateChanged, this, [this] { showModel(); });
    // metrics() is a cheap, thread-safe snapshot, so polling costs less than a signal per step.
    m_timer = new QTimer(this);
    m_timer->setInterval(kPollMs);
    connect(m_timer, &QTimer::timeout, this, [this] { poll(); });
    m_clock.start();
    m_timer->start();
    showModel();
    poll();
}

void StatusPanel::showModel() {
    const ModelLoader& loader = m_services.loader();
    const QString id = loader.model() ? loader.model()->id : QString();
    switch (loader.state()) {
        case ModelLoader::State::Empty: m_model->setText(tr("No model loaded")); break;
        case ModelLoader::State::Loading: m_model->setText(tr("Loading %1…").arg(id)); break;
        case ModelLoader::State::Loaded: m_model->setText(id); break;
        case ModelLoader::State::Failed: m_model->setText(tr("%1 did not load").arg(id)); break;
    }
    m_model->setToolTip(loader.state() == ModelLoader::State::Failed ? loader.error() : QString());
    const bool loaded = loader.state() == ModelLoader::State::Loaded;
    m_backend->setText(loaded ? m_services.host().backendName() : QString());
    m_backend->setToolTip(loaded ? m_services.host().backendNote() : QString());
}

void StatusPanel::poll() {
    const MetricsSnapshot metrics = m_services.host().metrics();
    const MetricsSample& sample = m_history.add(double(m_clock.elapsed()) / 1000.0, metrics);
    const QLocale locale;
    if (metrics.kvBlocksTotal > 0)
        m_kv->setText(tr("KV cache %1 / %2 blocks (%3 %)")
                          .arg(locale.toString(metrics.kvBlocksUsed), locale.toString(metrics.kvBlocksTotal))
                          .arg(sample.kvPercent, 0, 'f', 0));
    else
        m_kv->clear();
    m_speed->setText(m_services.host().isLoaded() ? tr("%1 tokens/s").arg(sample.tokensPerSecond, 0, 'f', 1) : QString());
    if (m_performance) m_performance->refresh();
}

void StatusPanel::openPerformance() {
    if (!m_performance) m_performance = new PerformanceView(m_history, this);  // a child: closes with the window
    m_performance->show();
    m_performance->raise();
    m_performance->activateWindow();
}

}  // namespace pagoda::ui
