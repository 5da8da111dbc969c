// The engine half of the Settings page: backend, the memory slider with what its share is in
// GiB beside the memory free now (and a warning when the share is more than that), its live
// estimate (weights, KV cache, longest context, how many sequences fit) for the loaded model,
// context and concurrency limits, how a 16-bit model is held on the CPU (as stored, int8 or
// int4), and Apply, which saves them and reloads the loaded model with them.
#pragma once

#include <QGroupBox>

#include <functional>

#include "app/host/engine_settings.h"
#include "app/hub/memory_estimate.h"

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
    // Memory free now, in bytes (0: unknown). Called on a pool thread: /proc is a file.
    using FreeMemoryProbe = std::function<qint64()>;

    // freeMemory: the tests pass a figure; the app reads the machine.
    explicit EngineSettingsPanel(DesktopServices& services, QWidget* parent = nullptr,
                                 FreeMemoryProbe freeMemory = hub::availableMemoryBytes);

    // What the controls say now (not yet applied).
    EngineSettings current() const;

signals:
    // A new reading of the free memory is on screen (tests wait for it).
    void freeMemoryShown();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void showSettings(const EngineSettings& settings);
    void readFreeMemory();
    void updateMemoryLabel();
    void updateMemoryWarning();
    void updateEstimate();
    void updateQuantizationNote();
    void apply();
    void onLoadFinished(bool ok, const QString& message);

    DesktopServices& m_services;
    // The saved settings, read once: a profile that never chose a share computes its default
    // from /proc, which the slider must not read on every step.
    EngineSettings m_stored;
    qint64 m_totalMemory = 0;  // physical memory
    qint64 m_gpuMemory = 0;    // the CUDA card's, 0 without one
    qint64 totalMemory() const;
    FreeMemoryProbe m_freeMemoryProbe;
    qint64 m_freeMemory = 0;   // the last reading, 0 until it arrives or when unknown
    qint64 m_heldByModel = 0;  // what the loaded model holds (CPU), given back before a reload
    int m_freeMemoryRequest = 0;  // only the newest reading is shown
    bool m_applying = false;  // our Apply started the load the loader reports on
    QComboBox* m_backend = nullptr;
    QLabel* m_backendNote = nullptr;
    QLabel* m_memoryLabel = nullptr;
    QSlider* m_memorySlider = nullptr;
    QLabel* m_memoryValue = nullptr;
    QLabel* m_freeMemoryLabel = nullptr;
    QWidget* m_memoryWarningRow = nullptr;  // the style's warning icon and m_memoryWarning
    QLabel* m_memoryWarning = nullptr;
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
