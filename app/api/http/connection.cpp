#include "app/api/http/connection.h"

#include <fmt/format.h>

#include <exception>

#include "app/api/http/responder.h"

namespace pagoda::http {

namespace {

constexpr size_t kReadSize = 64u << 10;
constexpr int kLingerMs = 2000;        // after the last answer, how long unread input is drained
constexpr int kProbeIntervalMs = 500;  // how often a half-closed client is checked for a reset

std::string statusLine(int status, bool http10) {
    return fmt::format("HTTP/1.{} {} {}\r\n", http10 ? 0 : 1, status, reasonPhrase(status));
}

std::string headerLines(const HeaderList& headers) {
    std::string out;
    for (const auto& [name, value] : headers) out += fmt::format("{}: {}\r\n", name, value);
    return out;
}

}  // namespace

const char* reasonPhrase(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 201: return "Created";
        case 204: return "No Content";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 413: return "Content Too Large";
        case 414: return "URI Too Long";
        case 417: return "Expectation Failed";
        case 421: return "Misdirected Request";
        case 422: return "Unprocessable Content";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        case 505: return "HTTP Version Not Supported";
        default: return status < 300 ? "OK" : status < 500 ? "Bad Request" : "Internal Server Error";
    }
}

Connection::Connection(SocketHandle socket, const ServerLimits& limits, const Handler& handler,
                       const ErrorResponse& errorResponse, QObject* parent)
    : QObject(parent),
      m_socket(socket),
      m_limits(limits),
      m_handler(handler),
      m_errorResponse(errorResponse),
      m_readNotifier(qintptr(socket), QSocketNotifier::Read),
      m_writeNotifier(qintptr(socket), QSocketNotifier::Write),
      m_parser(limits.parser) {
    makeNonBlocking(m_socket);
    m_writeNotifier.setEnabled(false);
    connect(&m_readNotifier, &QSocketNotifier::activated, this, &Connection::onReadable);
    connect(&m_writeNotifier, &QSocketNotifier::activated, this, &Connection::onWritable);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &Connection::onTimeout);
    m_probeTimer.setInterval(kProbeIntervalMs);
    connect(&m_probeTimer, &QTimer::timeout, this, &Connection::probeHalfClosedPeer);
}

void Connection::start(Mode mode) {
    if (mode == Mode::Reject) {
        writeTransportError(503, fmt::format("the server is busy: more than {} connections are open; try again later",
                                             m_limits.maxConnections));
        return;
    }
    armTimer(m_limits.keepAliveTimeoutMs);
}

Connection::~Connection() {
    m_readNotifier.setEnabled(false);
    m_writeNotifier.setEnabled(false);
    if (!m_closed) closeSocket(m_socket);
}

void Connection::armTimer(int ms) {
    if (ms > 0) m_timer.start(ms);
}

void Connection::onReadable() {
    char buffer[kReadSize];
    while (!m_closed) {
        // While an answer is being written, pipelined input is held only up to a bound; past
        // it reading pauses (TCP then slows the client down).
        if (m_busy && m_parser.buffered() >= m_limits.maxPendingInputBytes) {
            m_readNotifier.setEnabled(false);
            break;
        }
        const IoResult r = receiveSome(m_socket, buffer, sizeof buffer);
        if (r.status == IoStatus::WouldBlock) break;
        if (r.status == IoStatus::Failed) return clientGone();
        if (r.status == IoStatus::Closed) {
            m_readNotifier.setEnabled(false);
            m_peerDoneSending = true;
            if (m_lingering) return closeNow();
            if (m_busy) watchHalfClosedPeer();
            break;
        }
        if (m_lingering) continue;  // the answer is sent; what comes now is discarded
        m_parser.feed(std::string_view(buffer, r.bytes));
        if (m_parser.inBody()) armTimer(m_limits.bodyTimeoutMs);  // a body may pause, but not forever
    }
    if (!m_busy && !m_closing) processNext();
}

void Connection::processNext() {
    while (!m_busy && !m_closing && !m_closed) {
        switch (m_parser.next()) {
            case RequestParser::State::NeedMore:
                if (m_peerDoneSending) {  // nothing more will come
                    if (m_parser.midRequest()) return writeTransportError(400, "the request ended before it was complete");
                    return beginClosing();
                }
                if (!m_parser.midRequest()) {
                    armTimer(m_limits.keepAliveTimeoutMs);
                } else if (!m_parser.inBody()) {
                    // A head must arrive whole within its time, counted from its first byte.
                    if (!m_headTimerArmed || !m_timer.isActive()) armTimer(m_limits.headTimeoutMs);
                    m_headTimerArmed = true;
                } else if (!m_timer.isActive()) {
                    armTimer(m_limits.bodyTimeoutMs);
                }
                return;
            case RequestParser::State::HeadReady:
                armTimer(m_limits.bodyTimeoutMs);
                if (m_parser.expectsContinue() && m_parser.current().minorVersion == 1)
                    queue("HTTP/1.1 100 Continue\r\n\r\n");
                break;
            case RequestParser::State::Failed:
                return writeTransportError(m_parser.error().status, m_parser.error().message);
            case RequestParser::State::Complete:
                startRequest(m_parser.take());
                break;
        }
    }
}

void Connection::startRequest(Request request) {
    m_timer.stop();
    m_headTimerArmed = false;
    m_busy = true;
    m_responseStarted = m_streaming = m_probeSent = false;
    ++m_sequence;
    m_http10 = request.minorVersion == 0;
    m_headRequest = request.method == "HEAD";
    m_closeAfterResponse = !request.keepAlive;
    if (m_peerDoneSending) watchHalfClosedPeer();
    const uint64_t sequence = m_sequence;
    // No exception leaves a handler: one that escapes becomes a 500 (or, once the answer has
    // begun, the end of the connection), and the server goes on.
    try {
        m_handler(std::move(request), Responder(this, sequence));
    } catch (const std::exception& e) {
        if (m_busy && m_sequence == sequence) {
            if (m_responseStarted) return clientGone();
            writeWhole(m_errorResponse(500, fmt::format("internal error: {}", e.what())));
        }
    } catch (...) {
        if (m_busy && m_sequence == sequence) {
            if (m_responseStarted) return clientGone();
            writeWhole(m_errorResponse(500, "internal error"));
        }
    }
}

void Connection::watchHalfClosedPeer() {
    if (m_busy && !m_closed && !m_probeTimer.isActive()) m_probeTimer.start();
}

void Connection::probeHalfClosedPeer() {
    // A client that half-closed may still read the answer, or may have gone. Only a write
    // tells the two apart (a gone client answers it with a reset), so an HTTP/1.1 client
    // still waiting gets an interim 100 Continue, which every client must accept and skip
    // (RFC 9110 §15.2); from then on the socket is checked for the reset.
    if (!m_busy || m_closed) return m_probeTimer.stop();
    if (!m_responseStarted && !m_http10 && !m_probeSent) {
        m_probeSent = true;
        return queue("HTTP/1.1 100 Continue\r\n\r\n");
    }
    if (peerHasGone(m_socket)) clientGone();
}

bool Connection::lastAnswer() {
    // A client that half-closed gets answers to what it sent, then the connection ends.
    if (m_peerDoneSending && m_parser.buffered() == 0) m_closeAfterResponse = true;
    return m_closeAfterResponse;
}

void Connection::writeWhole(Response response) {
    if (!m_busy || m_responseStarted || m_closed) return;
    m_responseStarted = true;
    const bool close = lastAnswer();
    std::string head = statusLine(response.status, m_http10);
    if (!response.contentType.empty()) head += fmt::format("Content-Type: {}\r\n", response.contentType);
    head += fmt::format("Content-Length: {}\r\n", response.body.size());
    head += headerLines(response.headers);
    if (close) head += "Connection: close\r\n";
    else if (m_http10) head += "Connection: keep-alive\r\n";
    head += "\r\n";
    if (!m_headRequest) head += response.body;
    queue(std::move(head));
    finishResponse();
}

void Connection::writeStreamHead(int status, const std::string& contentType, const HeaderList& headers) {
    if (!m_busy || m_responseStarted || m_closed) return;
    m_responseStarted = m_streaming = true;
    // HTTP/1.0 has no chunks: the stream's end is the connection's.
    m_chunked = !m_http10;
    if (m_http10) m_closeAfterResponse = true;
    std::string head = statusLine(status, m_http10);
    head += fmt::format("Content-Type: {}\r\nCache-Control: no-cache\r\n", contentType);
    if (m_chunked) head += "Transfer-Encoding: chunked\r\n";
    head += headerLines(headers);
    if (lastAnswer()) head += "Connection: close\r\n";
    head += "\r\n";
    queue(std::move(head));
    if (m_headRequest) finishResponse();
}

void Connection::writeChunk(std::string_view data) {
    if (!m_busy || !m_streaming || m_closed || data.empty()) return;
    // A stream the client does not read piles up here; past the bound it counts as gone
    // (its generation is aborted). A whole answer is queued whatever its size.
    if (m_output.size() - m_outputOffset + data.size() > m_limits.maxPendingOutputBytes) return clientGone();
    queue(m_chunked ? fmt::format("{:x}\r\n{}\r\n", data.size(), data) : std::string(data));
}

void Connection::writeStreamEnd() {
    if (!m_busy || !m_streaming || m_closed) return;
    if (m_chunked) queue("0\r\n\r\n");
    finishResponse();
}

void Connection::setGoneCallback(QObject* context, std::function<void()> callback) {
    m_goneContext = context;
    m_goneCallback = std::move(callback);
}

void Connection::finishResponse() {
    m_busy = m_responseStarted = m_streaming = false;
    m_goneCallback = nullptr;
    m_probeTimer.stop();
    if (m_closeAfterResponse) return beginClosing();
    if (!m_peerDoneSending) m_readNotifier.setEnabled(true);  // reading may have paused on pipelined input
    // The next pipelined request is started from the event loop, not from inside the
    // handler that just answered, so answering synchronously never nests.
    QMetaObject::invokeMethod(this, &Connection::processNext, Qt::QueuedConnection);
}

void Connection::writeTransportError(int status, const std::string& message) {
    if (m_busy) return;  // only between requests; a handler's errors are its own
    m_busy = true;
    m_closeAfterResponse = true;
    // Known once the failing request's line has parsed; HTTP/1.1 until then.
    m_headRequest = m_parser.current().method == "HEAD";
    m_http10 = m_parser.current().minorVersion == 0;
    writeWhole(m_errorResponse(status, message));
}

void Connection::queue(std::string bytes) {
    if (m_closed) return;
    if (m_outputOffset > 0 && m_outputOffset * 2 >= m_output.size()) {
        m_output.erase(0, m_outputOffset);
        m_outputOffset = 0;
    }
    m_output += bytes;
    flush();
}

void Connection::flush() {
    while (!m_closed && m_outputOffset < m_output.size()) {
        const IoResult r = sendSome(m_socket, m_output.data() + m_outputOffset, m_output.size() - m_outputOffset);
        if (r.status == IoStatus::WouldBlock) {
            m_writeNotifier.setEnabled(true);
            return;
        }
        if (r.status != IoStatus::Done) return clientGone();
        m_outputOffset += r.bytes;
    }
    if (m_closed) return;
    m_writeNotifier.setEnabled(false);
    m_output.clear();
    m_outputOffset = 0;
    if (m_closing && !m_lingering) {
        // Everything is written: half-close, then drain what the client still sends until it
        // closes too, so unread input does not turn our close into a reset that could
        // destroy the answer in flight.
        m_lingering = true;
        shutdownWriting(m_socket);
        if (m_peerDoneSending) return closeNow();
        m_readNotifier.setEnabled(true);
        m_timer.start(kLingerMs);
    }
}

void Connection::onWritable() { flush(); }

void Connection::beginClosing() {
    m_closing = true;
    m_timer.stop();
    flush();
}

void Connection::onTimeout() {
    if (m_lingering) return closeNow();
    if (m_busy) return;
    if (!m_parser.midRequest()) return closeNow();  // idle keep-alive connection
    writeTransportError(408, m_parser.inBody() ? "the request body stopped arriving"
                                               : "the request head did not arrive in time");
}

void Connection::clientGone() {
    if (m_closed) return;
    std::function<void()> callback = std::move(m_goneCallback);
    const QPointer<QObject> context = m_goneContext;
    m_goneCallback = nullptr;
    closeNow();
    if (callback && context) callback();
}

void Connection::closeNow() {
    if (m_closed) return;
    m_closed = true;
    m_busy = false;
    m_readNotifier.setEnabled(false);
    m_writeNotifier.setEnabled(false);
    m_timer.stop();
    m_probeTimer.stop();
    closeSocket(m_socket);
    emit finished();
}

}  // namespace pagoda::http
