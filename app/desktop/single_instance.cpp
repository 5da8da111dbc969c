#include "app/desktop/single_instance.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QLocalSocket>
#include <QStandardPaths>
#include <QThread>

namespace pagoda {

namespace {

constexpr int kConnectTimeoutMs = 500;
constexpr int kRetryMs = 50;
const char kActivate[] = "activate\n";

}  // namespace

SingleInstance::SingleInstance(QObject* parent) : QObject(parent) {}

QString SingleInstance::socketName() {
    const QString scope = qEnvironmentVariable("USER") + '|' +
                          QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return "pagoda-" + QString::fromLatin1(QCryptographicHash::hash(scope.toUtf8(), QCryptographicHash::Sha1).toHex().left(16));
}

namespace {

// Something listens on the socket: a running instance (connected and left at once, unasked).
bool listening(const QString& name) {
    QLocalSocket socket;
    socket.connectToServer(name);
    return socket.waitForConnected(kConnectTimeoutMs);
}

}  // namespace

bool SingleInstance::claim(int waitForPreviousMs) {
    const QString name = socketName();
    // Before any window exists, so blocking here stalls nothing on screen.
    const QDeadlineTimer deadline(waitForPreviousMs);
    while (waitForPreviousMs > 0 && !deadline.hasExpired() && listening(name)) QThread::msleep(kRetryMs);
    {
        QLocalSocket socket;
        socket.connectToServer(name);
        if (socket.waitForConnected(kConnectTimeoutMs)) {
            socket.write(kActivate);
            socket.waitForBytesWritten(kConnectTimeoutMs);
            return false;
        }
    }
    // Nobody answered: a socket file left by a crashed instance must not keep us out.
    QLocalServer::removeServer(name);
    m_server = std::make_unique<QLocalServer>();
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(name)) return true;  // still run; a second launch then opens a second window
    connect(m_server.get(), &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket* socket = m_server->nextPendingConnection()) {
            connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
                if (socket->readAll().startsWith("activate")) emit activationRequested();
                socket->disconnectFromServer();
            });
            connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        }
    });
    return true;
}

}  // namespace pagoda
