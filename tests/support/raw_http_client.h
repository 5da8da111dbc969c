// A blocking HTTP client on a plain socket, for tests that must control every byte:
// pipelining, half-closes, slow or malformed heads. Reads wait at most test::kPatienceMs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace pagoda::test {

struct RawResponse {
    int status = 0;
    std::string version;                       // "HTTP/1.1"
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;                          // de-chunked
    bool chunked = false;
    std::string header(const std::string& lowerName) const {
        const auto it = headers.find(lowerName);
        return it == headers.end() ? std::string() : it->second;
    }
};

class RawHttpClient {
public:
    explicit RawHttpClient(uint16_t port);  // connects to 127.0.0.1:port
    ~RawHttpClient();
    RawHttpClient(const RawHttpClient&) = delete;
    RawHttpClient& operator=(const RawHttpClient&) = delete;

    bool connected() const { return m_fd >= 0; }
    bool send(std::string_view bytes);  // false if the server has gone
    void shutdownWriting();
    void close();
    // The next response; interim 1xx answers are skipped unless `keepInterim`. A response
    // to HEAD has no body: say so. Status 0: the connection ended first.
    RawResponse readResponse(bool headRequest = false, bool keepInterim = false);
    // True when the server closed the connection (reads end) within the patience.
    bool closedByServer();
    // Something (bytes, or the end) is waiting to be read, without waiting.
    bool hasInput() const;
    std::string_view buffered() const { return m_buffer; }

private:
    bool fill();  // reads more; false at the end of the stream or on a timeout
    bool readUntil(std::string_view marker, size_t& at);
    bool readBytes(size_t n);

    int m_fd = -1;
    std::string m_buffer;
};

}  // namespace pagoda::test
