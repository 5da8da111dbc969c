// A streamed HTTP/1.1 response over Qt 6.4's QHttpServerResponder, which has no chunked
// writer: the status line and headers go first, then each piece (an SSE event, an NDJSON
// line) as a hand-framed chunk, then the terminating chunk (checked to work on 6.4:
// ../shared/research/qt64-httpserver.md).
#pragma once

#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpSocket>

#include <utility>

namespace pagoda {

class ChunkedStream {
public:
    ChunkedStream(QHttpServerResponder&& responder, const QByteArray& contentType,
                  QList<QPair<QByteArray, QByteArray>> extraHeaders = {})
        : m_responder(std::move(responder)), m_socket(m_responder.socket()) {
        m_responder.writeStatusLine(QHttpServerResponder::StatusCode::Ok);
        m_responder.writeHeader("Content-Type", contentType);
        m_responder.writeHeader("Cache-Control", "no-cache");
        m_responder.writeHeader("Transfer-Encoding", "chunked");
        for (const auto& [key, value] : extraHeaders) m_responder.writeHeader(key, value);
    }

    // False once the client has gone: nothing more is written then.
    bool connected() const { return m_socket && m_socket->state() == QAbstractSocket::ConnectedState; }
    QTcpSocket* socket() const { return m_socket.data(); }

    void send(const QByteArray& data) {
        if (!connected() || m_closed || data.isEmpty()) return;
        m_responder.writeBody(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
    }
    void close() {
        if (!connected() || m_closed) return;
        m_closed = true;
        m_responder.writeBody(QByteArray("0\r\n\r\n"));
    }

private:
    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    bool m_closed = false;
};

}  // namespace pagoda
