#include "app/host/engine_host.h"

#include <QMetaObject>
#include <QPointer>

#include <thread>
#include <utility>

namespace pagoda {

EngineHost::EngineHost(QObject* parent) : QObject(parent) { qRegisterMetaType<pagoda::RequestOutput>(); }

EngineHost::~EngineHost() { unload(); }

void EngineHost::adopt(LoadedEngine loaded, const EngineOptions& options) {
    unload();
    m_modelName = QString::fromStdString(options.modelDir.filename().string());
    if (m_modelName.isEmpty()) m_modelName = QString::fromStdString(options.modelDir.parent_path().filename().string());
    m_maxModelLen = loaded.engine->maxModelLen();
    auto engine = std::move(loaded.engine);
    m_loaded = std::move(loaded);
    m_thread = std::make_unique<EngineThread>(std::move(engine));
}

Status EngineHost::load(const EngineOptions& options) {
    auto loaded = loadEngine(options);
    if (!loaded) return loaded.error();
    adopt(std::move(loaded).value(), options);
    return Ok{};
}

void EngineHost::loadAsync(const EngineOptions& options) {
    QPointer<EngineHost> self(this);
    std::thread([self, options] {
        auto loaded = std::make_shared<Result<LoadedEngine>>(loadEngine(options));
        if (!self) return;
        QMetaObject::invokeMethod(
            self.data(),
            [self, loaded, options] {
                if (!self) return;
                if (!*loaded) {
                    emit self->loadFinished(false, QString::fromStdString(loaded->error().message));
                    return;
                }
                self->adopt(std::move(*loaded).value(), options);
                emit self->loadFinished(true, {});
            },
            Qt::QueuedConnection);
    }).detach();
}

void EngineHost::unload() {
    m_thread.reset();  // aborts and joins first: the engine still uses the tokenizer
    m_loaded.reset();
    m_maxModelLen = 0;
    // The engine ended them without a word: tell their clients, so no HTTP stream or chat
    // answer waits forever for a model that is gone.
    const auto inFlight = std::exchange(m_inFlight, {});
    for (const QString& id : inFlight) emit requestRejected(id, "the model was unloaded");
}

std::string EngineHost::architecture() const {
    if (!m_loaded) return {};
    switch (m_loaded->model->config.architecture) {
        case Architecture::Qwen2: return "qwen2";
        case Architecture::Qwen3: return "qwen3";
        case Architecture::Llama: return "llama";
        case Architecture::Glm: return "glm";
        case Architecture::Glm4: return "glm4";
        case Architecture::ChatGlm: return "chatglm";
    }
    return {};
}

QString EngineHost::backendName() const {
    if (!m_loaded) return {};
    if (m_loaded->backend != ExecutorBackend::Cuda) return "CPU";
    return m_loaded->deviceName.empty() ? QString("CUDA") : "CUDA · " + QString::fromStdString(m_loaded->deviceName);
}

int EngineHost::vocabSize() const { return m_loaded ? m_loaded->model->config.vocabSize : 0; }

const ChatTemplate* EngineHost::chatTemplate() const {
    return m_loaded && m_loaded->chatTemplate ? &*m_loaded->chatTemplate : nullptr;
}

std::string EngineHost::noChatTemplateReason() const {
    if (m_loaded && !m_loaded->chatTemplateProblem.empty())
        return "this model's chat template cannot be used: " + m_loaded->chatTemplateProblem;
    return "this model has no chat template";
}

void EngineHost::submit(Request request) {
    const QString id = QString::fromStdString(request.id);
    if (!m_thread) {
        emit requestRejected(id, "no model is loaded");
        return;
    }
    QPointer<EngineHost> self(this);
    m_inFlight.insert(id);
    // Called on the engine thread: each output is copied into a queued call to this thread.
    // An answer that arrives after unload() already rejected its request is dropped.
    m_thread->submit(
        std::move(request),
        [self, id](const RequestOutput& out) {
            QMetaObject::invokeMethod(
                self.data(),
                [self, id, out] {
                    if (!self || !self->m_inFlight.contains(id)) return;
                    if (out.finished) self->m_inFlight.remove(id);
                    emit self->requestOutput(out);
                },
                Qt::QueuedConnection);
        },
        [self, id](const Error& error) {
            const QString message = QString::fromStdString(error.message);
            QMetaObject::invokeMethod(
                self.data(),
                [self, id, message] {
                    if (!self || !self->m_inFlight.remove(id)) return;
                    emit self->requestRejected(id, message);
                },
                Qt::QueuedConnection);
        });
}

void EngineHost::abort(const QString& requestId) {
    if (m_thread) m_thread->abort(requestId.toStdString());
}

MetricsSnapshot EngineHost::metrics() const { return m_thread ? m_thread->metrics() : MetricsSnapshot{}; }

}  // namespace pagoda
