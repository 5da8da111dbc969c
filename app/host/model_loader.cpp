#include "app/host/model_loader.h"

#include "app/hub/model_inspection.h"

namespace pagoda {

ModelLoader::ModelLoader(EngineHost& host, QObject* parent) : QObject(parent), m_host(host) {
    connect(&m_host, &EngineHost::loadFinished, this, [this](bool ok, QString error) {
        m_hostLoading = false;
        if (m_pending) {  // asked for another model (or settings) meanwhile: that one wins
            auto [model, settings] = std::move(*m_pending);
            m_pending.reset();
            startLoad(model, settings);
            return;
        }
        if (m_state != State::Loading) {  // unloaded meanwhile
            m_host.unload();
            return;
        }
        // Desktop loads are for chatting: a model that cannot chat fails here, naming what is
        // missing, rather than loading and failing at the first question. A GGUF file carries
        // its tokenizer and template, and the engine has read what it holds.
        if (ok && !m_model->folder.endsWith(".gguf", Qt::CaseInsensitive)) {
            QString cannotChat = hub::cannotChatSentence(m_model->folder, m_host.tokenizer(), m_host.chatTemplate());
            if (!m_host.chatTemplateProblem().isEmpty())
                cannotChat = tr("The chat template of %1 cannot be used: %2").arg(m_model->folder, m_host.chatTemplateProblem());
            if (!cannotChat.isEmpty()) {
                m_host.unload();
                ok = false;
                error = cannotChat;
            }
        }
        if (ok) m_host.setModelName(m_model->id);
        const double seconds = double(m_timer.elapsed()) / 1000.0;
        m_error = ok ? QString() : error;
        setState(ok ? State::Loaded : State::Failed);
        QString message = ok ? tr("%1 loaded in %2 s").arg(m_model->id).arg(seconds, 0, 'f', 1) : error;
        // The engine lowered the context to what the memory budget holds: say so, and how to fix it.
        if (ok && m_host.cacheSizing() && !m_host.cacheSizing()->note.empty())
            message += " \u2014 " + QString::fromStdString(m_host.cacheSizing()->note);
        emit loadFinished(ok, message, seconds);
    });
}

void ModelLoader::load(const hub::LocalModel& model, const EngineSettings& settings) {
    if (model.status != hub::ModelStatus::Ready) {
        m_error = model.problem.isEmpty() ? tr("%1 is not ready to load").arg(model.id) : model.problem;
        setState(State::Failed);
        emit loadFinished(false, m_error, 0);
        return;
    }
    m_model = model;
    m_settings = settings;
    m_error.clear();
    m_timer.start();
    setState(State::Loading);
    // The host answers each load with one loadFinished that does not say which load it was,
    // so only one runs at a time; a newer request waits for it and then replaces it.
    if (m_hostLoading)
        m_pending = std::make_pair(model, settings);
    else
        startLoad(model, settings);
}

void ModelLoader::startLoad(const hub::LocalModel& model, const EngineSettings& settings) {
    m_host.unload();  // frees the old weights and KV pool before the new ones are allocated
    m_hostLoading = true;
    m_host.loadAsync(engineOptionsFor(model, settings, backendMemoryBytes(settings)));
}

void ModelLoader::unload() {
    m_pending.reset();
    m_host.unload();
    m_model.reset();
    m_error.clear();
    setState(State::Empty);
}

void ModelLoader::setState(State state) {
    if (m_state == state && state != State::Loading) return;
    m_state = state;
    emit stateChanged(state);
}

}  // namespace pagoda
