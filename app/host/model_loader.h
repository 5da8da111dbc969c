// Loads a library model into the EngineHost with the app's engine settings, off the GUI
// thread, and says what is loaded. The chat window, the settings page ("apply" reloads) and
// the first-run welcome all go through it.
#pragma once

#include <QElapsedTimer>
#include <QObject>

#include <optional>

#include "app/host/engine_host.h"
#include "app/host/engine_settings.h"
#include "app/hub/local_model.h"

namespace pagoda {

class ModelLoader : public QObject {
    Q_OBJECT
public:
    enum class State { Empty, Loading, Loaded, Failed };
    Q_ENUM(State)

    explicit ModelLoader(EngineHost& host, QObject* parent = nullptr);

    void load(const hub::LocalModel& model, const EngineSettings& settings);
    void unload();

    State state() const { return m_state; }
    const std::optional<hub::LocalModel>& model() const { return m_model; }  // loaded or loading
    const EngineSettings& settings() const { return m_settings; }
    QString error() const { return m_error; }
    EngineHost& host() { return m_host; }

signals:
    void stateChanged(pagoda::ModelLoader::State state);
    // ok: the model is serving; otherwise message says why. seconds: time the load took.
    void loadFinished(bool ok, const QString& message, double seconds);

private:
    void setState(State state);
    void startLoad(const hub::LocalModel& model, const EngineSettings& settings);

    EngineHost& m_host;
    State m_state = State::Empty;
    std::optional<hub::LocalModel> m_model;
    EngineSettings m_settings;
    QString m_error;
    QElapsedTimer m_timer;
    bool m_hostLoading = false;  // the host is loading on its thread
    std::optional<std::pair<hub::LocalModel, EngineSettings>> m_pending;  // the load to run next
};

}  // namespace pagoda
