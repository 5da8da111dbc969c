#include "app/store/store_thread.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

namespace pagoda::store {

struct StoreThread::Worker {
    std::mutex mutex;
    std::condition_variable wake;  // a job arrived, or stopping
    std::condition_variable ran;   // opened, or a job finished: flush() watches this
    std::deque<std::function<void(ConversationStore&)>> jobs;
    std::uint64_t posted = 0;
    std::uint64_t finished = 0;
    bool opened = false;
    bool stopping = false;
    QString openError;
    std::thread thread;

    // The store lives and dies on this thread: a QSqlDatabase connection may only be used
    // by the thread that created it.
    void run(const QString& path) {
        ConversationStore store;
        const Status status = store.open(path);
        std::unique_lock lock(mutex);
        if (!status) openError = QString::fromStdString(status.error().message);
        opened = true;
        ran.notify_all();
        for (;;) {
            wake.wait(lock, [&] { return stopping || !jobs.empty(); });
            if (jobs.empty()) return;  // stopping, and every posted job has run
            auto job = std::move(jobs.front());
            jobs.pop_front();
            const bool skip = !openError.isEmpty();
            lock.unlock();
            if (!skip) job(store);
            job = nullptr;  // release its captures off the lock, on this thread
            lock.lock();
            ++finished;
            ran.notify_all();
        }
    }
};

StoreThread::StoreThread(QString path) : m_worker(std::make_unique<Worker>()) {
    m_worker->thread = std::thread([worker = m_worker.get(), path = std::move(path)] { worker->run(path); });
}

StoreThread::~StoreThread() {
    {
        std::lock_guard lock(m_worker->mutex);
        m_worker->stopping = true;
    }
    m_worker->wake.notify_one();
    m_worker->thread.join();
}

void StoreThread::post(std::function<void(ConversationStore&)> job) {
    {
        std::lock_guard lock(m_worker->mutex);
        m_worker->jobs.push_back(std::move(job));
        ++m_worker->posted;
    }
    m_worker->wake.notify_one();
}

void StoreThread::flush() {
    std::unique_lock lock(m_worker->mutex);
    const std::uint64_t target = m_worker->posted;
    m_worker->ran.wait(lock, [&] { return m_worker->opened && m_worker->finished >= target; });
}

QString StoreThread::openError() const {
    std::lock_guard lock(m_worker->mutex);
    return m_worker->openError;
}

}  // namespace pagoda::store
