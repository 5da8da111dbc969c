// Runs Engine::step on its own thread. Submit and abort are safe from any thread; each
// request's outputs go to the callback given with it, called on the engine thread (a Qt
// host re-posts them to its own thread). Sleeps while there is nothing to do.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/engine.h"

namespace pagoda {

class EngineThread {
public:
    using OutputCallback = std::function<void(const RequestOutput&)>;
    using ErrorCallback = std::function<void(const Error&)>;

    explicit EngineThread(std::unique_ptr<Engine> engine);
    // Aborts what is still in flight (callbacks see finish reason abort), then joins.
    ~EngineThread();

    // The request is validated on the engine thread; a rejection reaches onError instead.
    void submit(Request request, OutputCallback onOutput, ErrorCallback onError);
    void abort(const std::string& requestId);
    // A consistent copy, taken between steps.
    MetricsSnapshot metrics();

private:
    void run();

    struct Submission {
        Request request;
        OutputCallback onOutput;
        ErrorCallback onError;
    };

    std::unique_ptr<Engine> m_engine;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::vector<Submission> m_submissions;
    std::vector<std::string> m_aborts;
    bool m_stopping = false;
    MetricsSnapshot m_metrics;
    std::unordered_map<std::string, OutputCallback> m_callbacks;  // engine thread only
    std::thread m_thread;  // last: starts after everything above exists
};

}  // namespace pagoda
