// What the HTTP server allows a client: sizes, timeouts and connections. The defaults follow
// the servers people put in front of models (uvicorn under vLLM, Node, nginx), taking the
// safer value where they differ; README's API section lists them.
#pragma once

#include <cstddef>

#include "app/api/http/request_parser.h"

namespace pagoda::http {

struct ServerLimits {
    ParserLimits parser;
    int headTimeoutMs = 30'000;      // a request's head must arrive whole within this (slowloris)
    int bodyTimeoutMs = 30'000;      // a body may pause this long between pieces
    int keepAliveTimeoutMs = 5'000;  // an idle connection is closed after this (uvicorn's default)
    int maxConnections = 256;        // beyond it a connection is answered 503 and closed
    size_t maxPendingInputBytes = 1u << 20;  // pipelined bytes held while a request is answered
    size_t maxPendingOutputBytes = 16u << 20;  // unread answer bytes before a client counts as gone
};

}  // namespace pagoda::http
