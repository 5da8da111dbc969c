// What ApiServer keeps about one request while the engine answers it. Private to app/api.
#pragma once

#include <QElapsedTimer>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/api/api_server.h"
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
    HttpResponder responder;  // a whole answer at the end, or the stream's chunks as they come
    std::string method;
    QString path;
    http::HeaderList cors;  // the CORS headers every part of the answer carries
    QElapsedTimer timer;
    std::vector<std::string> echo;  // completions with echo: each prompt's text
    ChatOutputOptions outputOptions;  // chat: how reasoning and tool calls are written
    struct Choice {
        std::unique_ptr<ChatOutputStream> parser;  // chat streams only: text deltas → message deltas
        std::string text;
        std::vector<SampleResult> logprobs;
        std::optional<FinishReason> finish;
        nlohmann::ordered_json stopReason;
        bool started = false;  // its first chunk was sent

        // The message delta one engine output makes; the last output also flushes what the
        // parser held back.
        ChatOutputDelta parse(const CompletionOutput& output) {
            ChatOutputDelta delta = parser->push(output.newText);
            if (output.finishReason) {
                const ChatOutputDelta rest = parser->finish();
                delta.content += rest.content;
                delta.reasoning += rest.reasoning;
                delta.toolCalls.insert(delta.toolCalls.end(), rest.toolCalls.begin(), rest.toolCalls.end());
            }
            return delta;
        }
    };
    std::vector<Choice> choices;
    Usage usage;

};

// The function names of a request's tools (null or an array of {"function": {"name"}}).
inline std::vector<std::string> toolNames(const nlohmann::ordered_json& tools) {
    std::vector<std::string> names;
    if (tools.is_array())
        for (const auto& tool : tools) names.push_back(tool["function"].value("name", ""));
    return names;
}

// vLLM's context checks before generating, with its wording: the prompt must leave room,
// and a requested token count (named `param` in the error) must fit; fills params.maxTokens.
std::optional<ApiError> fitContext(size_t promptTokens, std::optional<int> requested, const char* param,
                                   int maxModelLen, SamplingParams& params);

}  // namespace pagoda
