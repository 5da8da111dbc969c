// One fixed pool of worker threads for every CPU kernel: threads are created once,
// never per operation, and the calling thread works alongside them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

namespace pagoda {

class ThreadPool {
public:
    // 0 means one thread per hardware core.
    explicit ThreadPool(size_t numThreads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    size_t size() const { return m_workers.size() + 1; }

    // Calls body(begin, end) over disjoint ranges covering [0, count) and returns when all
    // are done. Ranges are handed out dynamically so uneven work still balances.
    template <class Body>
    void parallelFor(size_t count, Body&& body) {
        if (count == 0) return;
        if (count == 1 || m_workers.empty()) {
            body(size_t(0), count);
            return;
        }
        run(count, [](void* ctx, size_t b, size_t e) { (*static_cast<Body*>(ctx))(b, e); },
            static_cast<void*>(&body));
    }

private:
    using Thunk = void (*)(void*, size_t, size_t);
    void run(size_t count, Thunk thunk, void* ctx);
    void workerLoop();
    void workOnCurrentJob();

    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::atomic<uint64_t> m_generation{0};  // written under m_mutex; read lock-free while spinning
    bool m_stopping = false;
    size_t m_activeWorkers = 0;  // workers inside workOnCurrentJob

    // The job being run; written under m_mutex before a generation bump.
    Thunk m_thunk = nullptr;
    void* m_ctx = nullptr;
    size_t m_count = 0;
    size_t m_chunkSize = 1;
    size_t m_numChunks = 0;
    std::atomic<size_t> m_nextChunk{0};
    std::atomic<size_t> m_chunksDone{0};
};

}  // namespace pagoda
