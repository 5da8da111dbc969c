// The OpenAI wire format without a server: every malformed body gets the right status, type
// and param; good bodies become the right engine values; responses and chunks are vLLM's
// JSON byte for byte.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "app/api/openai_extensions.h"
#include "app/api/openai_protocol.h"
#include "app/api/structured_output_fields.h"
#include "tests/support/tokenizer_fixture.h"
#include "tests/app/openai_protocol_cases.h"
#include "tests/app/structured_output_cases.h"

using namespace pagoda;
using Json = nlohmann::ordered_json;

namespace {

constexpr size_t kLimit = 1 << 20;

// JSON written with ' for " so it fits in an ordinary string literal (moc misreads raw
// string literals in a Q_OBJECT file); the JSON here has no ' of its own.
std::string js(std::string text) {
    std::replace(text.begin(), text.end(), '\'', '"');
    return text;
}

// Runs one body through the layer the case names; nullopt when everything accepted it.
std::optional<ApiError> firstError(openai_cases::Endpoint endpoint, const std::string& bytes, size_t limit = kLimit) {
    auto body = parseJsonBody(bytes, limit);
    if (!body) return body.error();
    if (endpoint == openai_cases::Endpoint::Chat) {
        auto request = parseChatCompletionRequest(*body, SamplingParams{});
        if (!request) return request.error();
    } else if (endpoint == openai_cases::Endpoint::Completions) {
        auto request = parseCompletionRequest(*body, SamplingParams{});
        if (!request) return request.error();
    }
    return std::nullopt;
}

ChatCompletionRequest chatOk(const std::string& bytes, const SamplingParams& defaults = {}) {
    auto body = parseJsonBody(bytes, kLimit);
    if (!body) qFatal("body refused: %s", body.error().message.c_str());
    auto request = parseChatCompletionRequest(*body, defaults);
    if (!request) qFatal("chat request refused: %s", request.error().message.c_str());
    return std::move(request).value();
}

CompletionRequest completionOk(const std::string& bytes, const SamplingParams& defaults = {}) {
    auto body = parseJsonBody(bytes, kLimit);
    if (!body) qFatal("body refused: %s", body.error().message.c_str());
    auto request = parseCompletionRequest(*body, defaults);
    if (!request) qFatal("completion request refused: %s", request.error().message.c_str());
    return std::move(request).value();
}

// Equal as text: the same fields with the same values in the same order.
void compareJson(const Json& actual, const std::string& expected) {
    QCOMPARE(QString::fromStdString(dumpJson(actual)), QString::fromStdString(dumpJson(Json::parse(expected))));
}

std::string tokenText(int32_t token) {
    switch (token) {
        case 1:
            return "Hi";
        case 2:
            return "\xe4\xbd";  // the first two bytes of a three-byte character
        case 3:
            return "\xc3\xa9";  // é
        case 4:
            return " w";
        case 5:
            return "orld";
        case 6:
            return "x";
        default:
            return "?";
    }
}

}  // namespace

class OpenAiProtocolTest : public QObject {
    Q_OBJECT

private slots:
    void malformedRequestsAreRefusedWithStatusTypeAndParam_data() {
        QTest::addColumn<int>("index");
        const auto cases = openai_cases::malformedCases();
        for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name) << int(i);
    }
    void malformedRequestsAreRefusedWithStatusTypeAndParam() {
        QFETCH(int, index);
        const auto c = openai_cases::malformedCases()[size_t(index)];
        const auto error = firstError(c.endpoint, c.body);
        QVERIFY2(error, "the body was accepted");
        QCOMPARE(error->status, c.status);
        QCOMPARE(QString::fromStdString(error->type), QString(c.type));
        QCOMPARE(error->param.has_value(), c.param != nullptr);
        if (c.param) QCOMPARE(QString::fromStdString(*error->param), QString(c.param));
        QVERIFY2(error->message.find(c.message) != std::string::npos, error->message.c_str());
    }

    void deepNestingIsRefusedBeforeParsing() {
        for (const std::string open : {"[", "{\"a\":"}) {
            std::string deep;
            for (int i = 0; i < 100000; ++i) deep += open;
            const auto error = firstError(openai_cases::Endpoint::Body, deep, 10 * kLimit);
            QVERIFY(error);
            QCOMPARE(error->status, 400);
            QVERIFY2(error->message.find("more than 64 levels deep (at byte offset") != std::string::npos,
                     error->message.c_str());
        }
        // 64 levels, counting the top-level object, are fine; brackets inside strings do not count.
        const std::string ok =
            "{\"a\": " + std::string(63, '[') + std::string(63, ']') + ", \"s\": \"[[[[{{{{\\\"[[\"}";
        QVERIFY(parseJsonBody(ok, kLimit).ok());
    }

    // Each member is a linear search of its object in ordered_json, so 100k keys (1 MB)
    // froze the server for 13 s: members are counted before parsing. The check is a count,
    // so it cannot be slow; the refusal names the limit and where it was passed.
    void objectsWithTooManyMembersAreRefusedBeforeParsing() {
        auto object = [](size_t keys, const std::string& prefix = "k") {
            std::string text = "{";
            for (size_t i = 0; i < keys; ++i) text += (i ? ",\"" : "\"") + prefix + std::to_string(i) + "\":1";
            return text + "}";
        };
        const auto wide = firstError(openai_cases::Endpoint::Body, object(100000), 10 * kLimit);
        QVERIFY(wide);
        QCOMPARE(wide->status, 400);
        QVERIFY2(wide->message.find("an object with more than 1024 members (at byte offset") != std::string::npos,
                 wide->message.c_str());
        QVERIFY(parseJsonBody(object(1024), kLimit).ok());
        // Many objects of 1000 members: the total is bounded too.
        std::string many = "{\"a\":[";
        for (int i = 0; i < 70; ++i) many += (i ? "," : "") + object(1000);
        const auto total = firstError(openai_cases::Endpoint::Body, many + "]}", 10 * kLimit);
        QVERIFY(total);
        QVERIFY2(total->message.find("more than 65536 object members in all") != std::string::npos, total->message.c_str());
        // Colons in strings and in arrays are not members.
        QVERIFY(parseJsonBody("{\"s\": \"" + std::string(5000, ':') + "\", \"a\": [\":\", \":\"]}", kLimit).ok());
        // logit_bias at the limit, with keys that repeat a token: the later wins, in linear time.
        std::string bias = "'logit_bias': {";
        for (int i = 0; i < 1023; ++i) bias += (i ? ", '" : "'") + std::to_string(i % 500) + "': " + std::to_string(i % 7);
        const auto request = chatOk(openai_cases::chat(js(bias + "}")));
        QCOMPARE(request.params.logitBias.size(), size_t(500));
        QCOMPARE(request.params.logitBias[22].second, float(1022 % 7));  // keys 22, 522 and 1022: the last wins
    }

    // 2000 prompts × n = 16 were accepted: 32000 sequences for one request.
    void promptsPerCompletionRequestAreCapped() {
        std::string prompts = "\"prompt\": [";
        for (int i = 0; i < 2000; ++i) prompts += (i ? ",\"p" : "\"p") + std::to_string(i) + "\"";
        const auto tooMany = firstError(openai_cases::Endpoint::Completions,
                                        R"({"model": "m", )" + prompts + "]}");
        QVERIFY(tooMany);
        QCOMPARE(tooMany->status, 400);
        QCOMPARE(QString::fromStdString(*tooMany->param), QString("prompt"));
        QVERIFY2(tooMany->message.find("2000 prompts; at most 1024") != std::string::npos, tooMany->message.c_str());
        std::string some = "\"prompt\": [";
        for (int i = 0; i < 100; ++i) some += (i ? ",\"p" : "\"p") + std::to_string(i) + "\"";
        const auto sequences = firstError(openai_cases::Endpoint::Completions, R"({"model": "m", )" + some + R"(], "n": 16})");
        QVERIFY(sequences);
        QCOMPARE(QString::fromStdString(*sequences->param), QString("n"));
        QVERIFY2(sequences->message.find("make 1600 sequences") != std::string::npos, sequences->message.c_str());
        QVERIFY(!firstError(openai_cases::Endpoint::Completions, R"({"model": "m", )" + some + R"(], "n": 10})"));
    }

    void bodiesUpToTheLimitAreAcceptedAndLargerOnesAre413() {
        const size_t limit = 11 * 1000 * 1000;
        const std::string big(10 * 1000 * 1000, 'x');
        const std::string body = openai_cases::chatWithMessage("{\"role\": \"user\", \"content\": \"" + big + "\"}");
        auto parsed = parseJsonBody(body, limit);
        QVERIFY(parsed.ok());
        auto request = parseChatCompletionRequest(*parsed, SamplingParams{});
        QVERIFY(request.ok());
        QCOMPARE(request->messages[0]["content"].get_ref<const std::string&>().size(), big.size());

        auto tooBig = parseJsonBody(body, body.size() - 1);
        QVERIFY(!tooBig.ok());
        QCOMPARE(tooBig.error().status, 413);
        QCOMPARE(QString::fromStdString(tooBig.error().type), QString("RequestEntityTooLargeError"));
        QVERIFY(!tooBig.error().param);
        QCOMPARE(parseJsonBody(body, body.size()).ok(), true);
    }

    void unknownFieldsAreIgnored() {
        const auto request = chatOk(openai_cases::chat(
            js("'frobnicate': {'x': [1, 2]}, 'user': 'u', 'metadata': {'k': 'v'}, 'parallel_tool_calls': false")));
        QCOMPARE(request.model, std::string("m"));
        const auto completion = completionOk(openai_cases::completion(js("'best_of': 3, 'user': 7")));
        QCOMPARE(completion.prompts, std::vector<std::string>{"hi"});
    }

    void nullMeansAbsent() {
        const auto request =
            chatOk(openai_cases::chat(js("'temperature': null, 'max_tokens': null, 'stop': null, 'tools': null, "
                                         "'tool_choice': null, 'n': null, 'stream': null, 'logprobs': null")));
        QCOMPARE(request.params.temperature, 1.0f);
        QVERIFY(!request.maxTokens);
        QVERIFY(request.tools.is_null());
        QCOMPARE(request.toolChoice, Json("none"));
        QVERIFY(!request.params.logprobs);
    }

    void generationConfigDefaultsApplyAndTheRequestOverrides() {
        SamplingParams defaults;
        defaults.temperature = 0.7f;
        defaults.topP = 0.8f;
        defaults.topK = 20;
        defaults.repetitionPenalty = 1.05f;
        defaults.stopTokenIds = {151645};

        const auto plain = chatOk(openai_cases::chat(""), defaults);
        QCOMPARE(plain.params.temperature, 0.7f);
        QCOMPARE(plain.params.topP, 0.8f);
        QCOMPARE(plain.params.topK, 20);
        QCOMPARE(plain.params.repetitionPenalty, 1.05f);
        QCOMPARE(plain.params.stopTokenIds, std::vector<int32_t>{151645});

        const auto overridden =
            chatOk(openai_cases::chat(
                       js("'temperature': 0, 'top_k': -1, 'min_p': 0.1, 'seed': -3, 'stop_token_ids': [7, 151645], "
                          "'presence_penalty': 1.5, 'frequency_penalty': -0.5, 'n': 3, 'ignore_eos': true, "
                          "'min_tokens': 2, 'skip_special_tokens': false, 'include_stop_str_in_output': true")),
                   defaults);
        QCOMPARE(overridden.params.temperature, 0.0f);
        QVERIFY(overridden.params.greedy());
        QCOMPARE(overridden.params.topP, 0.8f);  // not in the request: the default stays
        QCOMPARE(overridden.params.topK, -1);
        QCOMPARE(overridden.params.minP, 0.1f);
        QCOMPARE(*overridden.params.seed, uint64_t(-3));
        QCOMPARE(overridden.params.stopTokenIds, (std::vector<int32_t>{7, 151645}));
        QCOMPARE(overridden.params.presencePenalty, 1.5f);
        QCOMPARE(overridden.params.frequencyPenalty, -0.5f);
        QCOMPARE(overridden.params.n, 3);
        QVERIFY(overridden.params.ignoreEos);
        QCOMPARE(overridden.params.minTokens, 2);
        QVERIFY(!overridden.params.skipSpecialTokens);
        QVERIFY(overridden.params.includeStopStrInOutput);
        QVERIFY(overridden.params.validate(200000).ok());

        const auto merged = chatOk(openai_cases::chat(js("'stop_token_ids': [7]")), defaults);
        QCOMPARE(merged.params.stopTokenIds, (std::vector<int32_t>{7, 151645}));

        const auto completion = completionOk(openai_cases::completion(js("'top_p': 0.5")), defaults);
        QCOMPARE(completion.params.temperature, 0.7f);
        QCOMPARE(completion.params.topP, 0.5f);
    }

    void maxCompletionTokensBeatsMaxTokens() {
        QCOMPARE(*chatOk(openai_cases::chat(js("'max_tokens': 30, 'max_completion_tokens': 50"))).maxTokens, 50);
        QCOMPARE(chatOk(openai_cases::chat(js("'max_tokens': 30, 'max_completion_tokens': 50"))).params.maxTokens, 50);
        QCOMPARE(*chatOk(openai_cases::chat(js("'max_tokens': 30"))).maxTokens, 30);
        QCOMPARE(*chatOk(openai_cases::chat(js("'max_tokens': 30, 'max_completion_tokens': null"))).maxTokens, 30);
        QCOMPARE(*chatOk(openai_cases::chat(js("'max_tokens': 30.0"))).maxTokens, 30);  // a whole decimal is an integer
        QVERIFY(!chatOk(openai_cases::chat("")).maxTokens);

        QCOMPARE(*completionOk(openai_cases::completion("")).maxTokens, 16);
        QCOMPARE(completionOk(openai_cases::completion("")).params.maxTokens, 16);
        QCOMPARE(*completionOk(openai_cases::completion(js("'max_tokens': null"))).maxTokens, 16);
        QCOMPARE(*completionOk(openai_cases::completion(js("'max_tokens': 5"))).maxTokens, 5);
        QCOMPARE(completionOk(openai_cases::completion(js("'max_tokens': 5"))).params.maxTokens, 5);
    }

    void stopIsAStringOrAList() {
        QCOMPARE(chatOk(openai_cases::chat(js("'stop': '###'"))).params.stop, std::vector<std::string>{"###"});
        QCOMPARE(chatOk(openai_cases::chat(js("'stop': ['a', '\\n\\n', 'b']"))).params.stop,
                 (std::vector<std::string>{"a", "\n\n", "b"}));
        QCOMPARE(chatOk(openai_cases::chat(js("'stop': []"))).params.stop, std::vector<std::string>{});
    }

    void logitBiasKeysAreTokenIds() {
        const auto request =
            chatOk(openai_cases::chat(js("'logit_bias': {'50256': -100, '7': 2.5, '07': 1, '0': 100}")));
        // By token id, "07" replacing "7" (the later wins, as in vLLM's dict).
        const std::vector<std::pair<int32_t, float>> expected{{0, 100.0f}, {7, 1.0f}, {50256, -100.0f}};
        QCOMPARE(request.params.logitBias, expected);
    }

    void logprobsAndTopLogprobs() {
        QCOMPARE(*chatOk(openai_cases::chat(js("'logprobs': true, 'top_logprobs': 3"))).params.logprobs, 3);
        QCOMPARE(*chatOk(openai_cases::chat(js("'logprobs': true"))).params.logprobs, 0);
        QVERIFY(chatOk(openai_cases::chat(js("'logprobs': true"))).logprobs);
        QVERIFY(!chatOk(openai_cases::chat(js("'logprobs': false, 'top_logprobs': 0"))).params.logprobs);
        SamplingParams defaults;
        defaults.logprobs = 4;  // a request that does not ask for logprobs gets none
        QVERIFY(!chatOk(openai_cases::chat(""), defaults).params.logprobs);
        QCOMPARE(*completionOk(openai_cases::completion(js("'logprobs': 2"))).params.logprobs, 2);
        QCOMPARE(*completionOk(openai_cases::completion(js("'logprobs': 0"))).logprobs, 0);
        QVERIFY(!completionOk(openai_cases::completion("")).params.logprobs);
    }

    void vllmExtensionFieldsBecomeEngineValues() {
        QCOMPARE(*chatOk(openai_cases::chat(js("'prompt_logprobs': 3"))).params.promptLogprobs, 3);
        QVERIFY(!chatOk(openai_cases::chat("")).params.promptLogprobs);
        QCOMPARE(*completionOk(openai_cases::completion(js("'prompt_logprobs': 0"))).params.promptLogprobs, 0);
        // echo with logprobs needs the prompt's logprobs: as many top entries as logprobs asks,
        // unless prompt_logprobs says otherwise (vLLM's rule).
        QCOMPARE(*completionOk(openai_cases::completion(js("'echo': true, 'logprobs': 2"))).params.promptLogprobs, 2);
        QCOMPARE(*completionOk(openai_cases::completion(js("'echo': true, 'logprobs': 2, 'prompt_logprobs': 4")))
                      .params.promptLogprobs,
                 4);
        QVERIFY(!completionOk(openai_cases::completion(js("'echo': true"))).params.promptLogprobs);
        // In a stream, only prompt_logprobs 0 (nothing to send) and echo's own are allowed.
        QVERIFY(completionOk(openai_cases::completion(js("'prompt_logprobs': 0, 'stream': true"))).stream);
        QCOMPARE(*completionOk(openai_cases::completion(js("'echo': true, 'logprobs': 1, 'stream': true")))
                      .params.promptLogprobs,
                 1);
        QVERIFY(chatOk(openai_cases::chat(js("'return_token_ids': true"))).vllm.returnTokenIds);
        QVERIFY(!completionOk(openai_cases::completion("")).vllm.returnTokenIds);
        QCOMPARE(*completionOk(openai_cases::completion(js("'truncate_prompt_tokens': -1"))).vllm.truncatePromptTokens, -1);
        QCOMPARE(*chatOk(openai_cases::chat(js("'truncate_prompt_tokens': 7"))).vllm.truncatePromptTokens, 7);
    }

    void truncatePromptKeepsTheLastTokens() {
        std::vector<int32_t> ids{1, 2, 3, 4, 5, 6};
        QVERIFY(!openai::truncatePrompt(ids, std::nullopt, 8, 2, "max_tokens"));
        QCOMPARE(ids.size(), size_t(6));
        QVERIFY(!openai::truncatePrompt(ids, 4, 8, 2, "max_tokens"));
        QCOMPARE(ids, (std::vector<int32_t>{3, 4, 5, 6}));
        QVERIFY(!openai::truncatePrompt(ids, 10, 100, std::nullopt, "max_tokens"));  // shorter already: unchanged
        QCOMPARE(ids.size(), size_t(4));
        std::vector<int32_t> full{1, 2, 3, 4, 5, 6, 7, 8, 9};
        QVERIFY(!openai::truncatePrompt(full, -1, 8, 3, "max_tokens"));  // -1: what leaves room for max_tokens
        QCOMPARE(full, (std::vector<int32_t>{5, 6, 7, 8, 9}));
        std::vector<int32_t> noMax{1, 2, 3, 4, 5, 6, 7, 8, 9};
        QVERIFY(!openai::truncatePrompt(noMax, -1, 8, std::nullopt, "max_tokens"));  // room for one token
        QCOMPARE(noMax.size(), size_t(7));
        QCOMPARE(openai::truncatePrompt(noMax, 0, 8, 2, "max_tokens")->param.value(), std::string("truncate_prompt_tokens"));
        QCOMPARE(noMax.size(), size_t(7));
        const auto error = openai::truncatePrompt(noMax, 7, 8, 2, "max_completion_tokens");
        QVERIFY(error);
        QCOMPARE(error->param.value(), std::string("truncate_prompt_tokens"));
        QCOMPARE(error->message, std::string("truncate_prompt_tokens=7 cannot be greater than max_model_len - "
                                             "max_completion_tokens = 6. Please request a smaller truncation size."));
    }

    void promptLogprobsAreVllmsShape() {
        // Prompt "Hi world": token 4 ranked 2nd behind 6; token 5 is the best and also the top entry.
        const std::vector<PromptTokenLogprobs> entries{
            {4, -1.5f, 2, {{6, -0.5f}, {4, -1.5f}}},
            {5, -0.25f, 1, {{5, -0.25f}, {1, -std::numeric_limits<float>::infinity()}}}};
        compareJson(openai::promptLogprobsJson(entries, tokenText),
                    js("[null, "
                       "{'4': {'logprob': -1.5, 'rank': 2, 'decoded_token': ' w'}, "
                       "'6': {'logprob': -0.5, 'rank': 1, 'decoded_token': 'x'}}, "
                       "{'5': {'logprob': -0.25, 'rank': 1, 'decoded_token': 'orld'}, "
                       "'1': {'logprob': -9999.0, 'rank': 2, 'decoded_token': 'Hi'}}]"));
        compareJson(openai::promptLogprobsJson({}, tokenText), "[null]");  // a one-token prompt
    }

    void echoedLogprobsPutThePromptFirstWithANullStart() {
        const std::vector<PromptTokenLogprobs> entries{{4, -1.5f, 2, {{6, -0.5f}, {4, -1.5f}}},
                                                       {5, -0.25f, 1, {{5, -0.25f}, {1, -3.0f}}}};
        const Json logprobs = openai::echoedCompletionLogprobs({1, 4, 5}, entries, 1, {{6, -2.0f, {{6, -2.0f}}}},
                                                               tokenText, 0);
        compareJson(logprobs,
                    js("{'text_offset': [0, 2, 4, 8], 'token_logprobs': [null, -1.5, -0.25, -2.0], "
                       "'tokens': ['Hi', ' w', 'orld', 'x'], "
                       "'top_logprobs': [null, {' w': -1.5, 'x': -0.5}, {'orld': -0.25}, {'x': -2.0}]}"));
    }

    void returnTokenIdsInResponsesAndChunks() {
        ChoiceResult choice;
        choice.content = "x";
        choice.tokenIds = Json::array({6});
        choice.promptTokenIds = Json::array({1, 4});
        const Json completion = completionResponse("cmpl-1", 5, "m", {choice}, Usage{2, 1, 0}, tokenText);
        compareJson(completion["choices"][0]["token_ids"], "[6]");
        compareJson(completion["choices"][0]["prompt_token_ids"], "[1, 4]");
        const Json chat = chatCompletionResponse("chatcmpl-1", 5, "m", {choice}, Usage{2, 1, 0}, tokenText);
        compareJson(chat["choices"][0]["token_ids"], "[6]");
        compareJson(chat["prompt_token_ids"], "[1, 4]");  // chat: at the response level

        compareJson(completionChunk("cmpl-1", 5, "m", 0, "x", std::nullopt, nullptr, nullptr, std::nullopt,
                                    StreamTokenIds{std::vector<int32_t>{6}, std::vector<int32_t>{1, 4}}),
                    js("{'id': 'cmpl-1', 'object': 'text_completion', 'created': 5, 'model': 'm', 'choices': "
                       "[{'index': 0, 'text': 'x', 'logprobs': null, 'finish_reason': null, 'stop_reason': null, "
                       "'prompt_token_ids': [1, 4], 'token_ids': [6]}]}"));
        compareJson(chatCompletionChunk("chatcmpl-1", 5, "m", 0, chatDelta(std::string("x")), std::nullopt, nullptr,
                                        nullptr, Usage{2, 1, 0}, StreamTokenIds{std::vector<int32_t>{6}, std::vector<int32_t>{1, 4}}),
                    js("{'id': 'chatcmpl-1', 'object': 'chat.completion.chunk', 'created': 5, 'model': 'm', "
                       "'choices': [{'index': 0, 'delta': {'content': 'x'}, 'logprobs': null, 'finish_reason': null, "
                       "'token_ids': [6]}], 'usage': {'prompt_tokens': 2, 'total_tokens': 3, 'completion_tokens': 1}, "
                       "'prompt_token_ids': [1, 4]}"));
    }

    void messagesAreNormalizedForTheTemplate() {
        const auto request = chatOk(openai_cases::kNormalizedMessagesIn);
        compareJson(request.messages, openai_cases::kNormalizedMessagesOut);
    }

    void toolChoiceDefaultsFollowOpenAi() {
        QCOMPARE(chatOk(openai_cases::chat("")).toolChoice, Json("none"));
        const auto withTools = chatOk(openai_cases::chat(openai_cases::kTools));
        QCOMPARE(withTools.toolChoice, Json("auto"));
        QCOMPARE(withTools.tools.size(), size_t(1));
        QCOMPARE(chatOk(openai_cases::chat(openai_cases::kTools + js(", 'tool_choice': 'required'"))).toolChoice,
                 Json("required"));
        QCOMPARE(chatOk(openai_cases::chat(js("'tool_choice': 'none'"))).toolChoice, Json("none"));
        const auto named = chatOk(openai_cases::chat(
            openai_cases::kTools + js(", 'tool_choice': {'function': {'name': 'get_weather'}, 'extra': 1}")));
        compareJson(named.toolChoice, js("{'type': 'function', 'function': {'name': 'get_weather'}}"));
    }

    void templateOptions() {
        const auto plain = chatOk(openai_cases::chat(""));
        QVERIFY(plain.addGenerationPrompt);
        QVERIFY(!plain.continueFinalMessage);
        QCOMPARE(plain.chatTemplateKwargs, Json::object());
        const auto prefill = chatOk(openai_cases::chat(js("'continue_final_message': true")));
        QVERIFY(prefill.continueFinalMessage);
        QVERIFY(!prefill.addGenerationPrompt);
        const auto kwargs = chatOk(openai_cases::chat(js("'chat_template_kwargs': {'enable_thinking': false}")));
        compareJson(kwargs.chatTemplateKwargs, js("{'enable_thinking': false}"));
        QVERIFY(!chatOk(openai_cases::chat(js("'add_generation_prompt': false"))).addGenerationPrompt);
    }

    void streamOptions() {
        QVERIFY(!chatOk(openai_cases::chat(js("'stream': true"))).includeUsage);
        QVERIFY(chatOk(openai_cases::chat(js("'stream': true, 'stream_options': {}"))).includeUsage);  // vLLM's default
        QVERIFY(
            chatOk(openai_cases::chat(js("'stream': true, 'stream_options': {'include_usage': true}"))).includeUsage);
        QVERIFY(
            !chatOk(openai_cases::chat(js("'stream': true, 'stream_options': {'include_usage': false}"))).includeUsage);
        const auto continuous = chatOk(openai_cases::chat(
            js("'stream': true, 'stream_options': {'include_usage': true, 'continuous_usage_stats': true}")));
        QVERIFY(continuous.continuousUsageStats);
        const auto notStreaming = chatOk(openai_cases::chat(js("'stream': false, 'stream_options': {}")));
        QVERIFY(!notStreaming.stream);
        QVERIFY(!notStreaming.includeUsage);
        QVERIFY(completionOk(openai_cases::completion(js("'stream': true, 'stream_options': {'include_usage': true}")))
                    .includeUsage);
        QVERIFY(chatOk(openai_cases::chat(js("'response_format': {'type': 'text'}"))).messages.is_array());
    }

    void completionPromptShapes() {
        QCOMPARE(completionOk(js("{'prompt': 'a'}")).prompts, std::vector<std::string>{"a"});
        QCOMPARE(completionOk(js("{'prompt': ['a', 'b']}")).prompts, (std::vector<std::string>{"a", "b"}));
        const auto ids = completionOk(js("{'prompt': [1, 2, 3]}"));
        QVERIFY(ids.prompts.empty());
        QCOMPARE(ids.promptIds, (std::vector<std::vector<int32_t>>{{1, 2, 3}}));
        QCOMPARE(completionOk(js("{'prompt': [[1], [2, 3]]}")).promptIds,
                 (std::vector<std::vector<int32_t>>{{1}, {2, 3}}));
        QVERIFY(completionOk(js("{'prompt': 'a', 'echo': true}")).echo);
        QVERIFY(completionOk(js("{'prompt': 'a'}")).model.empty());
    }

    void errorBodiesHaveVllmsShape() {
        compareJson(errorBody(badRequest("bad n", "n")),
                    js("{'error': {'message': 'bad n', 'type': 'BadRequestError', 'param': 'n', 'code': 400}}"));
        compareJson(errorBody(modelNotFound("gpt-4")), js("{'error': {'message': 'The model `gpt-4` does not exist.', "
                                                          "'type': 'NotFoundError', 'param': 'model', 'code': 404}}"));
        const ApiError denied = unauthorized();
        QCOMPARE(denied.status, 401);
        QCOMPARE(QString::fromStdString(denied.type), QString("AuthenticationError"));
        QVERIFY(errorBody(denied)["error"]["param"].is_null());
        QCOMPARE(serviceUnavailable("x").status, 503);
        QCOMPARE(QString::fromStdString(internalError("x").type), QString("InternalServerError"));
        QCOMPARE(QString::fromStdString(maxTokensTooLarge(8000, 4096, 2778, "max_tokens").message),
                 QString("'max_tokens' or 'max_completion_tokens' is too large: 8000. This model's maximum context "
                         "length is 4096 tokens and your request has 2778 input tokens (8000 > 4096 - 2778)."));
        QCOMPARE(QString::fromStdString(*maxTokensTooLarge(8000, 4096, 2778, "max_completion_tokens").param),
                 QString("max_completion_tokens"));
        QCOMPARE(promptTooLong(4096, 5000).status, 400);
    }

    void chatResponseIsVllmsJson() {
        ChoiceResult choice;
        choice.content = "Hello! How can I help?";
        Usage usage{21, 9, 0};
        compareJson(
            chatCompletionResponse("chatcmpl-3f0c", 1735689600, "Qwen/Qwen2.5-7B-Instruct", {choice}, usage, tokenText),
            openai_cases::kChatResponse);
    }

    void chatResponseWithToolCallsReasoningAndLogprobs() {
        ChoiceResult tools;
        tools.index = 0;
        tools.reasoning = "Need the weather.";
        tools.toolCalls = {{"call_1", "get_weather", "{\"city\": \"Paris\"}"}};
        tools.finishReason = "tool_calls";
        ChoiceResult text;
        text.index = 1;
        text.content = "Hi";
        text.stopReason = "###";
        text.logprobs =
            std::vector<SampleResult>{{1, -0.5f, {{1, -0.5f}, {2, -std::numeric_limits<float>::infinity()}}}};
        compareJson(chatCompletionResponse("chatcmpl-1", 7, "m", {tools, text}, Usage{10, 4, 8}, tokenText),
                    openai_cases::kChatResponseWithToolsAndLogprobs);
    }

    void chatStreamIsVllmsEventSequence() {
        const std::string id = "chatcmpl-3f0c", model = "Qwen/Qwen2.5-7B-Instruct";
        const int64_t created = 1735689600;
        const std::vector<std::string> events{
            sseEvent(chatCompletionChunk(id, created, model, 0, roleDelta(), std::nullopt, nullptr, nullptr)),
            sseEvent(chatCompletionChunk(id, created, model, 0, chatDelta("Hello"), std::nullopt, nullptr, nullptr)),
            sseEvent(chatCompletionChunk(id, created, model, 0, chatDelta("!"), "stop", nullptr, nullptr)),
            sseEvent(usageChunk(id, created, model, Usage{21, 9, 0}, true)),
            std::string(kSseDone),
        };
        QCOMPARE(events, openai_cases::chatStreamEvents());
    }

    void chatDeltasCarryReasoningAndToolCalls() {
        compareJson(chatDelta(std::nullopt, "hmm"), js("{'reasoning': 'hmm', 'reasoning_content': 'hmm'}"));
        compareJson(chatDelta(std::nullopt, std::nullopt,
                              {{0, "call_1", "get_weather", ""}, {0, std::nullopt, std::nullopt, "{\"city\""}}),
                    openai_cases::kToolCallDeltas);
        // Continuous usage and logprobs ride on the chunk.
        const Json chunk = chatCompletionChunk("c", 1, "m", 2, chatDelta("x"), "length", nullptr,
                                               chatLogprobsContent({{6, -1.0f, {}}}, tokenText), Usage{1, 2, 0});
        compareJson(chunk, js("{'id': 'c', 'object': 'chat.completion.chunk', 'created': 1, 'model': 'm', 'choices': ["
                              "{'index': 2, 'delta': {'content': 'x'}, 'logprobs': {'content': [{'token': 'x', "
                              "'logprob': -1.0, 'bytes': [120], 'top_logprobs': []}]}, 'finish_reason': 'length', "
                              "'stop_reason': null}], 'usage': {'prompt_tokens': 1, 'total_tokens': 3, "
                              "'completion_tokens': 2}}"));
    }

    void completionResponseAndChunksAreVllmsJson() {
        ChoiceResult choice;
        choice.content = " world";
        choice.finishReason = "length";
        choice.logprobs = std::vector<SampleResult>{
            {3, -0.25f, {}}, {4, -1.0f, {{4, -1.0f}, {6, -2.0f}}}, {5, -std::numeric_limits<float>::infinity(), {}}};
        compareJson(completionResponse("cmpl-9", 5, "m", {choice}, Usage{3, 3, 0}, tokenText),
                    openai_cases::kCompletionResponse);

        compareJson(completionChunk("cmpl-9", 5, "m", 0, " wor", std::nullopt, nullptr, nullptr),
                    openai_cases::kCompletionChunks[0]);
        compareJson(completionChunk("cmpl-9", 5, "m", 1, "ld", "stop", 151643, nullptr),
                    openai_cases::kCompletionChunks[1]);
        compareJson(usageChunk("cmpl-9", 5, "m", Usage{3, 2, 2}, false), openai_cases::kCompletionChunks[2]);
    }

    void completionLogprobOffsetsCountCharactersFromTheGivenStart() {
        const Json logprobs =
            completionLogprobs({{3, -1.0f, {}}, {4, -1.0f, {}}, {2, -1.0f, {}}, {6, -1.0f, {}}}, tokenText, 10);
        compareJson(logprobs["text_offset"], "[10, 11, 13, 14]");
        compareJson(logprobs["tokens"], js("['\\u00e9', ' w', '\\ufffd', 'x']"));
    }

    void finishAndStopReasons() {
        QCOMPARE(apiFinishReason(FinishReason::Stop), std::string("stop"));
        QCOMPARE(apiFinishReason(FinishReason::Length), std::string("length"));
        QCOMPARE(apiFinishReason(FinishReason::Abort), std::string("abort"));
        CompletionOutput output;
        QVERIFY(stopReasonJson(output).is_null());
        output.stopTokenId = 151645;
        QCOMPARE(stopReasonJson(output), Json(151645));
        output.stopString = "</s>";
        QCOMPARE(stopReasonJson(output), Json("</s>"));
    }

    void usageReportsCachedPromptTokens() {
        compareJson(
            usageJson(Usage{10, 5, 0}, false),
            js("{'prompt_tokens': 10, 'total_tokens': 15, 'completion_tokens': 5, 'prompt_tokens_details': null}"));
        compareJson(usageJson(Usage{10, 5, 0}, true),
                    js("{'prompt_tokens': 10, 'total_tokens': 15, 'completion_tokens': 5}"));
        compareJson(usageJson(Usage{10, 5, 4}, true),
                    js("{'prompt_tokens': 10, 'total_tokens': 15, 'completion_tokens': 5, 'prompt_tokens_details': "
                       "{'cached_tokens': 4}}"));
    }

    void sseFraming() {
        QCOMPARE(sseEvent(Json{{"a", 1}, {"b", "\xe4\xbd\xa0"}}),
                 std::string("data: {\"a\":1,\"b\":\"\xe4\xbd\xa0\"}\n\n"));
        QCOMPARE(std::string(kSseDone), std::string("data: [DONE]\n\n"));
        // Broken UTF-8 that slipped into a value is replaced, never thrown.
        QCOMPARE(sseEvent(Json{{"t", std::string("a\xff")}}), std::string("data: {\"t\":\"a\xef\xbf\xbd\"}\n\n"));
        QCOMPARE(
            sseEvent(errorBody(badRequest("x"))),
            std::string(
                "data: {\"error\":{\"message\":\"x\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}\n\n"));
    }

    void idsAreRandomHex() {
        const std::regex chat("^chatcmpl-[0-9a-f]{32}$"), completion("^cmpl-[0-9a-f]{32}$"),
            tool("^chatcmpl-tool-[0-9a-f]{32}$");
        std::set<std::string> seen;
        for (int i = 0; i < 100; ++i) {
            const std::string id = makeCompletionId("chatcmpl-");
            QVERIFY2(std::regex_match(id, chat), id.c_str());
            seen.insert(id);
        }
        QCOMPARE(seen.size(), size_t(100));
        QVERIFY(std::regex_match(makeCompletionId("cmpl-"), completion));
        QVERIFY(std::regex_match(makeCompletionId("cmpl"), completion));
        QVERIFY(std::regex_match(makeToolCallId(), tool));
    }

    void modelsListIsVllmsModelCard() {
        Json entry = modelEntry("qwen", 100, 4096, "Qwen/Qwen3-0.6B");
        const std::string permissionId = entry["permission"][0]["id"];
        QVERIFY(std::regex_match(permissionId, std::regex("^modelperm-[0-9a-f]{32}$")));
        entry["permission"][0]["id"] = "modelperm-x";
        compareJson(modelsList({entry}), openai_cases::kModels);
        QCOMPARE(modelEntry("qwen", 1, 2)["root"], Json("qwen"));
    }

    // Structured output: every dialect's form compiles into params.structuredOutput, every bad
    // one is a 400 naming the field, and forced tool calls and thinking gate the constraint.
    void structuredOutputFormsCompileIntoTheParams_data() {
        QTest::addColumn<int>("index");
        const auto forms = openai_cases::structuredForms();
        for (size_t i = 0; i < forms.size(); ++i) QTest::newRow(forms[i].name) << int(i);
    }
    void structuredOutputFormsCompileIntoTheParams() {
        QFETCH(int, index);
        const auto form = openai_cases::structuredForms()[size_t(index)];
        const SamplingParams params = form.endpoint == openai_cases::Endpoint::Chat ? chatOk(form.body).params
                                                                                    : completionOk(form.body).params;
        QVERIFY(params.structuredOutput);
        QVERIFY(params.structuredOutput->grammar);
        QVERIFY(!params.structuredOutput->startsAfterToken);
    }

    void structuredOutputErrorsNameTheField_data() {
        QTest::addColumn<int>("index");
        const auto cases = openai_cases::structuredOutputErrorCases();
        for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name) << int(i);
    }
    void structuredOutputErrorsNameTheField() {
        QFETCH(int, index);
        const auto c = openai_cases::structuredOutputErrorCases()[size_t(index)];
        const auto error = firstError(c.endpoint, c.body);
        QVERIFY2(error, "the body was accepted");
        QCOMPARE(error->status, c.status);
        QCOMPARE(QString::fromStdString(*error->param), QString(c.param));
        QVERIFY2(error->message.find(c.message) != std::string::npos, error->message.c_str());
    }

    void oneSchemaSentInAnyFormIsOneGrammar() {
        const std::string schema = openai_cases::kPersonSchema;
        const auto viaGuided = chatOk(openai_cases::chat("\"guided_json\": " + schema)).params.structuredOutput;
        const auto viaFormat = chatOk(openai_cases::chat(
            "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"p\", \"schema\": " + schema + "}}"))
                                   .params.structuredOutput;
        QCOMPARE(viaGuided->key, viaFormat->key);
        QCOMPARE(viaGuided->grammar.get(), viaFormat->grammar.get());  // compiled once
        const auto other = chatOk(openai_cases::chat(js("'guided_choice': ['a']"))).params.structuredOutput;
        QVERIFY(other->key != viaGuided->key);
        QVERIFY(!chatOk(openai_cases::chat(js("'response_format': {'type': 'text'}"))).params.structuredOutput);
    }

    void ollamaFormatIsJsonOrASchema() {
        std::optional<openai::StructuredOutputField> field;
        QVERIFY(!openai::readOllamaFormat(openai::FieldReader(Json::parse(js("{'format': 'json'}"))), field));
        QCOMPARE(int(field->request.kind), int(structured::StructuredOutputRequest::Kind::JsonObject));
        field.reset();
        QVERIFY(!openai::readOllamaFormat(openai::FieldReader(Json::parse(js("{'format': ''}"))), field));
        QVERIFY(!field);
        QVERIFY(!openai::readOllamaFormat(openai::FieldReader(Json::parse(js("{'format': {'type': 'object'}}"))), field));
        QCOMPARE(int(field->request.kind), int(structured::StructuredOutputRequest::Kind::JsonSchema));
        const auto yaml = openai::readOllamaFormat(openai::FieldReader(Json::parse(js("{'format': 'yaml'}"))), field);
        QVERIFY(yaml);
        QCOMPARE(yaml->param.value(), std::string("format"));
        const auto number = openai::readOllamaFormat(openai::FieldReader(Json::parse(js("{'format': 3}"))), field);
        QVERIFY(number);
        QVERIFY2(number->message.find("a JSON Schema object") != std::string::npos, number->message.c_str());
    }

    void forcedToolCallsAndThinkingGateTheConstraint() {
        const auto qwen3 = std::filesystem::path(PAGODA_SOURCE_DIR) / "tests/fixtures/tokenizers/qwen3";
        const Tokenizer& tokenizer = test::cachedTokenizer(qwen3);
        QFile config(QString::fromStdString((qwen3 / "tokenizer_config.json").string()));
        QVERIFY(config.open(QIODevice::ReadOnly));
        const std::string qwenTemplate = Json::parse(config.readAll().toStdString())["chat_template"];
        const int32_t thinkEnd = *tokenizer.tokenToId("</think>");
        const std::string thinking = "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n";
        const std::string notThinking = thinking + "<think>\n\n</think>\n\n";
        const auto request = chatOk(openai_cases::chat(openai_cases::kTools + js(", 'tool_choice': 'required'")));
        const auto named = chatOk(openai_cases::chat(
            openai_cases::kTools + js(", 'tool_choice': {'type': 'function', 'function': {'name': 'get_weather'}}")));

        // Qwen3 in thinking mode: a forced call after </think>.
        SamplingParams params = request.params;
        auto options = chatOutputOptionsFor(qwenTemplate, thinking, {"get_weather"});
        QVERIFY(!openai::constrainChatAnswer(request.tools, request.toolChoice, options, qwenTemplate, tokenizer, params));
        QVERIFY(params.structuredOutput);
        QCOMPARE(params.structuredOutput->startsAfterToken, std::optional<int32_t>(thinkEnd));
        const std::string requiredKey = params.structuredOutput->key;

        // Thinking switched off by the template: the constraint starts at once; a named choice
        // is another grammar.
        SamplingParams off = named.params;
        options = chatOutputOptionsFor(qwenTemplate, notThinking, {"get_weather"});
        QVERIFY(!openai::constrainChatAnswer(named.tools, named.toolChoice, options, qwenTemplate, tokenizer, off));
        QVERIFY(off.structuredOutput);
        QVERIFY(!off.structuredOutput->startsAfterToken);
        QVERIFY(off.structuredOutput->key != requiredKey);

        // tool_choice auto forces nothing; a format alone is gated the same way.
        const auto format = chatOk(openai_cases::chat(openai_cases::kTools + js(", 'response_format': {'type': 'json_object'}")));
        SamplingParams gated = format.params;
        options = chatOutputOptionsFor(qwenTemplate, thinking, {"get_weather"});
        QVERIFY(!openai::constrainChatAnswer(format.tools, format.toolChoice, options, qwenTemplate, tokenizer, gated));
        QCOMPARE(gated.structuredOutput->key, format.params.structuredOutput->key);
        QCOMPARE(gated.structuredOutput->startsAfterToken, std::optional<int32_t>(thinkEnd));

        // A template with no tool-call markup cannot be forced: a 400 on tool_choice.
        SamplingParams plain = request.params;
        options = chatOutputOptionsFor("{{ messages }}", "hi", {"get_weather"});
        const auto error = openai::constrainChatAnswer(request.tools, request.toolChoice, options, "{{ messages }}", tokenizer, plain);
        QVERIFY(error);
        QCOMPARE(error->param.value(), std::string("tool_choice"));
        QVERIFY2(error->message.find("tool-call markup") != std::string::npos, error->message.c_str());

        // Parameters the JSON Schema front end refuses: the 400 names that tool's parameters.
        const auto unenforceable = chatOk(openai_cases::chat(js(
            "'tools': [{'type': 'function', 'function': {'name': 'a'}}, {'type': 'function', 'function': {'name': 'b', "
            "'parameters': {'type': 'frob'}}}], 'tool_choice': 'required'")));
        SamplingParams badSchema = unenforceable.params;
        options = chatOutputOptionsFor(qwenTemplate, notThinking, {"a", "b"});
        const auto schemaError = openai::constrainChatAnswer(unenforceable.tools, unenforceable.toolChoice, options,
                                                             qwenTemplate, tokenizer, badSchema);
        QVERIFY(schemaError);
        QCOMPARE(schemaError->param.value(), std::string("tools[1].function.parameters"));
        QVERIFY2(schemaError->message.find("forces a call of 'b'") != std::string::npos, schemaError->message.c_str());
    }

    // When the constraint waits for </think>: the prompt opened the block (QwQ, GLM-Z1), or the
    // template has Qwen3's enable_thinking switch and did not close it. A template that only
    // mentions <think> (Qwen3-Instruct-2507 strips old thoughts) answers at once.
    void theConstraintWaitsOnlyForModelsThatThink() {
        const Tokenizer& tokenizer =
            test::cachedTokenizer(std::filesystem::path(PAGODA_SOURCE_DIR) / "tests/fixtures/tokenizers/qwen3");
        const int32_t thinkEnd = *tokenizer.tokenToId("</think>");
        const auto startsAfter = [&](const std::string& templateSource, const std::string& prompt) {
            SamplingParams params = chatOk(openai_cases::chat(js("'guided_choice': ['a']"))).params;
            const auto options = chatOutputOptionsFor(templateSource, prompt, {});
            if (openai::constrainChatAnswer(Json(), "none", options, templateSource, tokenizer, params)) return -2;
            return params.structuredOutput->startsAfterToken.value_or(-1);
        };
        const std::string hybrid = "{% if enable_thinking is defined %}<think>{% endif %}";
        const std::string mentionsOnly = "{% if '</think>' in content %}{% endif %}";
        QCOMPARE(startsAfter(hybrid, "<|im_start|>assistant\n"), thinkEnd);
        QCOMPARE(startsAfter(hybrid, "<|im_start|>assistant\n<think>\n\n</think>\n\n"), -1);
        QCOMPARE(startsAfter(mentionsOnly, "<|im_start|>assistant\n"), -1);
        QCOMPARE(startsAfter(mentionsOnly, "<|im_start|>assistant\n<think>\n"), thinkEnd);
        QCOMPARE(startsAfter("[gMASK]<sop>{{ m }}<|assistant|>", "[gMASK]<sop><|user|>\nhi<|assistant|>\n<think>"), thinkEnd);
        QCOMPARE(startsAfter("{{ messages }}", "[user] hi\n[assistant] "), -1);
    }
};

QTEST_APPLESS_MAIN(OpenAiProtocolTest)
#include "openai_protocol_test.moc"
