// One desktop window per user and data folder: the first launch listens on a local socket,
// a second launch asks it to come to the front and exits.
#pragma once

#include <QLocalServer>
#include <QObject>

#include <memory>

namespace pagoda {

class SingleInstance : public QObject {
    Q_OBJECT
public:
    // The socket name is derived from the user and the data folder, so tests with their own
    // XDG folders never meet each other or the user's running app.
    explicit SingleInstance(QObject* parent = nullptr);

    // True: this process is the first and now listens. False: another instance has been
    // told to come to the front; this one should exit. waitForPreviousMs > 0 (a restart):
    // an instance still listening is the one quitting to make room, so wait up to that long
    // for it to let go before handing over to it.
    bool claim(int waitForPreviousMs = 0);
    static QString socketName();

signals:
    void activationRequested();

private:
    std::unique_ptr<QLocalServer> m_server;
};

}  // namespace pagoda
