// Blocking hub and disk calls for the pages: run on the global pool, the answer handed back
// on the GUI thread, and dropped when the widget that asked is gone by then. The work must
// capture values only (a copied ModelLibrary, an endpoint), never the widget.
#pragma once

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>

#include <utility>

namespace pagoda::ui {

template <class Work, class Done>
void runInBackground(QObject* receiver, Work work, Done done) {
    QPointer<QObject> guard(receiver);
    QThreadPool::globalInstance()->start([guard, work = std::move(work), done = std::move(done)]() mutable {
        auto result = work();
        // Posted to the application object, which outlives every page, so the guard is
        // checked on the GUI thread where the receiver is deleted.
        QMetaObject::invokeMethod(
            qApp, [guard, done, result = std::move(result)]() mutable {
                if (guard) done(std::move(result));
            },
            Qt::QueuedConnection);
    });
}

}  // namespace pagoda::ui
