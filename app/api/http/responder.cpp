#include "app/api/http/responder.h"

#include "app/api/http/connection.h"

#include <exception>

namespace pagoda::http {

Responder::Responder(Connection* connection, uint64_t sequence) : m_connection(connection), m_sequence(sequence) {}

Responder::Responder(Responder&& other) noexcept
    : m_connection(std::move(other.m_connection)), m_sequence(std::exchange(other.m_sequence, 0)) {
    other.m_connection = nullptr;
}

Responder& Responder::operator=(Responder&& other) noexcept {
    if (this != &other) {
        abandon();
        m_connection = std::move(other.m_connection);
        m_sequence = std::exchange(other.m_sequence, 0);
        other.m_connection = nullptr;
    }
    return *this;
}

Responder::~Responder() { abandon(); }

void Responder::abandon() {
    // Dropped without a word: the client still gets an answer and the connection goes on.
    // (While an exception unwinds, the connection answers with what it says.)
    if (std::uncaught_exceptions() > 0) return;
    if (Connection* c = live()) {
        if (c->responseStarted())
            c->writeStreamEnd();
        else
            c->writeWhole({500, "text/plain", "the server dropped this request without answering\n", {}});
    }
}

Connection* Responder::live() const {
    Connection* c = m_connection.data();
    return c && m_sequence != 0 && c->currentSequence() == m_sequence ? c : nullptr;
}

bool Responder::connected() const { return live() != nullptr; }

void Responder::send(Response response) {
    if (Connection* c = live()) c->writeWhole(std::move(response));
}

void Responder::beginStream(int status, const std::string& contentType, const HeaderList& headers) {
    if (Connection* c = live()) c->writeStreamHead(status, contentType, headers);
}

void Responder::sendChunk(std::string_view data) {
    if (Connection* c = live()) c->writeChunk(data);
}

void Responder::endStream() {
    if (Connection* c = live()) c->writeStreamEnd();
}

void Responder::onClientGone(QObject* context, std::function<void()> callback) {
    if (Connection* c = live()) c->setGoneCallback(context, std::move(callback));
}

}  // namespace pagoda::http
