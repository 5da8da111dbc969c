#include "tests/support/raw_http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "tests/support/patience.h"

namespace pagoda::test {

RawHttpClient::RawHttpClient(uint16_t port) {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval patience{kPatienceMs / 1000, 0};
    setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &patience, sizeof patience);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) close();
}

RawHttpClient::~RawHttpClient() { close(); }

void RawHttpClient::close() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
}

bool RawHttpClient::send(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(size_t(n));
    }
    return true;
}

void RawHttpClient::shutdownWriting() { ::shutdown(m_fd, SHUT_WR); }

bool RawHttpClient::fill() {
    char chunk[65536];
    while (true) {
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        m_buffer.append(chunk, size_t(n));
        return true;
    }
}

bool RawHttpClient::readUntil(std::string_view marker, size_t& at) {
    while ((at = m_buffer.find(marker)) == std::string::npos)
        if (!fill()) return false;
    return true;
}

bool RawHttpClient::readBytes(size_t n) {
    while (m_buffer.size() < n)
        if (!fill()) return false;
    return true;
}

bool RawHttpClient::closedByServer() {
    while (fill()) {
    }
    char probe;
    return ::recv(m_fd, &probe, 1, MSG_DONTWAIT) == 0;
}

bool RawHttpClient::hasInput() const {
    char probe;
    return !m_buffer.empty() || ::recv(m_fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
}

RawResponse RawHttpClient::readResponse(bool headRequest, bool keepInterim) {
    while (true) {
        RawResponse r;
        size_t end = 0;
        if (!readUntil("\r\n\r\n", end)) return r;
        const std::string head = m_buffer.substr(0, end);
        m_buffer.erase(0, end + 4);
        size_t lineEnd = head.find("\r\n");
        const std::string statusLine = head.substr(0, lineEnd);
        r.version = statusLine.substr(0, statusLine.find(' '));
        r.status = std::atoi(statusLine.c_str() + r.version.size() + 1);
        while (lineEnd != std::string::npos) {
            const size_t start = lineEnd + 2;
            lineEnd = head.find("\r\n", start);
            const std::string line = head.substr(start, lineEnd == std::string::npos ? std::string::npos : lineEnd - start);
            const size_t colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string name = line.substr(0, colon);
            for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
            r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
        }
        if (r.status >= 100 && r.status < 200) {
            if (keepInterim) return r;
            continue;
        }
        if (headRequest) return r;
        if (r.header("transfer-encoding") == "chunked") {
            r.chunked = true;
            while (true) {
                size_t sizeEnd = 0;
                if (!readUntil("\r\n", sizeEnd)) return r;
                const size_t size = std::strtoul(m_buffer.c_str(), nullptr, 16);
                m_buffer.erase(0, sizeEnd + 2);
                if (!readBytes(size + 2)) return r;
                r.body += m_buffer.substr(0, size);
                m_buffer.erase(0, size + 2);
                if (size == 0) return r;
            }
        }
        if (!r.header("content-length").empty()) {
            const size_t length = std::strtoul(r.header("content-length").c_str(), nullptr, 10);
            if (!readBytes(length)) return r;
            r.body = m_buffer.substr(0, length);
            m_buffer.erase(0, length);
            return r;
        }
        while (fill()) {  // neither: the body runs to the end of the connection
        }
        r.body = std::move(m_buffer);
        m_buffer.clear();
        return r;
    }
}

}  // namespace pagoda::test
