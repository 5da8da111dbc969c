#include "engine/engine_thread.h"

namespace pagoda {

EngineThread::EngineThread(std::unique_ptr<Engine> engine)
    : m_engine(std::move(engine)), m_metrics(m_engine->metrics()), m_thread([this] { run(); }) {}

EngineThread::~EngineThread() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void EngineThread::submit(Request request, OutputCallback onOutput, ErrorCallback onError) {
    {
        std::lock_guard lock(m_mutex);
        m_submissions.push_back({std::move(request), std::move(onOutput), std::move(onError)});
    }
    m_wake.notify_one();
}

void EngineThread::abort(const std::string& requestId) {
    {
        std::lock_guard lock(m_mutex);
        m_aborts.push_back(requestId);
    }
    m_wake.notify_one();
}

MetricsSnapshot EngineThread::metrics() {
    std::lock_guard lock(m_mutex);
    return m_metrics;
}

void EngineThread::run() {
    for (;;) {
        std::vector<Submission> submissions;
        std::vector<std::string> aborts;
        bool stopping;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] {
                return m_stopping || !m_submissions.empty() || !m_aborts.empty() || m_engine->hasUnfinished();
            });
            submissions.swap(m_submissions);
            aborts.swap(m_aborts);
            stopping = m_stopping;
        }
        for (Submission& s : submissions) {
            const std::string id = s.request.id;
            if (auto added = m_engine->addRequest(std::move(s.request)); !added) {
                if (s.onError) s.onError(added.error());
                continue;
            }
            m_callbacks[id] = std::move(s.onOutput);
        }
        if (stopping)
            for (const auto& [id, callback] : m_callbacks) aborts.push_back(id);
        for (const std::string& id : aborts) m_engine->abort(id);

        for (const RequestOutput& out : m_engine->step()) {
            const auto it = m_callbacks.find(out.requestId);
            if (it == m_callbacks.end()) continue;
            if (it->second) it->second(out);
            if (out.finished) m_callbacks.erase(it);
        }
        {
            std::lock_guard lock(m_mutex);
            m_metrics = m_engine->metrics();
        }
        if (stopping && m_callbacks.empty()) return;
    }
}

}  // namespace pagoda
