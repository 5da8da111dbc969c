// The HTTP/1.1 server under the API: accepts connections (up to ServerLimits::maxConnections;
// beyond it each is answered 503 and closed) and gives every request to one handler.
#pragma once

#include <QTcpServer>

#include "app/api/http/connection.h"
#include "app/api/http/responder.h"

namespace pagoda::http {

class Server : public QTcpServer {
    Q_OBJECT

public:
    Server(ServerLimits limits, Handler handler, ErrorResponse errorResponse, QObject* parent = nullptr);
    ~Server() override;

    int openConnections() const { return m_serving; }
    int maxConnections() const { return m_limits.maxConnections; }  // as the process's limits allow

protected:
    void incomingConnection(qintptr socket) override;

private:
    ServerLimits m_limits;
    Handler m_handler;
    ErrorResponse m_errorResponse;
    int m_serving = 0;    // connections being served
    int m_rejecting = 0;  // connections being told 503
};

}  // namespace pagoda::http
