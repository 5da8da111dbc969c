// An incremental HTTP/1.0 and 1.1 request parser with limits. Bytes are fed as they arrive;
// next() yields one request at a time, so a connection can answer pipelined requests in
// order. Everything it refuses is an HTTP status and a message saying what and where:
// a head too large or with too many headers, a body larger than allowed (known from
// Content-Length before any of it is read), conflicting framing (two different lengths, a
// length and chunked together: the ingredients of request smuggling), malformed chunks.
// Plain C++, so the tests and the fuzzer drive it without sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/api/http/http_request.h"

namespace pagoda::http {

struct ParserLimits {
    size_t maxHeadBytes = 64u << 10;     // request line and headers together
    size_t maxHeaderCount = 100;
    size_t maxBodyBytes = 32u << 20;
};

struct ParseError {
    int status = 400;  // 400, 413, 414, 417, 431, 501 or 505
    std::string message;
};

class RequestParser {
public:
    enum class State {
        NeedMore,    // nothing complete yet
        HeadReady,   // the head of the next request is parsed and its body is still to come
        Complete,    // take() returns the request
        Failed,      // error() says why; the connection cannot be used further
    };

    explicit RequestParser(ParserLimits limits = {}) : m_limits(limits) {}

    void feed(std::string_view bytes) { m_buffer.append(bytes); }
    // Advances over what has been fed. HeadReady is reported once per request, so the
    // caller can answer "Expect: 100-continue"; call again as more bytes arrive.
    State next();
    Request take();  // after Complete; the parser moves on to the next request
    const ParseError& error() const { return m_error; }

    // The head parsed so far (valid from HeadReady on): its method, target and headers.
    const Request& current() const { return m_request; }
    // The client sent "Expect: 100-continue" and the body has not arrived.
    bool expectsContinue() const { return m_expectContinue; }
    // Bytes held that belong to requests not yet taken (pipelined, or a body arriving).
    size_t buffered() const { return m_buffer.size() - m_offset; }
    // Any byte of a request not yet complete has arrived (for timeouts: a head in progress).
    bool midRequest() const { return m_phase != Phase::Head || buffered() > 0; }
    bool inBody() const { return m_phase != Phase::Head; }

private:
    enum class Phase { Head, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailer, Done };

    State fail(int status, std::string message);
    State parseHead();
    std::optional<ParseError> parseRequestLine(std::string_view line);
    std::optional<ParseError> parseHeaderLine(std::string_view line);
    std::optional<ParseError> decideFraming();
    State parseBody();
    // The next line (without its CR LF or bare LF) from m_offset, or nothing yet.
    std::optional<std::string_view> takeLine(size_t limit, bool& tooLong);
    void compact();

    ParserLimits m_limits;
    std::string m_buffer;
    size_t m_offset = 0;     // start of unconsumed bytes
    size_t m_scanFrom = 0;   // where the search for the head's end resumes (keeps parsing linear)
    Phase m_phase = Phase::Head;
    Request m_request;
    uint64_t m_remaining = 0;  // bytes left of a fixed body or of the current chunk
    size_t m_trailerBytes = 0;
    bool m_expectContinue = false;
    bool m_headReported = false;
    ParseError m_error;
};

}  // namespace pagoda::http
