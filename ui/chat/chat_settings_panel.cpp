#include "ui/chat/chat_settings_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace pagoda::ui {

namespace {

QDoubleSpinBox* probabilityBox(QWidget* parent, const char* name, double maximum) {
    auto* box = new QDoubleSpinBox(parent);
    box->setObjectName(name);
    box->setRange(0.0, maximum);
    box->setSingleStep(0.05);
    box->setDecimals(2);
    box->setKeyboardTracking(false);  // one change when the number is complete
    return box;
}

QLabel* noteLabel(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

}  // namespace

ChatSettingsPanel::ChatSettingsPanel(QWidget* parent) : QWidget(parent) {
    setObjectName("settingsPanel");
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    outer->addWidget(scroll);
    auto* content = new QWidget(scroll);
    auto* layout = new QVBoxLayout(content);
    scroll->setWidget(content);

    layout->addWidget(new QLabel(tr("System prompt"), content));
    m_systemPrompt = new QPlainTextEdit(content);
    m_systemPrompt->setObjectName("systemPromptEdit");
    m_systemPrompt->setAccessibleName(tr("System prompt"));
    m_systemPrompt->setPlaceholderText(tr("For example: You are a concise assistant. Answer in English."));
    m_systemPrompt->setMaximumHeight(8 * m_systemPrompt->fontMetrics().lineSpacing());
    layout->addWidget(m_systemPrompt);

    auto* sampling = new QGroupBox(tr("Sampling"), content);
    auto* form = new QFormLayout(sampling);
    m_preset = new QComboBox(sampling);
    m_preset->setObjectName("presetCombo");
    m_preset->setAccessibleName(tr("Sampling preset"));
    m_preset->addItem(tr("Custom"), QString());
    for (const QString& name : store::presetNames()) m_preset->addItem(presetLabel(name), name);
    m_temperature = probabilityBox(sampling, "temperatureSpin", 2.0);
    m_temperature->setToolTip(tr("Higher is more varied, lower more predictable; 0 always picks the likeliest token"));
    m_topP = probabilityBox(sampling, "topPSpin", 1.0);
    m_topP->setToolTip(tr("Only tokens within this share of the probability are considered"));
    m_maxTokens = new QSpinBox(sampling);
    m_maxTokens->setObjectName("maxTokensSpin");
    m_maxTokens->setRange(1, 1 << 20);
    m_maxTokens->setSingleStep(256);
    m_maxTokens->setKeyboardTracking(false);
    m_maxTokens->setToolTip(tr("The longest answer, in tokens (thinking included)"));
    m_thinking = new QCheckBox(tr("Think before answering"), sampling);
    m_thinking->setObjectName("thinkingCheck");
    form->addRow(tr("Preset"), m_preset);
    form->addRow(tr("Temperature"), m_temperature);
    form->addRow(tr("Top P"), m_topP);
    form->addRow(tr("Max tokens"), m_maxTokens);
    form->addRow(m_thinking);
    layout->addWidget(sampling);

    auto* remote = new QGroupBox(tr("Endpoint"), content);
    auto* remoteForm = new QFormLayout(remote);
    remoteForm->addRow(noteLabel(tr("Leave the URL empty to use the model loaded in Pagoda, or enter any "
                                    "OpenAI-compatible server (vLLM, Ollama, another Pagoda)."),
                                 remote));
    m_endpointUrl = new QLineEdit(remote);
    m_endpointUrl->setObjectName("endpointUrlEdit");
    m_endpointUrl->setPlaceholderText(QStringLiteral("http://localhost:8000/v1"));
    m_endpointUrl->setClearButtonEnabled(true);
    m_endpointKey = new QLineEdit(remote);
    m_endpointKey->setObjectName("endpointKeyEdit");
    m_endpointKey->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_endpointKey->setPlaceholderText(tr("none"));
    m_endpointModel = new QLineEdit(remote);
    m_endpointModel->setObjectName("endpointModelEdit");
    m_endpointModel->setPlaceholderText(tr("as the server names it"));
    remoteForm->addRow(tr("Base URL"), m_endpointUrl);
    remoteForm->addRow(tr("API key"), m_endpointKey);
    remoteForm->addRow(tr("Model"), m_endpointModel);
    layout->addWidget(remote);
    layout->addStretch();

    m_typingPause.setSingleShot(true);
    m_typingPause.setInterval(kTypingPauseMs);
    connect(&m_typingPause, &QTimer::timeout, this, &ChatSettingsPanel::flush);
    connect(m_systemPrompt, &QPlainTextEdit::textChanged, this, [this] { changed(true); });
    for (QLineEdit* edit : {m_endpointUrl, m_endpointKey, m_endpointModel})
        connect(edit, &QLineEdit::textChanged, this, [this] { changed(true); });
    connect(m_preset, &QComboBox::currentIndexChanged, this, &ChatSettingsPanel::presetChosen);
    // Moving a slider by hand leaves the preset: the values are no longer the preset's.
    for (QDoubleSpinBox* box : {m_temperature, m_topP})
        connect(box, &QDoubleSpinBox::valueChanged, this, [this] {
            if (m_showing) return;
            const QSignalBlocker block(m_preset);
            m_preset->setCurrentIndex(0);
            changed(false);
        });
    connect(m_maxTokens, &QSpinBox::valueChanged, this, [this] { changed(false); });
    connect(m_thinking, &QCheckBox::toggled, this, [this](bool on) {
        if (m_showing) return;
        m_shown.thinking = on;  // chosen now: from here on it is sent
        changed(false);
    });
    setSettings(store::GenerationSettings{});
    setThinkingSupport(Thinking::Unknown);
}

QString ChatSettingsPanel::presetLabel(const QString& preset) const {
    if (preset == QLatin1String("precise")) return tr("Precise");
    if (preset == QLatin1String("balanced")) return tr("Balanced");
    if (preset == QLatin1String("creative")) return tr("Creative");
    return preset;
}

void ChatSettingsPanel::setSettings(const store::GenerationSettings& settings) {
    m_showing = true;
    m_shown = settings;
    m_typingPause.stop();
    m_pending = false;
    if (m_systemPrompt->toPlainText() != settings.systemPrompt) m_systemPrompt->setPlainText(settings.systemPrompt);
    // Chats from before presets were remembered hold a preset's values under no name.
    const QString preset = settings.preset.isEmpty() ? store::presetMatching(settings) : settings.preset;
    m_preset->setCurrentIndex(std::max(0, m_preset->findData(preset)));
    m_temperature->setValue(settings.temperature);
    m_topP->setValue(settings.topP);
    m_maxTokens->setValue(settings.maxTokens);
    m_thinking->setChecked(m_thinkingSupport != Thinking::No && settings.thinking.value_or(true));
    // setText would move the cursor of a field being typed in; only change what differs.
    if (m_endpointUrl->text() != settings.endpointUrl) m_endpointUrl->setText(settings.endpointUrl);
    if (m_endpointKey->text() != settings.endpointKey) m_endpointKey->setText(settings.endpointKey);
    if (m_endpointModel->text() != settings.endpointModel) m_endpointModel->setText(settings.endpointModel);
    m_showing = false;
}

store::GenerationSettings ChatSettingsPanel::settings() const {
    store::GenerationSettings settings = m_shown;  // keeps any field this panel has no control for
    settings.systemPrompt = m_systemPrompt->toPlainText();
    settings.preset = m_preset->currentData().toString();
    settings.temperature = m_temperature->value();
    settings.topP = m_topP->value();
    settings.maxTokens = m_maxTokens->value();
    settings.endpointUrl = m_endpointUrl->text().trimmed();
    settings.endpointKey = m_endpointKey->text().trimmed();
    settings.endpointModel = m_endpointModel->text().trimmed();
    return settings;
}

void ChatSettingsPanel::changed(bool typing) {
    if (m_showing) return;
    m_pending = true;
    if (typing) m_typingPause.start();
    else flush();
}

void ChatSettingsPanel::flush() {
    m_typingPause.stop();
    if (!m_pending) return;
    m_pending = false;
    emit settingsChanged(settings());
}

void ChatSettingsPanel::presetChosen() {
    if (m_showing) return;
    const QString preset = m_preset->currentData().toString();
    if (!preset.isEmpty()) {
        const store::GenerationSettings chosen = store::withPreset(settings(), preset);
        m_showing = true;
        m_temperature->setValue(chosen.temperature);
        m_topP->setValue(chosen.topP);
        m_showing = false;
    }
    changed(false);
}

void ChatSettingsPanel::focusEndpoint() { m_endpointUrl->setFocus(); }

void ChatSettingsPanel::setThinkingSupport(Thinking support, const QString& modelName) {
    m_thinkingSupport = support;
    m_showing = true;
    m_thinking->setEnabled(support != Thinking::No);
    m_thinking->setChecked(support != Thinking::No && m_shown.thinking.value_or(true));
    m_showing = false;
    switch (support) {
    case Thinking::No:
        m_thinking->setToolTip(tr("%1 has no thinking mode: its chat template has no enable_thinking switch and no "
                                  "<think> block").arg(modelName.isEmpty() ? tr("This model") : modelName));
        break;
    case Thinking::Yes:
        m_thinking->setToolTip(tr("The model thinks first, in a block shown folded above its answer"));
        break;
    case Thinking::Unknown:
        m_thinking->setToolTip(tr("For models with a thinking mode (Qwen3); a server receives it only once you "
                                  "change it here"));
        break;
    }
}

}  // namespace pagoda::ui
