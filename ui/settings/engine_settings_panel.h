// The engine half of the Settings page: backend, the memory slider with its live estimate
// (weights, KV cache, longest context) for the loaded model, context and concurrency
// limits, how a 16-bit model is held on the CPU (as stored, int8 or int4), and Apply, which
// saves them and reloads the loaded model with them.
#pragma once

#include <QGroupBox>

#include "app/host/engine_settings.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class EngineSettingsPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit EngineSettingsPanel(DesktopServices& services, QWidget* parent = nullptr);

    // What the controls say now (not yet applied).
    EngineSettings current() const;

private:
    void showSettings(const EngineSettings& settings);
    void updateMemoryLabel();
    void updateEstimate();
    void updateQuantizationNote();
    void apply();
    void onLoadFinished(bool ok, const QString& message);

    DesktopServices& m_services;
    qint64 m_totalMemory = 0;  // physical memory
    qint64 m_gpuMemory = 0;    // the CUDA card's, 0 without one
    qint64 totalMemory() const;
    bool m_applying = false;  // our Apply started the load the loader reports on
    QComboBox* m_backend = nullptr;
    QLabel* m_backendNote = nullptr;
    QLabel* m_memoryLabel = nullptr;
    QSlider* m_memorySlider = nullptr;
    QLabel* m_memoryValue = nullptr;
    QLabel* m_estimate = nullptr;
    QSpinBox* m_maxContext = nullptr;
    QSpinBox* m_maxSeqs = nullptr;
    QComboBox* m_quantization = nullptr;
    QLabel* m_quantizationNote = nullptr;
    QPushButton* m_apply = nullptr;
    QProgressBar* m_busy = nullptr;
    QLabel* m_result = nullptr;
};

}  // namespace pagoda::ui
