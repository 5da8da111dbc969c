// Request bodies and expected JSON for openai_protocol_test, kept out of the Q_OBJECT file
// because moc misreads raw string literals.
#pragma once

#include <string>
#include <vector>

namespace openai_cases {

enum class Endpoint { Body, Chat, Completions };

struct MalformedCase {
    const char* name;
    Endpoint endpoint;
    std::string body;
    int status;
    const char* type;
    const char* param;    // nullptr: the error's param is null
    const char* message;  // part of the error message ("" = not checked)
};

// A valid chat body with `extra` fields spliced in before the closing brace.
inline std::string chat(const std::string& extra) {
    return R"({"model": "m", "messages": [{"role": "user", "content": "hi"}])" + (extra.empty() ? "" : ", " + extra) +
           "}";
}
inline std::string completion(const std::string& extra) {
    return R"({"model": "m", "prompt": "hi")" + (extra.empty() ? "" : ", " + extra) + "}";
}
inline std::string chatWithMessage(const std::string& message) {
    return R"({"messages": [)" + message + "]}";
}

inline const std::string kTools =
    R"("tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}])";

inline std::vector<MalformedCase> malformedCases() {
    const auto B = Endpoint::Body;
    const auto C = Endpoint::Chat;
    const auto P = Endpoint::Completions;
    const char* bad = "BadRequestError";
    return {
        // The body itself.
        {"truncated JSON", B, R"({"messages": [)", 400, bad, nullptr, "not valid JSON: parse error at line 1, column 15"},
        {"empty body", B, "", 400, bad, nullptr, "not valid JSON"},
        {"trailing garbage", B, "{} x", 400, bad, nullptr, "not valid JSON"},
        {"single quotes", B, "{'a': 1}", 400, bad, nullptr, "not valid JSON"},
        {"top-level array", B, "[1, 2]", 400, bad, nullptr, "must be a JSON object, but got an array"},
        {"top-level string", B, R"("hello")", 400, bad, nullptr, "must be a JSON object, but got a string"},
        {"top-level null", B, "null", 400, bad, nullptr, "must be a JSON object, but got null"},
        {"invalid UTF-8 byte", B, "{\"messages\": \"\xff\"}", 400, bad, nullptr, "0xff at offset 14"},
        {"overlong UTF-8", B, "{\"a\": \"\xc0\xaf\"}", 400, bad, nullptr, "offset 7"},
        {"UTF-8 surrogate", B, "{\"a\": \"\xed\xa0\x80\"}", 400, bad, nullptr, "offset 7"},
        {"truncated UTF-8 at the end", B, "{\"a\": 1}\xe4\xbd", 400, bad, nullptr, "offset 8"},
        {"lone surrogate escape", B, R"({"a": "\ud800"})", 400, bad, nullptr, "not valid JSON"},
        {"number overflow", B, R"({"max_tokens": 1e400})", 400, bad, nullptr, "not valid JSON"},
        {"65 levels", B, R"({"a": )" + std::string(64, '[') + std::string(64, ']') + "}", 400, bad, nullptr,
         "more than 64 levels"},

        // messages
        {"missing messages", C, "{}", 400, bad, "messages", "Missing required parameter: 'messages'."},
        {"null messages", C, R"({"messages": null})", 400, bad, "messages", "Missing required parameter"},
        {"messages a string", C, R"({"messages": "hi"})", 400, bad, "messages",
         "Invalid type for 'messages': expected an array of messages, but got a string instead."},
        {"messages empty", C, R"({"messages": []})", 400, bad, "messages", "empty array"},
        {"message a number", C, chatWithMessage("5"), 400, bad, "messages[0]", "expected an object"},
        {"message without role", C, chatWithMessage(R"({"content": "hi"})"), 400, bad, "messages[0].role",
         "Missing required parameter: 'messages[0].role'."},
        {"role a number", C, chatWithMessage(R"({"role": 5})"), 400, bad, "messages[0].role", "expected a string"},
        {"role empty", C, chatWithMessage(R"({"role": ""})"), 400, bad, "messages[0].role", "empty string"},
        {"content a number", C, chatWithMessage(R"({"role": "user", "content": 5})"), 400, bad, "messages[0].content",
         "expected a string, an array of content parts or null, but got an integer"},
        {"content an object", C, chatWithMessage(R"({"role": "user", "content": {"text": "x"}})"), 400, bad,
         "messages[0].content", "but got an object"},
        {"image part", C,
         chatWithMessage(R"({"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]})"), 400, bad,
         "messages[0].content[0].type", "text only"},
        {"part without type", C, chatWithMessage(R"({"role": "user", "content": [{"text": "x"}]})"), 400, bad,
         "messages[0].content[0].type", "Missing required parameter"},
        {"part without text", C, chatWithMessage(R"({"role": "user", "content": [{"type": "text"}]})"), 400, bad,
         "messages[0].content[0].text", "Missing required parameter"},
        {"part text a number", C, chatWithMessage(R"({"role": "user", "content": [{"type": "text", "text": 1}]})"), 400,
         bad, "messages[0].content[0].text", "expected a string"},
        {"part a number", C, chatWithMessage(R"({"role": "user", "content": ["a", 2]})"), 400, bad,
         "messages[0].content[1]", "expected a content part object"},
        {"name a number", C, chatWithMessage(R"({"role": "user", "content": "x", "name": 1})"), 400, bad,
         "messages[0].name", "expected a string"},
        {"tool_call_id a number", C, chatWithMessage(R"({"role": "tool", "content": "x", "tool_call_id": 1})"), 400, bad,
         "messages[0].tool_call_id", "expected a string"},
        {"reasoning_content a list", C,
         chatWithMessage(R"({"role": "assistant", "content": "x", "reasoning_content": []})"), 400, bad,
         "messages[0].reasoning_content", "expected a string"},
        {"tool_calls a string", C, chatWithMessage(R"({"role": "assistant", "tool_calls": "x"})"), 400, bad,
         "messages[0].tool_calls", "expected an array of tool calls"},
        {"tool call without function", C, chatWithMessage(R"({"role": "assistant", "tool_calls": [{"id": "a"}]})"), 400,
         bad, "messages[0].tool_calls[0].function", "Missing required parameter"},
        {"tool call without name", C,
         chatWithMessage(R"({"role": "assistant", "tool_calls": [{"id": "a", "function": {"arguments": "{}"}}]})"), 400,
         bad, "messages[0].tool_calls[0].function.name", "Missing required parameter"},
        {"tool call arguments a number", C,
         chatWithMessage(R"({"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": 5}}]})"), 400,
         bad, "messages[0].tool_calls[0].function.arguments", "expected a string of JSON"},
        {"tool call of another type", C,
         chatWithMessage(R"({"role": "assistant", "tool_calls": [{"type": "code", "function": {"name": "f"}}]})"), 400,
         bad, "messages[0].tool_calls[0].type", "Supported values are: 'function'."},

        // scalars, every type and range
        {"model a number", C, R"({"model": 5, "messages": [{"role": "user", "content": "hi"}]})", 400, bad, "model",
         "Invalid type for 'model': expected a string, but got an integer instead."},
        {"stream a string", C, chat(R"("stream": "yes")"), 400, bad, "stream", "expected a boolean"},
        {"stream_options without stream", C, chat(R"("stream_options": {"include_usage": true})"), 400, bad,
         "stream_options", "only be defined when `stream=True`"},
        {"stream_options a string", C, chat(R"("stream": true, "stream_options": "x")"), 400, bad, "stream_options",
         "expected an object"},
        {"include_usage a number", C, chat(R"("stream": true, "stream_options": {"include_usage": 1})"), 400, bad,
         "stream_options.include_usage", "expected a boolean"},
        {"max_tokens a string", C, chat(R"("max_tokens": "5")"), 400, bad, "max_tokens",
         "Invalid type for 'max_tokens': expected an integer, but got a string instead."},
        {"max_tokens negative", C, chat(R"("max_tokens": -1)"), 400, bad, "max_tokens",
         "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got -1 instead."},
        {"max_tokens zero", C, chat(R"("max_tokens": 0)"), 400, bad, "max_tokens", "Expected a value >= 1, but got 0"},
        {"max_tokens fractional", C, chat(R"("max_tokens": 1.5)"), 400, bad, "max_tokens", "but got a decimal number"},
        {"max_tokens 1e300", C, chat(R"("max_tokens": 1e300)"), 400, bad, "max_tokens",
         "integer above maximum value. Expected a value <= 2147483647, but got 1e+300 instead."},
        {"max_tokens 2^70", C, chat(R"("max_tokens": 1180591620717411303424)"), 400, bad, "max_tokens",
         "but got 1.1805916207174113e+21 instead"},
        {"max_tokens 2^64", C, chat(R"("max_tokens": 18446744073709551616)"), 400, bad, "max_tokens",
         "integer above maximum value"},
        {"max_tokens int64 max", C, chat(R"("max_tokens": 9223372036854775807)"), 400, bad, "max_tokens",
         "but got 9223372036854775807 instead"},
        {"max_tokens -2^70", C, chat(R"("max_tokens": -1180591620717411303424)"), 400, bad, "max_tokens",
         "integer below minimum value"},
        {"max_tokens a bool", C, chat(R"("max_tokens": true)"), 400, bad, "max_tokens", "but got a boolean"},
        {"max_completion_tokens zero", C, chat(R"("max_completion_tokens": 0)"), 400, bad, "max_completion_tokens",
         "Expected a value >= 1"},
        {"n zero", C, chat(R"("n": 0)"), 400, bad, "n", "Expected a value >= 1, but got 0"},
        {"n too many", C, chat(R"("n": 17)"), 400, bad, "n", "Expected a value <= 16, but got 17"},
        {"n a bool", C, chat(R"("n": true)"), 400, bad, "n", "expected an integer"},
        {"temperature negative", C, chat(R"("temperature": -0.5)"), 400, bad, "temperature",
         "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -0.5 instead."},
        {"temperature a string", C, chat(R"("temperature": "hot")"), 400, bad, "temperature", "expected a number"},
        {"temperature 1e300", C, chat(R"("temperature": 1e300)"), 400, bad, "temperature", "decimal above maximum value"},
        {"top_p zero", C, chat(R"("top_p": 0)"), 400, bad, "top_p", "Expected a value > 0, but got 0"},
        {"top_p above one", C, chat(R"("top_p": 1.5)"), 400, bad, "top_p", "Expected a value <= 1, but got 1.5"},
        {"top_k below -1", C, chat(R"("top_k": -2)"), 400, bad, "top_k", "Expected a value >= -1"},
        {"top_k fractional", C, chat(R"("top_k": 2.5)"), 400, bad, "top_k", "expected an integer"},
        {"min_p above one", C, chat(R"("min_p": 2)"), 400, bad, "min_p", "Expected a value <= 1"},
        {"presence_penalty 3", C, chat(R"("presence_penalty": 3)"), 400, bad, "presence_penalty", "<= 2"},
        {"frequency_penalty -3", C, chat(R"("frequency_penalty": -3)"), 400, bad, "frequency_penalty", ">= -2"},
        {"repetition_penalty zero", C, chat(R"("repetition_penalty": 0)"), 400, bad, "repetition_penalty", "> 0"},
        {"logit_bias a list", C, chat(R"("logit_bias": [1])"), 400, bad, "logit_bias", "expected an object"},
        {"logit_bias word key", C, chat(R"("logit_bias": {"abc": 1})"), 400, bad, "logit_bias", "\"abc\" is not a token id"},
        {"logit_bias negative key", C, chat(R"("logit_bias": {"-1": 1})"), 400, bad, "logit_bias", "is not a token id"},
        {"logit_bias huge key", C, chat(R"("logit_bias": {"99999999999": 1})"), 400, bad, "logit_bias",
         "is not a token id"},
        {"logit_bias over 100", C, chat(R"("logit_bias": {"5": 200})"), 400, bad, "logit_bias.5",
         "Expected a value <= 100, but got 200"},
        {"logit_bias value a string", C, chat(R"("logit_bias": {"5": "x"})"), 400, bad, "logit_bias.5",
         "expected a number"},
        {"seed a string", C, chat(R"("seed": "1")"), 400, bad, "seed", "expected an integer"},
        {"seed 1e300", C, chat(R"("seed": 1e300)"), 400, bad, "seed", "integer above maximum value"},
        {"seed 2^64", C, chat(R"("seed": 18446744073709551615)"), 400, bad, "seed", "integer above maximum value"},
        {"stop a number", C, chat(R"("stop": 5)"), 400, bad, "stop", "expected a string or an array of strings"},
        {"stop list of numbers", C, chat(R"("stop": [1])"), 400, bad, "stop[0]", "expected a string"},
        {"stop empty", C, chat(R"("stop": "")"), 400, bad, "stop", "empty string"},
        {"stop list with empty", C, chat(R"("stop": ["a", ""])"), 400, bad, "stop[1]", "empty string"},
        {"stop_token_ids a number", C, chat(R"("stop_token_ids": 5)"), 400, bad, "stop_token_ids",
         "expected an array of token ids"},
        {"stop_token_ids negative", C, chat(R"("stop_token_ids": [-1])"), 400, bad, "stop_token_ids[0]", ">= 0"},
        {"stop_token_ids strings", C, chat(R"("stop_token_ids": ["a"])"), 400, bad, "stop_token_ids[0]",
         "expected an integer"},
        {"ignore_eos a number", C, chat(R"("ignore_eos": 1)"), 400, bad, "ignore_eos", "expected a boolean"},
        {"min_tokens negative", C, chat(R"("min_tokens": -1)"), 400, bad, "min_tokens", ">= 0"},
        {"min_tokens over max_tokens", C, chat(R"("min_tokens": 10, "max_tokens": 5)"), 400, bad, "min_tokens",
         "at most the number of tokens to generate (5), but got 10"},
        {"skip_special_tokens a string", C, chat(R"("skip_special_tokens": "no")"), 400, bad, "skip_special_tokens",
         "expected a boolean"},
        {"include_stop_str_in_output a number", C, chat(R"("include_stop_str_in_output": 0)"), 400, bad,
         "include_stop_str_in_output", "expected a boolean"},
        {"logprobs a number", C, chat(R"("logprobs": 1)"), 400, bad, "logprobs", "expected a boolean"},
        {"top_logprobs 21", C, chat(R"("logprobs": true, "top_logprobs": 21)"), 400, bad, "top_logprobs", "<= 20"},
        {"top_logprobs negative", C, chat(R"("logprobs": true, "top_logprobs": -1)"), 400, bad, "top_logprobs", ">= 0"},
        {"top_logprobs without logprobs", C, chat(R"("top_logprobs": 5)"), 400, bad, "top_logprobs",
         "`logprobs` must be set to true"},
        {"chat_template_kwargs a list", C, chat(R"("chat_template_kwargs": [])"), 400, bad, "chat_template_kwargs",
         "expected an object"},
        {"add_generation_prompt a string", C, chat(R"("add_generation_prompt": "y")"), 400, bad,
         "add_generation_prompt", "expected a boolean"},
        {"continue_final_message with add_generation_prompt", C,
         chat(R"("continue_final_message": true, "add_generation_prompt": true)"), 400, bad, "continue_final_message",
         "Cannot set both"},
        {"response_format a string", C, chat(R"("response_format": "json")"), 400, bad, "response_format",
         "expected an object"},

        // tools
        {"tools an object", C, chat(R"("tools": {})"), 400, bad, "tools", "expected an array of tools"},
        {"tools empty", C, chat(R"("tools": [])"), 400, bad, "tools", "empty array"},
        {"tool a number", C, chat(R"("tools": [5])"), 400, bad, "tools[0]", "expected an object"},
        {"tool of another type", C, chat(R"("tools": [{"type": "retrieval"}])"), 400, bad, "tools[0].type",
         "Supported values are: 'function'."},
        {"tool without function", C, chat(R"("tools": [{"type": "function"}])"), 400, bad, "tools[0].function",
         "Missing required parameter"},
        {"tool without name", C, chat(R"("tools": [{"type": "function", "function": {}}])"), 400, bad,
         "tools[0].function.name", "Missing required parameter"},
        {"tool parameters a string", C,
         chat(R"("tools": [{"type": "function", "function": {"name": "f", "parameters": "x"}}])"), 400, bad,
         "tools[0].function.parameters", "expected an object"},
        {"tool_choice unknown word", C, chat(kTools + R"(, "tool_choice": "sometimes")"), 400, bad, "tool_choice",
         "Supported values are: 'none', 'auto', and 'required'."},
        {"tool_choice without tools", C, chat(R"("tool_choice": "required")"), 400, bad, "tool_choice",
         "`tools` must be set"},
        {"tool_choice names no tool", C,
         chat(kTools + R"(, "tool_choice": {"type": "function", "function": {"name": "nope"}})"), 400, bad,
         "tool_choice.function.name", "does not match any of the specified `tools`"},
        {"tool_choice without function", C, chat(kTools + R"(, "tool_choice": {"type": "function"})"), 400, bad,
         "tool_choice.function", "Missing required parameter"},
        {"tool_choice a number", C, chat(kTools + R"(, "tool_choice": 5)"), 400, bad, "tool_choice",
         "but got an integer"},

        // completions
        {"missing prompt", P, R"({"model": "m"})", 400, bad, "prompt", "Missing required parameter: 'prompt'."},
        {"prompt empty", P, R"({"prompt": ""})", 400, bad, "prompt", "empty string"},
        {"prompt empty list", P, R"({"prompt": []})", 400, bad, "prompt", "empty array"},
        {"prompt a number", P, R"({"prompt": 5})", 400, bad, "prompt", "expected a string, an array of strings"},
        {"prompt strings then number", P, R"({"prompt": ["a", 5]})", 400, bad, "prompt[1]", "expected a string"},
        {"prompt ids then string", P, R"({"prompt": [1, "a"]})", 400, bad, "prompt[1]", "expected an integer"},
        {"prompt negative id", P, R"({"prompt": [1, -2]})", 400, bad, "prompt[1]", ">= 0"},
        {"prompt id 2^70", P, R"({"prompt": [1180591620717411303424]})", 400, bad, "prompt[0]",
         "integer above maximum value"},
        {"prompt empty id list", P, R"({"prompt": [[1], []]})", 400, bad, "prompt[1]", "empty array"},
        {"prompt lists then id", P, R"({"prompt": [[1], 2]})", 400, bad, "prompt[1]", "expected an array of token ids"},
        {"prompt list of null", P, R"({"prompt": [null]})", 400, bad, "prompt[0]", "but got null"},
        {"prompt list of bools", P, R"({"prompt": [true]})", 400, bad, "prompt[0]", "but got a boolean"},
        {"completion max_tokens zero", P, completion(R"("max_tokens": 0)"), 400, bad, "max_tokens", ">= 1"},
        {"completion n zero", P, completion(R"("n": 0)"), 400, bad, "n", ">= 1"},
        {"completion logprobs 6", P, completion(R"("logprobs": 6)"), 400, bad, "logprobs", "<= 5"},
        {"completion logprobs a bool", P, completion(R"("logprobs": true)"), 400, bad, "logprobs", "expected an integer"},
        // vLLM's extensions.
        {"prompt_logprobs with stream", P, completion(R"("prompt_logprobs": 1, "stream": true)"), 400, bad,
         "prompt_logprobs", "not available when `stream=True`"},
        {"chat prompt_logprobs with stream", C, chat(R"("prompt_logprobs": 2, "stream": true)"), 400, bad,
         "prompt_logprobs", "not available when `stream=True`"},
        {"prompt_logprobs 21", P, completion(R"("prompt_logprobs": 21)"), 400, bad, "prompt_logprobs", "<= 20"},
        {"chat prompt_logprobs -1", C, chat(R"("prompt_logprobs": -1)"), 400, bad, "prompt_logprobs", ">= 0"},
        {"prompt_logprobs a string", P, completion(R"("prompt_logprobs": "1")"), 400, bad, "prompt_logprobs",
         "expected an integer"},
        {"return_token_ids a string", C, chat(R"("return_token_ids": "yes")"), 400, bad, "return_token_ids",
         "expected a boolean"},
        {"truncate_prompt_tokens -2", P, completion(R"("truncate_prompt_tokens": -2)"), 400, bad,
         "truncate_prompt_tokens", ">= -1"},
        {"echo a string", P, completion(R"("echo": "y")"), 400, bad, "echo", "expected a boolean"},
        {"suffix", P, completion(R"("suffix": "x")"), 400, bad, "suffix", "not supported"},
        {"suffix a number", P, completion(R"("suffix": 1)"), 400, bad, "suffix", "expected a string"},
        {"completion stream_options without stream", P, completion(R"("stream_options": {"include_usage": true})"),
         400, bad, "stream_options", "stream=True"},
    };
}

// vLLM's non-streaming chat completion (engine-anchors.md section 2).
inline const char* kChatResponse = R"({
  "id": "chatcmpl-3f0c",
  "object": "chat.completion",
  "created": 1735689600,
  "model": "Qwen/Qwen2.5-7B-Instruct",
  "choices": [{
    "index": 0,
    "message": {
      "role": "assistant",
      "content": "Hello! How can I help?",
      "refusal": null,
      "annotations": null,
      "audio": null,
      "function_call": null,
      "reasoning": null,
      "reasoning_content": null
    },
    "logprobs": null,
    "finish_reason": "stop",
    "stop_reason": null,
    "token_ids": null
  }],
  "service_tier": null,
  "system_fingerprint": null,
  "usage": {"prompt_tokens": 21, "total_tokens": 30, "completion_tokens": 9, "prompt_tokens_details": null},
  "prompt_logprobs": null,
  "prompt_token_ids": null,
  "kv_transfer_params": null
})";

// Two choices: tool calls with reasoning and no content; a stop string with logprobs.
inline const char* kChatResponseWithToolsAndLogprobs = R"({
  "id": "chatcmpl-1",
  "object": "chat.completion",
  "created": 7,
  "model": "m",
  "choices": [{
    "index": 0,
    "message": {
      "role": "assistant",
      "content": null,
      "refusal": null,
      "annotations": null,
      "audio": null,
      "function_call": null,
      "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}],
      "reasoning": "Need the weather.",
      "reasoning_content": "Need the weather."
    },
    "logprobs": null,
    "finish_reason": "tool_calls",
    "stop_reason": null,
    "token_ids": null
  }, {
    "index": 1,
    "message": {
      "role": "assistant",
      "content": "Hi",
      "refusal": null,
      "annotations": null,
      "audio": null,
      "function_call": null,
      "reasoning": null,
      "reasoning_content": null
    },
    "logprobs": {"content": [
      {"token": "Hi", "logprob": -0.5, "bytes": [72, 105], "top_logprobs": [
        {"token": "Hi", "logprob": -0.5, "bytes": [72, 105]},
        {"token": "\ufffd", "logprob": -9999.0, "bytes": [228, 189]}]}
    ]},
    "finish_reason": "stop",
    "stop_reason": "###",
    "token_ids": null
  }],
  "service_tier": null,
  "system_fingerprint": null,
  "usage": {"prompt_tokens": 10, "total_tokens": 14, "completion_tokens": 4, "prompt_tokens_details": {"cached_tokens": 8}},
  "prompt_logprobs": null,
  "prompt_token_ids": null,
  "kv_transfer_params": null
})";

// The anchors' stream, event by event.
inline std::vector<std::string> chatStreamEvents() {
    return {
        R"(data: {"id":"chatcmpl-3f0c","object":"chat.completion.chunk","created":1735689600,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]})"
        "\n\n",
        R"(data: {"id":"chatcmpl-3f0c","object":"chat.completion.chunk","created":1735689600,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]})"
        "\n\n",
        R"(data: {"id":"chatcmpl-3f0c","object":"chat.completion.chunk","created":1735689600,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"content":"!"},"logprobs":null,"finish_reason":"stop","stop_reason":null}]})"
        "\n\n",
        R"(data: {"id":"chatcmpl-3f0c","object":"chat.completion.chunk","created":1735689600,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[],"usage":{"prompt_tokens":21,"total_tokens":30,"completion_tokens":9}})"
        "\n\n",
        "data: [DONE]\n\n",
    };
}

inline const char* kToolCallDeltas =
    R"({"tool_calls":[{"id":"call_1","type":"function","index":0,"function":{"name":"get_weather","arguments":""}},{"index":0,"function":{"arguments":"{\"city\""}}]})";

inline const char* kCompletionResponse = R"({
  "id": "cmpl-9",
  "object": "text_completion",
  "created": 5,
  "model": "m",
  "choices": [{
    "index": 0,
    "text": " world",
    "logprobs": {
      "text_offset": [0, 1, 3],
      "token_logprobs": [-0.25, -1.0, -9999.0],
      "tokens": ["\u00e9", " w", "orld"],
      "top_logprobs": [{"\u00e9": -0.25}, {" w": -1.0, "x": -2.0}, {"orld": -9999.0}]
    },
    "finish_reason": "length",
    "stop_reason": null,
    "token_ids": null,
    "prompt_logprobs": null,
    "prompt_token_ids": null
  }],
  "service_tier": null,
  "system_fingerprint": null,
  "usage": {"prompt_tokens": 3, "total_tokens": 6, "completion_tokens": 3, "prompt_tokens_details": null},
  "kv_transfer_params": null
})";

inline const char* kCompletionChunks[] = {
    R"({"id":"cmpl-9","object":"text_completion","created":5,"model":"m","choices":[{"index":0,"text":" wor","logprobs":null,"finish_reason":null,"stop_reason":null}]})",
    R"({"id":"cmpl-9","object":"text_completion","created":5,"model":"m","choices":[{"index":1,"text":"ld","logprobs":null,"finish_reason":"stop","stop_reason":151643}]})",
    R"({"id":"cmpl-9","object":"text_completion","created":5,"model":"m","choices":[],"usage":{"prompt_tokens":3,"total_tokens":5,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":2}}})",
};

inline const char* kModels = R"({"object": "list", "data": [{
  "id": "qwen", "object": "model", "created": 100, "owned_by": "pagoda", "root": "Qwen/Qwen3-0.6B", "parent": null,
  "max_model_len": 4096,
  "permission": [{"id": "modelperm-x", "object": "model_permission", "created": 100, "allow_create_engine": false,
                  "allow_sampling": true, "allow_logprobs": true, "allow_search_indices": false, "allow_view": true,
                  "allow_fine_tuning": false, "organization": "*", "group": null, "is_blocking": false}]
}]})";

inline const char* kNormalizedMessagesIn = R"({"messages": [
  {"role": "system", "content": [{"type": "text", "text": "Be brief."}, "Be kind.", {"type": "input_text", "text": "Bye."}], "x-extra": 1},
  {"role": "assistant", "content": null, "reasoning": "thinking", "tool_calls": [
    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"a\": [1, 2]}"}},
    {"id": "c2", "type": "function", "function": {"name": "g", "arguments": "not json"}},
    {"id": "c3", "type": "function", "function": {"name": "h"}}]},
  {"role": "tool", "tool_call_id": "c1", "content": "42"},
  {"role": "observation", "content": [], "reasoning_content": "kept", "reasoning": "ignored"}
]})";

inline const char* kNormalizedMessagesOut = R"([
  {"role": "system", "content": "Be brief.\nBe kind.\nBye.", "x-extra": 1},
  {"role": "assistant", "content": null, "reasoning": "thinking", "tool_calls": [
    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"a": [1, 2]}}},
    {"id": "c2", "type": "function", "function": {"name": "g", "arguments": "not json"}},
    {"id": "c3", "type": "function", "function": {"name": "h", "arguments": {}}}],
   "reasoning_content": "thinking"},
  {"role": "tool", "tool_call_id": "c1", "content": "42"},
  {"role": "observation", "content": "", "reasoning_content": "kept", "reasoning": "ignored"}
])";

}  // namespace openai_cases
