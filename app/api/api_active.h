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
    bool continuousUsage = false;  // stream_options.continuous_usage_stats: usage on every chunk
    bool returnTokenIds = false;   // vLLM's return_token_ids
    std::optional<int> echoTopLogprobs;  // completions echo with logprobs: top entries per prompt token
    int n = 1;
    size_t pendingEngineRequests = 0;
    HttpResponder responder;  // a whole answer at the end, or the stream's chunks as they come
    std::string method;
    QString path;
    http::HeaderList cors;  // the CORS headers every part of the answer carries
    QElapsedTimer timer;
    std::vector<std::string> echo;  // completions with echo: each prompt's text
    std::vector<std::vector<int32_t>> promptIds;  // each prompt's tokens, as the engine got them
    // Each prompt's prompt logprobs, once the engine sent them (prompt_logprobs or echo with logprobs).
    std::vector<std::optional<std::vector<PromptTokenLogprobs>>> promptLogprobs;
    ChatOutputOptions outputOptions;  // chat: how reasoning and tool calls are written
    struct Choice {
        std::unique_ptr<ChatOutputStream> parser;  // chat streams only: text deltas → message deltas
        std::string text;
        std::vector<int32_t> tokenIds;
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

    // A stream chunk's usage under continuous_usage_stats (vLLM: the prompt's tokens and the
    // choice's so far), else none.
    std::optional<Usage> streamUsage(int index, size_t completionTokens) const;
    // A stream chunk's token ids under return_token_ids, the prompt's with the choice's first.
    std::optional<StreamTokenIds> streamTokenIds(int index, std::optional<std::vector<int32_t>> newTokenIds,
                                                 bool first) const;
    // return_token_ids and prompt logprobs (with completions' echoed logprobs) of a whole answer's choice.
    void addVllmExtras(size_t index, const TokenTextFn& tokenText, ChoiceResult& result) const;

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
