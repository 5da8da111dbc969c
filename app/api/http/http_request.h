// One parsed HTTP/1.x request, as the connection hands it to a handler. Plain C++, so the
// parser that makes it can be tested and fuzzed without sockets.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pagoda::http {

// Header names compare without regard to case (RFC 9110 §5.1).
inline bool sameHeaderName(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return (x >= 'A' && x <= 'Z' ? char(x + 32) : x) == (y >= 'A' && y <= 'Z' ? char(y + 32) : y);
           });
}

struct Request {
    std::string method;  // as sent: "GET", "POST", ... (methods are case-sensitive)
    std::string target;  // the request target: path and query
    int minorVersion = 1;  // HTTP/1.<minorVersion>
    std::vector<std::pair<std::string, std::string>> headers;  // in order, values trimmed
    std::string body;     // de-chunked
    bool keepAlive = true;  // what the client asked for: HTTP/1.1 unless "close", 1.0 only with "keep-alive"

    // The path without the query string.
    std::string_view path() const {
        const std::string_view t = target;
        return t.substr(0, t.find('?'));
    }
    // The first header of that name, or empty.
    std::string_view header(std::string_view name) const {
        for (const auto& [key, value] : headers)
            if (sameHeaderName(key, name)) return value;
        return {};
    }
    bool hasHeader(std::string_view name) const {
        return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return sameHeaderName(h.first, name); });
    }
};

}  // namespace pagoda::http
