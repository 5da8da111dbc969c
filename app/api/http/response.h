// A whole HTTP response as a handler or the transport writes it.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pagoda::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Response {
    int status = 200;
    std::string contentType;  // empty: no Content-Type (an empty body)
    std::string body;
    HeaderList headers;  // more headers: CORS, Allow, ...
};

// "OK", "Not Found", ...: the reason phrase of a status code.
const char* reasonPhrase(int status);

}  // namespace pagoda::http
