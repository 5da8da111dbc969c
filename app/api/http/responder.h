// How a handler answers one request: a whole response, or a stream of chunks (SSE,
// NDJSON). It may be kept and answered later, from the same thread. Move-only; writes after
// the client has gone, or after the connection moved on, are dropped. A responder destroyed
// without answering answers 500, so no request is ever left hanging.
#pragma once

#include <QObject>
#include <QPointer>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "app/api/http/response.h"

namespace pagoda::http {

class Connection;

class Responder {
public:
    Responder() = default;
    Responder(Connection* connection, uint64_t sequence);
    Responder(Responder&& other) noexcept;
    Responder& operator=(Responder&& other) noexcept;
    Responder(const Responder&) = delete;
    Responder& operator=(const Responder&) = delete;
    ~Responder();

    // The client is still there and this request has not been answered in full.
    bool connected() const;
    void send(Response response);
    void beginStream(int status, const std::string& contentType, const HeaderList& headers = {});
    void sendChunk(std::string_view data);
    void endStream();
    // Runs `callback` (in `context`'s thread, once) if the client goes away before the answer
    // is complete.
    void onClientGone(QObject* context, std::function<void()> callback);

private:
    Connection* live() const;  // the connection, while this request is its current one
    void abandon();            // answers 500 if nothing was answered (or ends a stream)

    QPointer<Connection> m_connection;
    uint64_t m_sequence = 0;
};

}  // namespace pagoda::http
