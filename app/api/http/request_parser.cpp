#include "app/api/http/request_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace pagoda::http {

namespace {

// RFC 9110 token characters: method and header names.
bool isTokenChar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isToken(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), isTokenChar); }

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c + 32);
    return out;
}

// A printable excerpt for messages: control bytes and long runs are not echoed back.
std::string excerpt(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 40)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    if (s.size() > 40) out += "...";
    return out;
}

// Calls `each` with every comma-separated element of a header value, trimmed.
template <class F>
void forEachListItem(std::string_view value, F each) {
    while (true) {
        const size_t comma = value.find(',');
        const std::string_view item = trimmed(value.substr(0, comma));
        if (!item.empty()) each(item);
        if (comma == std::string_view::npos) return;
        value.remove_prefix(comma + 1);
    }
}

}  // namespace

RequestParser::State RequestParser::fail(int status, std::string message) {
    m_error = {status, std::move(message)};
    m_phase = Phase::Done;
    m_buffer.clear();
    m_offset = m_scanFrom = 0;
    return State::Failed;
}

RequestParser::State RequestParser::next() {
    if (!m_error.message.empty()) return State::Failed;
    if (m_phase == Phase::Done) return State::Complete;
    if (m_phase == Phase::Head) {
        const State head = parseHead();
        if (head != State::HeadReady) return head;
    }
    const State body = parseBody();
    if (body == State::NeedMore && !m_headReported) {
        m_headReported = true;
        return State::HeadReady;
    }
    return body;
}

Request RequestParser::take() {
    Request request = std::move(m_request);
    m_request = {};
    m_phase = Phase::Head;
    m_expectContinue = m_headReported = false;
    m_trailerBytes = 0;
    compact();
    return request;
}

void RequestParser::compact() {
    // Drop consumed bytes once they are most of the buffer, so a long keep-alive connection
    // does not grow it and the cost stays linear in the bytes received.
    if (m_offset > 0 && m_offset * 2 >= m_buffer.size()) {
        m_buffer.erase(0, m_offset);
        m_scanFrom -= std::min(m_scanFrom, m_offset);
        m_offset = 0;
    }
}

RequestParser::State RequestParser::parseHead() {
    // Empty lines before a request line are tolerated (RFC 9112 §2.2), so a client's extra
    // CR LF after a body is harmless.
    while (m_offset < m_buffer.size() && (m_buffer[m_offset] == '\r' || m_buffer[m_offset] == '\n')) ++m_offset;
    m_scanFrom = std::max(m_scanFrom, m_offset);
    // The head ends at the first empty line; the scan resumes where the last one stopped.
    size_t end = std::string::npos;
    size_t bodyStart = 0;
    for (size_t nl = m_buffer.find('\n', m_scanFrom); nl != std::string::npos; nl = m_buffer.find('\n', nl + 1)) {
        if (nl + 1 < m_buffer.size() && m_buffer[nl + 1] == '\n') {
            end = nl, bodyStart = nl + 2;
            break;
        }
        if (nl + 2 < m_buffer.size() && m_buffer[nl + 1] == '\r' && m_buffer[nl + 2] == '\n') {
            end = nl, bodyStart = nl + 3;
            break;
        }
        m_scanFrom = nl;  // the candidate line after this newline has not fully arrived
    }
    if (end == std::string::npos) {
        m_scanFrom = std::max(m_scanFrom, m_buffer.size() > 2 ? m_buffer.size() - 2 : m_offset);
        if (buffered() > m_limits.maxHeadBytes) {
            const bool lineDone = m_buffer.find('\n', m_offset) != std::string::npos;
            return lineDone ? fail(431, fmt::format("the request head is larger than {} bytes", m_limits.maxHeadBytes))
                            : fail(414, fmt::format("the request line is longer than {} bytes", m_limits.maxHeadBytes));
        }
        return State::NeedMore;
    }
    if (end - m_offset > m_limits.maxHeadBytes)
        return fail(431, fmt::format("the request head is larger than {} bytes", m_limits.maxHeadBytes));

    const std::string_view head = std::string_view(m_buffer).substr(m_offset, end - m_offset);
    size_t lineStart = 0;
    bool first = true;
    while (lineStart <= head.size()) {
        size_t nl = head.find('\n', lineStart);
        if (nl == std::string_view::npos) nl = head.size();
        std::string_view line = head.substr(lineStart, nl - lineStart);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const std::optional<ParseError> error = first ? parseRequestLine(line) : parseHeaderLine(line);
        if (error) return fail(error->status, error->message);
        first = false;
        lineStart = nl + 1;
    }
    m_offset = m_scanFrom = bodyStart;
    if (const std::optional<ParseError> error = decideFraming()) return fail(error->status, error->message);
    return State::HeadReady;
}

std::optional<ParseError> RequestParser::parseRequestLine(std::string_view line) {
    const size_t sp1 = line.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
        return ParseError{400, fmt::format("malformed request line '{}': expected METHOD TARGET HTTP/1.1",
                                           excerpt(line))};
    const std::string_view method = line.substr(0, sp1);
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = line.substr(sp2 + 1);
    if (!isToken(method)) return ParseError{400, fmt::format("malformed method '{}'", excerpt(method))};
    if (version == "HTTP/1.1")
        m_request.minorVersion = 1;
    else if (version == "HTTP/1.0")
        m_request.minorVersion = 0;
    else if (version.starts_with("HTTP/") && version.size() == 8 && version[6] == '.')
        return ParseError{505, fmt::format("HTTP version {} is not supported; use HTTP/1.1", excerpt(version))};
    else
        return ParseError{400, fmt::format("malformed HTTP version '{}'", excerpt(version))};
    if (target.empty() || std::any_of(target.begin(), target.end(), [](char c) {
            return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
        }))
        return ParseError{400, "malformed request target"};
    std::string_view path = target;
    // The absolute form (what a proxy is sent) names the same resource as its path.
    if (const size_t scheme = path.find("://"); path.front() != '/' && scheme != std::string_view::npos) {
        const size_t slash = path.find('/', scheme + 3);
        path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
    }
    if (path.front() != '/' && !(path == "*" && method == "OPTIONS"))
        return ParseError{400, fmt::format("malformed request target '{}': expected a path", excerpt(target))};
    m_request.method = std::string(method);
    m_request.target = std::string(path);
    return std::nullopt;
}

std::optional<ParseError> RequestParser::parseHeaderLine(std::string_view line) {
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
        return ParseError{400, "folded header lines (obs-fold) are not accepted"};
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos)
        return ParseError{400, fmt::format("malformed header line '{}': no colon", excerpt(line))};
    const std::string_view name = line.substr(0, colon);
    if (!isToken(name)) return ParseError{400, fmt::format("malformed header name '{}'", excerpt(name))};
    const std::string_view value = trimmed(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) { return c == '\0' || c == '\r' || c == '\n'; }))
        return ParseError{400, fmt::format("header {} has a control character in its value", excerpt(name))};
    if (m_request.headers.size() >= m_limits.maxHeaderCount)
        return ParseError{431, fmt::format("the request has more than {} headers", m_limits.maxHeaderCount)};
    m_request.headers.emplace_back(std::string(name), std::string(value));
    return std::nullopt;
}

std::optional<ParseError> RequestParser::decideFraming() {
    std::optional<uint64_t> length;
    bool chunked = false;
    int hosts = 0;
    bool close = false, keepAlive = false;
    for (const auto& [name, value] : m_request.headers) {
        if (sameHeaderName(name, "Content-Length")) {
            std::optional<ParseError> bad;
            forEachListItem(value, [&](std::string_view item) {
                uint64_t n = 0;
                const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
                if (ec != std::errc() || end != item.data() + item.size() || item.size() > 18)
                    bad = ParseError{400, fmt::format("malformed Content-Length '{}'", excerpt(item))};
                else if (length && *length != n)
                    bad = ParseError{400, fmt::format("conflicting Content-Length values {} and {}", *length, n)};
                else
                    length = n;
            });
            if (value.empty()) bad = ParseError{400, "empty Content-Length"};
            if (bad) return bad;
        } else if (sameHeaderName(name, "Transfer-Encoding")) {
            std::optional<ParseError> bad;
            forEachListItem(value, [&](std::string_view item) {
                if (lowered(item) != "chunked" || chunked)
                    bad = ParseError{501, fmt::format("Transfer-Encoding '{}' is not supported; only chunked is",
                                                      excerpt(value))};
                chunked = true;
            });
            if (bad) return bad;
            if (!chunked) return ParseError{400, "empty Transfer-Encoding"};
        } else if (sameHeaderName(name, "Host")) {
            ++hosts;
        } else if (sameHeaderName(name, "Connection")) {
            forEachListItem(value, [&](std::string_view item) {
                const std::string token = lowered(item);
                close |= token == "close";
                keepAlive |= token == "keep-alive";
            });
        } else if (sameHeaderName(name, "Expect")) {
            if (lowered(value) != "100-continue")
                return ParseError{417, fmt::format("Expect '{}' is not supported", excerpt(value))};
            m_expectContinue = true;
        }
    }
    if (chunked && length)
        return ParseError{400, "the request has both Content-Length and Transfer-Encoding: chunked"};
    if (hosts > 1) return ParseError{400, "the request has more than one Host header"};
    if (hosts == 0 && m_request.minorVersion == 1) return ParseError{400, "an HTTP/1.1 request must have a Host header"};
    m_request.keepAlive = !close && (m_request.minorVersion == 1 || keepAlive);
    if (length && *length > m_limits.maxBodyBytes)
        return ParseError{413, fmt::format("the request body of {} bytes is larger than the {} bytes allowed", *length,
                                           m_limits.maxBodyBytes)};
    if (chunked) {
        m_phase = Phase::ChunkSize;
    } else {
        m_phase = Phase::FixedBody;
        m_remaining = length.value_or(0);
        m_request.body.reserve(size_t(m_remaining));
    }
    if (m_remaining == 0 && !chunked) m_expectContinue = false;
    return std::nullopt;
}

std::optional<std::string_view> RequestParser::takeLine(size_t limit, bool& tooLong) {
    const size_t nl = m_buffer.find('\n', m_offset);
    if (nl == std::string::npos) {
        tooLong = buffered() > limit;
        return std::nullopt;
    }
    std::string_view line = std::string_view(m_buffer).substr(m_offset, nl - m_offset);
    tooLong = line.size() > limit;
    m_offset = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

RequestParser::State RequestParser::parseBody() {
    constexpr size_t kChunkLineLimit = 4096;  // a size and its extensions
    while (true) {
        switch (m_phase) {
            case Phase::FixedBody:
            case Phase::ChunkData: {
                const size_t n = size_t(std::min<uint64_t>(m_remaining, buffered()));
                m_request.body.append(m_buffer, m_offset, n);
                m_offset += n;
                m_remaining -= n;
                if (m_remaining > 0) {
                    compact();
                    return State::NeedMore;
                }
                if (m_phase == Phase::FixedBody) {
                    m_phase = Phase::Done;
                    m_expectContinue = false;
                    return State::Complete;
                }
                m_phase = Phase::ChunkDataEnd;
                break;
            }
            case Phase::ChunkDataEnd: {
                bool tooLong = false;
                const std::optional<std::string_view> line = takeLine(2, tooLong);
                if (!line) return tooLong ? fail(400, "a chunk is longer than its size says") : State::NeedMore;
                if (!line->empty()) return fail(400, "a chunk is longer than its size says");
                m_phase = Phase::ChunkSize;
                break;
            }
            case Phase::ChunkSize: {
                bool tooLong = false;
                const std::optional<std::string_view> line = takeLine(kChunkLineLimit, tooLong);
                if (tooLong) return fail(400, "a chunk size line is too long");
                if (!line) return State::NeedMore;
                const std::string_view size = trimmed(line->substr(0, line->find(';')));
                uint64_t n = 0;
                const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), n, 16);
                if (size.empty() || size.size() > 15 || ec != std::errc() || end != size.data() + size.size())
                    return fail(400, fmt::format("malformed chunk size '{}'", excerpt(*line)));
                if (m_request.body.size() + n > m_limits.maxBodyBytes)
                    return fail(413, fmt::format("the request body is larger than the {} bytes allowed",
                                                 m_limits.maxBodyBytes));
                m_remaining = n;
                m_phase = n == 0 ? Phase::Trailer : Phase::ChunkData;
                break;
            }
            case Phase::Trailer: {
                bool tooLong = false;
                const size_t before = m_offset;
                const std::optional<std::string_view> line = takeLine(m_limits.maxHeadBytes, tooLong);
                if (tooLong || m_trailerBytes + (m_offset - before) > m_limits.maxHeadBytes)
                    return fail(431, "the trailer fields are too large");
                if (!line) return State::NeedMore;
                m_trailerBytes += m_offset - before;
                if (line->empty()) {  // trailer fields themselves are read and ignored
                    m_phase = Phase::Done;
                    m_expectContinue = false;
                    return State::Complete;
                }
                break;
            }
            case Phase::Done: return State::Complete;
            case Phase::Head: return State::NeedMore;
        }
    }
}

}  // namespace pagoda::http
