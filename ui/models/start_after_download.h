// "Download and start": waits for one download of the queue to finish, then loads the model
// it produced with the app's engine settings. Owned by the services object, not by a window,
// so closing the window that asked does not forget the promise; it deletes itself when done.
#pragma once

#include <QObject>

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class StartAfterDownload : public QObject {
    Q_OBJECT
public:
    // Call after enqueueing `key`. A download the queue already completed loads at once.
    static StartAfterDownload* watch(DesktopServices& services, const QString& key);

signals:
    // ok: the model is about to be loaded (the loader reports how that ends); otherwise why not.
    void done(bool ok, const QString& message);

private:
    StartAfterDownload(DesktopServices& services, const QString& key);
    void onFinished(const QString& key, bool ok, const QString& message, const QString& folder);
    void loadFolder(const QString& folder);

    DesktopServices& m_services;
    QString m_key;
};

}  // namespace pagoda::ui
