// The conversation store on a worker thread of its own, so SQLite never blocks the GUI.
// Writes are posted and forgotten (they run in order); reads come back as a queued call on
// the receiver's thread. Destruction finishes every posted write before it returns.
#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <mutex>

#include "app/store/conversation_store.h"

namespace pagoda::store {

class StoreThread {
public:
    // Opens the database on the worker; an open error is reported by openError() after
    // the first flush, and every later job is skipped.
    explicit StoreThread(QString path = ConversationStore::defaultPath());
    ~StoreThread();

    // Runs job on the worker thread, after every job posted before it.
    void post(std::function<void(ConversationStore&)> job);

    // Runs query on the worker, then done(result) on receiver's thread (skipped if the
    // receiver is gone by then).
    template <class T>
    void fetch(std::function<T(ConversationStore&)> query, QObject* receiver, std::function<void(T)> done) {
        // A QPointer cannot be read safely from the worker while the GUI thread deletes the
        // receiver; this flag can: `destroyed` (a direct call, on the deleting thread) clears it
        // under the same lock the worker holds while posting. Qt drops events posted to an
        // object that is then deleted.
        struct Guard {
            std::mutex mutex;
            bool alive = true;
            QMetaObject::Connection watch;
        };
        auto guard = std::make_shared<Guard>();
        guard->watch = QObject::connect(receiver, &QObject::destroyed, [guard] {
            std::lock_guard lock(guard->mutex);
            guard->alive = false;
        });
        post([query = std::move(query), receiver, guard, done = std::move(done)](ConversationStore& store) mutable {
            auto result = std::make_shared<T>(query(store));
            std::lock_guard lock(guard->mutex);
            if (!guard->alive) return;
            QMetaObject::invokeMethod(
                receiver,
                [guard, result, done] {
                    QObject::disconnect(guard->watch);
                    done(std::move(*result));
                },
                Qt::QueuedConnection);
        });
    }

    // Blocks until every job posted so far has run (tests, shutdown).
    void flush();
    QString openError() const;

private:
    struct Worker;
    std::unique_ptr<Worker> m_worker;
};

}  // namespace pagoda::store
