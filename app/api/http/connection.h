// One client connection: reads requests with RequestParser and hands them to the handler
// one at a time, so pipelined requests are answered in the order they came; honours
// Connection: close and HTTP/1.0; enforces the head, body and keep-alive timeouts and the
// limits of ServerLimits; answers after a client half-closes its side; notices a client
// that has gone and says so, so its generation can be aborted.
#pragma once

#include <QObject>
#include <QPointer>
#include <QSocketNotifier>
#include <QTimer>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "app/api/http/native_socket.h"
#include "app/api/http/request_parser.h"
#include "app/api/http/response.h"
#include "app/api/http/server_limits.h"

namespace pagoda::http {

class Responder;

using Handler = std::function<void(Request, Responder)>;
// How the transport's own answers (400, 408, 413, 431, 500, 503, ...) are written.
using ErrorResponse = std::function<Response(int status, const std::string& message)>;

class Connection : public QObject {
    Q_OBJECT

public:
    enum class Mode { Serve, Reject };  // Reject: answer 503 at once (too many connections)

    Connection(SocketHandle socket, const ServerLimits& limits, const Handler& handler,
               const ErrorResponse& errorResponse, QObject* parent);
    ~Connection() override;
    void start(Mode mode);  // once its finished() is connected

    // For Responder: the request being answered, and the ways to answer it.
    uint64_t currentSequence() const { return m_busy ? m_sequence : 0; }
    bool responseStarted() const { return m_responseStarted; }
    void writeWhole(Response response);
    void writeStreamHead(int status, const std::string& contentType, const HeaderList& headers);
    void writeChunk(std::string_view data);
    void writeStreamEnd();
    void setGoneCallback(QObject* context, std::function<void()> callback);

signals:
    void finished();  // the socket is closed; the server deletes the connection

private:
    void onReadable();
    void onWritable();
    void onTimeout();
    void processNext();
    void startRequest(Request request);
    void finishResponse();
    bool lastAnswer();  // whether this answer ends the connection (and says so)
    void writeTransportError(int status, const std::string& message);  // then closes
    void queue(std::string bytes);
    void flush();
    void beginClosing();  // after the last answer: drain, half-close, linger, close
    void clientGone();    // reset, failed, or too slow to read: abort what it asked for
    void closeNow();
    void armTimer(int ms);
    void watchHalfClosedPeer();
    void probeHalfClosedPeer();

    SocketHandle m_socket;
    const ServerLimits& m_limits;
    const Handler& m_handler;
    const ErrorResponse& m_errorResponse;
    QSocketNotifier m_readNotifier;
    QSocketNotifier m_writeNotifier;
    QTimer m_timer;
    QTimer m_probeTimer;  // after a half-close: checks whether the client is still there
    RequestParser m_parser;
    std::string m_output;
    size_t m_outputOffset = 0;

    uint64_t m_sequence = 0;        // of the request being answered (counts from 1)
    bool m_busy = false;            // a request is being answered
    bool m_responseStarted = false;
    bool m_streaming = false;
    bool m_chunked = false;         // the stream is framed in chunks (HTTP/1.1)
    bool m_headRequest = false;     // HEAD: headers only
    bool m_http10 = false;
    bool m_closeAfterResponse = false;
    bool m_peerDoneSending = false;  // the client half-closed (or closed) its side
    bool m_closing = false;          // no more requests: drain the output, then close
    bool m_lingering = false;        // written and half-closed: discarding input until EOF
    bool m_closed = false;
    bool m_headTimerArmed = false;
    bool m_probeSent = false;
    QPointer<QObject> m_goneContext;
    std::function<void()> m_goneCallback;
};

}  // namespace pagoda::http
