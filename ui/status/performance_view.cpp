#include "ui/status/performance_view.h"

#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QLegend>
#include <QPen>
#include <QLineSeries>
#include <QList>
#include <QPointF>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/theme.h"

namespace pagoda::ui {

PerformanceView::PerformanceView(const MetricsHistory& history, QWidget* parent)
    : QDialog(parent), m_history(history) {
    setWindowTitle(tr("Performance"));
    auto* chart = m_chart = new QChart;  // owned by the view below
    m_tokens = new QLineSeries(chart);
    m_tokens->setName(tr("Tokens/s"));
    m_kv = new QLineSeries(chart);
    m_kv->setName(tr("KV cache %"));
    chart->addSeries(m_tokens);
    chart->addSeries(m_kv);

    m_time = new QValueAxis(chart);
    m_time->setTitleText(tr("Seconds"));
    m_time->setLabelFormat("%d");
    m_rate = new QValueAxis(chart);
    m_rate->setTitleText(tr("Tokens/s"));
    m_rate->setLabelFormat("%.0f");
    auto* percent = m_percent = new QValueAxis(chart);
    percent->setTitleText(tr("KV cache %"));
    percent->setRange(0, 100);
    percent->setLabelFormat("%d");
    chart->addAxis(m_time, Qt::AlignBottom);
    chart->addAxis(m_rate, Qt::AlignLeft);
    chart->addAxis(percent, Qt::AlignRight);
    m_tokens->attachAxis(m_time);
    m_tokens->attachAxis(m_rate);
    m_kv->attachAxis(m_time);
    m_kv->attachAxis(percent);

    auto* view = new QChartView(chart, this);
    view->setObjectName("performanceChart");
    view->setRenderHint(QPainter::Antialiasing);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(view);
    resize(640, 360);
    applyPalette();
    refresh();
}

void PerformanceView::changeEvent(QEvent* event) {
    QDialog::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyPalette();
}

// QChart's own themes ignore the application palette (the default one is white in a dark
// window), so the chart takes its colours from the palette: the page's base, its text for
// labels, a faint grid, and line colours chosen for each background.
void PerformanceView::applyPalette() {
    const QPalette p = palette();
    const bool dark = isDarkPalette(p);
    const QColor text = p.color(QPalette::Text);
    QColor grid = text;
    grid.setAlphaF(0.18);
    m_chart->setBackgroundBrush(p.color(QPalette::Base));
    m_chart->setBackgroundPen(Qt::NoPen);
    m_chart->setBackgroundRoundness(0);
    m_chart->legend()->setLabelColor(text);
    for (QValueAxis* axis : {m_time, m_rate, m_percent}) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setLinePenColor(grid);
        axis->setGridLineColor(grid);
    }
    // GitHub's chart blue and orange, light and dark variants: apart from each other and
    // from the background in both.
    m_tokens->setPen(QPen(QColor(dark ? 0x58a6ff : 0x0969da), 2));
    m_kv->setPen(QPen(QColor(dark ? 0xf0883e : 0xbc4c00), 2));
}

void PerformanceView::refresh() {
    // replace() redraws once per poll rather than once per point.
    QList<QPointF> tokens, kv;
    double maxRate = 10;  // an idle engine still gets a readable axis
    for (const MetricsSample& s : m_history.samples()) {
        tokens << QPointF(s.seconds, s.tokensPerSecond);
        kv << QPointF(s.seconds, s.kvPercent);
        maxRate = std::max(maxRate, s.tokensPerSecond);
    }
    m_tokens->replace(tokens);
    m_kv->replace(kv);
    const double end = m_history.empty() ? MetricsHistory::kWindowSeconds
                                         : std::max(m_history.last().seconds, MetricsHistory::kWindowSeconds);
    m_time->setRange(end - MetricsHistory::kWindowSeconds, end);
    m_rate->setRange(0, maxRate * 1.1);
    m_rate->applyNiceNumbers();  // round ticks: 0, 20, 40 rather than 0, 18.7, 37.4
}

}  // namespace pagoda::ui
