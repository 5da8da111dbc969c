// What ApiServer keeps about one request while the engine answers it. Private to app/api.
#pragma once

#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/api/api_server.h"
#include "app/api/chunked_stream.h"
#include "engine/chat/chat_output_parser.h"

namespace pagoda {

struct ApiServer::Active {
    enum class Dialect { OpenAi, Ollama };
    Dialect dialect = Dialect::OpenAi;
    bool chat = true;  // chat messages, or a raw prompt (completions / generate)
    std::string responseId;
    std::string model;
    int64_t created = 0;
    bool stream = false;
    bool includeUsage = false;
    bool logprobs = false;
    int n = 1;
    size_t pendingEngineRequests = 0;
    std::optional<QHttpServerResponder> responder;  // non-streaming answers
    std::unique_ptr<ChunkedStream> sse;                 // streaming answers
    QHttpServerRequest::Method method{};
    QString path;
    QElapsedTimer timer;
    std::vector<std::string> echo;  // completions with echo: each prompt's text
    ChatOutputOptions outputOptions;  // chat: how reasoning and tool calls are written
    struct Choice {
        std::unique_ptr<ChatOutputStream> parser;  // chat streams: text deltas → message deltas
        std::string text;
        std::vector<SampleResult> logprobs;
        std::optional<FinishReason> finish;
        nlohmann::ordered_json stopReason;
        bool started = false;  // its first chunk was sent
    };
    std::vector<Choice> choices;
    Usage usage;
};

// vLLM's context checks before generating, with its wording: the prompt must leave room,
// and a requested token count (named `param` in the error) must fit; fills params.maxTokens.
std::optional<ApiError> fitContext(size_t promptTokens, std::optional<int> requested, const char* param,
                                   int maxModelLen, SamplingParams& params);

}  // namespace pagoda
