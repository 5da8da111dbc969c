#include "app/api/http/server.h"

#include <QTimer>

namespace pagoda::http {

Server::Server(ServerLimits limits, Handler handler, ErrorResponse errorResponse, QObject* parent)
    : QTcpServer(parent),
      m_limits(limits),
      m_handler(std::move(handler)),
      m_errorResponse(std::move(errorResponse)) {
    m_limits.maxConnections = connectionsTheProcessCanHold(m_limits.maxConnections);
    // QTcpServer stops accepting after an error it does not call temporary (no descriptors
    // left, say); a moment later it tries again rather than going deaf for good.
    connect(this, &QTcpServer::acceptError, this, [this] {
        QTimer::singleShot(100, this, [this] { resumeAccepting(); });
    });
}

Server::~Server() {
    close();
    // Connections are children: they close their sockets as they go, before the handler
    // and limits they refer to.
    const auto children = findChildren<Connection*>(Qt::FindDirectChildrenOnly);
    for (Connection* connection : children) delete connection;
}

void Server::incomingConnection(qintptr socket) {
    const bool full = m_serving >= m_limits.maxConnections;
    // Telling a client "busy" costs a socket for a moment; past as many again, new ones are
    // closed at once, so a flood cannot use up the process's file descriptors.
    if (full && m_rejecting >= m_limits.maxConnections) {
        closeSocket(SocketHandle(socket));
        return;
    }
    int& count = full ? m_rejecting : m_serving;
    ++count;
    auto* connection = new Connection(SocketHandle(socket), m_limits, m_handler, m_errorResponse, this);
    connect(connection, &Connection::finished, this, [connection, &count] {
        --count;
        connection->deleteLater();
    });
    connection->start(full ? Connection::Mode::Reject : Connection::Mode::Serve);
}

}  // namespace pagoda::http
