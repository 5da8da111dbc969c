// Turns a chat model's generated text into the parts of an OpenAI message: reasoning_content,
// content and tool_calls, for the output formats of the models Pagoda targets. The same state
// machine serves a whole response (parseChatOutput) and a stream (ChatOutputStream), so a
// stream's deltas always add up to the whole-response parse, however the text was cut.
//
// Formats:
// - Reasoning (Qwen3, QwQ, DeepSeek-R1-Distill): "<think>" at the very start of the output (or
//   already in the prompt) opens reasoning, "</think>" closes it. Newlines right after
//   "<think>", right before "</think>" and right after "</think>" are template layout and are
//   dropped, as Qwen3's own template does when it splits a stored reply
//   (`.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n')` and
//   `.split('</think>')[-1].lstrip('\n')`). vLLM's qwen3/deepseek_r1 parsers keep them.
//   Reasoning that never closes stays reasoning (a truncated thought), as in vLLM. Tool-call
//   markup inside reasoning is part of the thought, not a call (vLLM runs the reasoning parser
//   before the tool parser the same way).
// - QwenHermes (Qwen2.5, Qwen3, QwQ): `<tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>`,
//   any number of them, after optional content. Unlike vLLM's hermes parser, which keeps only
//   the text before the first call and turns everything into content when any call is bad,
//   each block stands alone: a well-formed one becomes a tool call, a malformed one stays in
//   content verbatim with its tags, and text between or after calls is content (whitespace
//   right after a call is layout and dropped). An unterminated final block becomes a call if
//   its JSON is complete (vLLM's `<tool_call>(.*)` alternative), else content.
// - Glm4 (GLM-4-9b-chat, GLM-4-0414): the whole reply is `name\n{json object}` where name is
//   one of the request's tools (the check of GLM-4's own openai_api_server.py). Leading
//   newlines of the reply (the line break after `<|assistant|>`) are dropped.
//
// Arguments are always the JSON text json.dumps(arguments, ensure_ascii=False) would write, as
// vLLM's hermes parser and GLM's server send them. Arguments given as a string holding JSON are
// taken as that JSON (re-serialized the same way); any other string is dumped as a string, as
// vLLM does. Missing or null arguments become "{}" (vLLM rejects a call without arguments).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pagoda {

// How tool calls are written in the output.
enum class ChatOutputFormat { Plain, QwenHermes, Glm4 };

struct ChatOutputOptions {
    ChatOutputFormat format = ChatOutputFormat::Plain;
    bool reasoning = false;              // split <think>…</think>
    bool reasoningStartsOpen = false;    // the prompt already opened <think>
    std::vector<std::string> toolNames;  // tools offered in the request; empty = tool parsing off
    // Tool-call ids are "call_" + 24 hex digits derived from this seed and the call's index, so
    // they are unique within a response; 0 draws a random seed per response (ids then differ
    // across responses too, which clients that key tool results by id across turns rely on).
    uint64_t toolCallIdSeed = 0;
};

struct ToolCall {
    std::string id;
    std::string name;
    std::string arguments;  // JSON text
};

struct ParsedChatOutput {
    std::string content;
    std::string reasoning;
    std::vector<ToolCall> toolCalls;
};

// Chooses the format and flags for a model from its chat template's source and the prompt it
// rendered for this request:
// - format: the template writes "<tool_call>" → QwenHermes; it writes GLM's "[gMASK]" prefix
//   and an "<|assistant|>" turn → Glm4; otherwise Plain;
// - the prompt ends (before trailing whitespace) with "<think>" → reasoning, starting open
//   (QwQ, DeepSeek-R1-Distill, Qwen3-Thinking-2507);
// - the prompt ends with "</think>" → no reasoning: thinking was switched off by an empty think
//   block (Qwen3 with enable_thinking=false), so everything generated is content;
// - otherwise reasoning when the template mentions "<think>" or "</think>" (Qwen3): the output
//   may open a think block at its very start.
ChatOutputOptions chatOutputOptionsFor(std::string_view templateSource, std::string_view renderedPrompt,
                                       std::vector<std::string> toolNames);

// The parts of a whole response. Never fails: text that does not parse as markup is content.
ParsedChatOutput parseChatOutput(std::string_view text, const ChatOutputOptions& options);

struct ToolCallDelta {
    int index = 0;  // position of the call in the response's tool_calls
    std::string id;    // only on a call's first delta
    std::string name;  // only on a call's first delta
    std::string argumentsFragment;
};

struct ChatOutputDelta {
    std::string content;
    std::string reasoning;
    std::vector<ToolCallDelta> toolCalls;

    bool empty() const { return content.empty() && reasoning.empty() && toolCalls.empty(); }
};

// Fed the text deltas of a stream (as the detokenizer emits them), returns OpenAI-style
// deltas. It holds back only text that may still turn into markup: a partial "<think>",
// "</think>" or "<tool_call>", newlines that may turn out to precede "</think>", the body of an
// open <tool_call> block, and for Glm4 a reply that may still be `name\n{json}`.
// Each tool call is sent whole, id, name and all its arguments in one delta, when its
// "</tool_call>" arrives (for Glm4 at finish): arguments are re-serialized as json.dumps would,
// which needs the complete object, and one delta per call is valid OpenAI streaming.
// Concatenating every delta's content, reasoning and each call's fragments, plus finish(),
// gives exactly parseChatOutput(the whole text) with the same options.
class ChatOutputStream {
public:
    explicit ChatOutputStream(ChatOutputOptions options);

    ChatOutputDelta push(std::string_view textDelta);
    // End of generation: releases everything held back. An unterminated <tool_call> whose JSON
    // is complete becomes a call, otherwise its text becomes content. Nothing may be pushed after.
    ChatOutputDelta finish();
    // At least one tool call was emitted: finish_reason should be "tool_calls".
    bool sawToolCall() const { return m_toolCallCount > 0; }

private:
    enum class Phase {
        Opening,        // may still see "<think>" at the very start
        ReasoningLead,  // newlines after "<think>"
        Reasoning,
        ContentLead,    // newlines after "</think>"
        Content,
        ToolCallBody,   // inside <tool_call>…</tool_call>
        AfterToolCall,  // whitespace after a tool call
        GlmLead,        // newlines at the start of a GLM reply
        GlmCandidate,   // a GLM reply that may still be `name\n{json}`
    };
    // How far a Glm4 candidate reply has been checked.
    enum class GlmScan { Name, BeforeJson, InJson, AfterJson };

    void run(bool final, ChatOutputDelta& out);
    bool step(bool final, ChatOutputDelta& out);  // false: needs more text
    void enterContent();
    void emitToolCall(std::string name, std::string arguments, ChatOutputDelta& out);
    bool tryEmitHermesCall(std::string_view body, ChatOutputDelta& out);
    bool glmCandidateStillViable();
    void finishGlmCandidate(ChatOutputDelta& out);

    ChatOutputOptions m_options;
    bool m_hermesTools = false;  // QwenHermes with tools offered
    bool m_glmTools = false;     // Glm4 with tools offered
    Phase m_phase = Phase::Opening;
    std::string m_pending;    // text received but not yet emitted
    size_t m_searchFrom = 0;  // bytes of m_pending already known to hold no closing marker
    GlmScan m_glmScan = GlmScan::Name;
    size_t m_glmJsonDepth = 0;
    bool m_glmInString = false;
    bool m_glmEscape = false;
    int m_toolCallCount = 0;
    uint64_t m_idSeed = 0;
    bool m_finished = false;
};

}  // namespace pagoda
