#include "ui/models/start_after_download.h"

#include <QTimer>

#include "app/desktop/desktop_services.h"
#include "ui/background.h"

namespace pagoda::ui {

StartAfterDownload* StartAfterDownload::watch(DesktopServices& services, const QString& key) {
    auto* watcher = new StartAfterDownload(services, key);
    for (const auto& p : services.downloads().downloads())
        if (p.key == key && p.state == hub::DownloadState::Completed) {
            // Queued so the caller can connect to done() first.
            QTimer::singleShot(0, watcher, [watcher, folder = p.folder] { watcher->loadFolder(folder); });
            return watcher;
        }
    connect(&services.downloads(), &hub::DownloadQueue::finished, watcher, &StartAfterDownload::onFinished);
    return watcher;
}

StartAfterDownload::StartAfterDownload(DesktopServices& services, const QString& key)
    : QObject(&services), m_services(services), m_key(key) {}

void StartAfterDownload::onFinished(const QString& key, bool ok, const QString& message, const QString& folder) {
    if (key != m_key) return;
    disconnect(&m_services.downloads(), nullptr, this, nullptr);
    if (!ok) {
        emit done(false, message);
        deleteLater();
        return;
    }
    loadFolder(folder);
}

void StartAfterDownload::loadFolder(const QString& folder) {
    // The library inspects the folder (headers of every shard): disk work, off the GUI thread.
    runInBackground(this, [library = m_services.library(), folder] { return library.find(folder); },
                    [this, folder](std::optional<hub::LocalModel> model) {
                        if (!model) {
                            emit done(false, tr("The downloaded model is not in the library: %1").arg(folder));
                        } else {
                            emit done(true, {});  // first, so listeners can watch the loader
                            m_services.loader().load(*model, m_services.settings().engine());
                        }
                        deleteLater();
                    });
}

}  // namespace pagoda::ui
