#include "engine/chat/chat_output_parser.h"

#include <algorithm>
#include <cassert>
#include <random>

#include <fmt/format.h>

#include "engine/chat/python_json.h"

namespace pagoda {

namespace {

constexpr std::string_view kThinkOpen = "<think>";
constexpr std::string_view kThinkClose = "</think>";
constexpr std::string_view kToolCallOpen = "<tool_call>";
constexpr std::string_view kToolCallClose = "</tool_call>";

bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// GLM's name line may carry spaces or a '\r' around the name.
std::string_view trimLine(std::string_view line) {
    constexpr std::string_view kBlank = " \t\r";
    const size_t first = line.find_first_not_of(kBlank);
    if (first == std::string_view::npos) return {};
    return line.substr(first, line.find_last_not_of(kBlank) - first + 1);
}

// Length of the longest suffix of `text` that is a proper prefix of `marker`: text that may
// still become the marker when more arrives.
size_t partialMarkerSuffix(std::string_view text, std::string_view marker) {
    for (size_t length = std::min(text.size(), marker.size() - 1); length > 0; --length)
        if (text.substr(text.size() - length) == marker.substr(0, length)) return length;
    return 0;
}

// Removes leading '\n's from `text`; true when something else is left.
bool dropLeadingNewlines(std::string& text) {
    const size_t first = text.find_first_not_of('\n');
    if (first == std::string::npos) {
        text.clear();
        return false;
    }
    text.erase(0, first);
    return true;
}

// SplitMix64's finalizer: a bijection on 64 bits, so distinct inputs give distinct ids.
uint64_t mix64(uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t randomSeed() {
    std::random_device device;
    const uint64_t seed = (uint64_t(device()) << 32) ^ uint64_t(device());
    return seed ? seed : 1;
}

// The OpenAI arguments string for a parsed arguments value (see the header).
std::string argumentsText(const PythonJsonValue* arguments) {
    if (!arguments || arguments->kind == PythonJsonValue::Kind::Null) return "{}";
    if (arguments->kind == PythonJsonValue::Kind::String) {
        // Some fine-tunes write the arguments already encoded, as OpenAI's API carries them.
        auto inner = parsePythonJson(arguments->text, "tool-call arguments string");
        if (inner) return dumpPythonJson(*inner);
    }
    return dumpPythonJson(*arguments);
}

}  // namespace

ChatOutputOptions chatOutputOptionsFor(std::string_view templateSource, std::string_view renderedPrompt,
                                       std::vector<std::string> toolNames) {
    const auto mentions = [&](std::string_view what) { return templateSource.find(what) != std::string_view::npos; };
    ChatOutputOptions options;
    options.toolNames = std::move(toolNames);
    if (mentions(kToolCallOpen))
        options.format = ChatOutputFormat::QwenHermes;
    else if (mentions("[gMASK]") && mentions("<|assistant|>"))
        options.format = ChatOutputFormat::Glm4;

    const size_t end = renderedPrompt.find_last_not_of(" \t\r\n");
    const std::string_view prompt = end == std::string_view::npos ? std::string_view{} : renderedPrompt.substr(0, end + 1);
    if (prompt.ends_with(kThinkOpen)) {
        options.reasoning = true;
        options.reasoningStartsOpen = true;
    } else if (prompt.ends_with(kThinkClose)) {
        options.reasoning = false;  // an empty think block in the prompt switched thinking off
    } else {
        options.reasoning = mentions(kThinkOpen) || mentions(kThinkClose);
    }
    return options;
}

ParsedChatOutput parseChatOutput(std::string_view text, const ChatOutputOptions& options) {
    ChatOutputStream stream(options);
    ParsedChatOutput parsed;
    for (ChatOutputDelta delta : {stream.push(text), stream.finish()}) {
        parsed.content += delta.content;
        parsed.reasoning += delta.reasoning;
        for (auto& call : delta.toolCalls)
            parsed.toolCalls.push_back({std::move(call.id), std::move(call.name), std::move(call.argumentsFragment)});
    }
    return parsed;
}

ChatOutputStream::ChatOutputStream(ChatOutputOptions options) : m_options(std::move(options)) {
    std::erase_if(m_options.toolNames, [](const std::string& name) { return trimLine(name).empty(); });
    const bool tools = !m_options.toolNames.empty();
    m_hermesTools = tools && m_options.format == ChatOutputFormat::QwenHermes;
    m_glmTools = tools && m_options.format == ChatOutputFormat::Glm4;
    m_idSeed = m_options.toolCallIdSeed ? m_options.toolCallIdSeed : randomSeed();
    if (!m_options.reasoning) enterContent();
}

ChatOutputDelta ChatOutputStream::push(std::string_view textDelta) {
    ChatOutputDelta out;
    assert(!m_finished && "ChatOutputStream::push after finish");
    if (m_finished) return out;
    m_pending.append(textDelta);
    run(false, out);
    return out;
}

ChatOutputDelta ChatOutputStream::finish() {
    ChatOutputDelta out;
    if (m_finished) return out;
    run(true, out);
    assert(m_pending.empty());
    m_finished = true;
    return out;
}

void ChatOutputStream::run(bool final, ChatOutputDelta& out) {
    while (step(final, out)) {
    }
}

void ChatOutputStream::enterContent() {
    m_phase = m_options.format == ChatOutputFormat::Glm4 ? Phase::GlmLead : Phase::Content;
}

// One move of the state machine over m_pending. Every phase either consumes text and moves on
// (true) or emits what is certain and keeps only what may still become markup (false). When
// `final`, nothing more is coming, so no phase keeps anything.
bool ChatOutputStream::step(bool final, ChatOutputDelta& out) {
    switch (m_phase) {
        case Phase::Opening:
            if (m_pending.starts_with(kThinkOpen)) {
                m_pending.erase(0, kThinkOpen.size());
                m_phase = Phase::ReasoningLead;
                return true;
            }
            if (!final && kThinkOpen.starts_with(m_pending)) return false;
            if (m_options.reasoningStartsOpen)
                m_phase = Phase::ReasoningLead;
            else
                enterContent();
            return true;

        case Phase::ReasoningLead:
            if (!dropLeadingNewlines(m_pending)) return false;
            m_phase = Phase::Reasoning;
            return true;

        case Phase::Reasoning: {
            const size_t close = m_pending.find(kThinkClose);
            if (close != std::string::npos) {
                size_t end = close;
                while (end > 0 && m_pending[end - 1] == '\n') --end;
                out.reasoning.append(m_pending, 0, end);
                m_pending.erase(0, close + kThinkClose.size());
                m_phase = Phase::ContentLead;
                return true;
            }
            size_t cut = m_pending.size();
            if (!final) {
                cut -= partialMarkerSuffix(m_pending, kThinkClose);
                while (cut > 0 && m_pending[cut - 1] == '\n') --cut;  // may yet precede "</think>"
            }
            out.reasoning.append(m_pending, 0, cut);
            m_pending.erase(0, cut);
            return false;
        }

        case Phase::ContentLead:
            if (!dropLeadingNewlines(m_pending)) return false;
            enterContent();
            return true;

        case Phase::Content: {
            const size_t open = m_hermesTools ? m_pending.find(kToolCallOpen) : std::string::npos;
            if (open != std::string::npos) {
                out.content.append(m_pending, 0, open);
                m_pending.erase(0, open + kToolCallOpen.size());
                m_phase = Phase::ToolCallBody;
                m_searchFrom = 0;
                return true;
            }
            size_t cut = m_pending.size();
            if (m_hermesTools && !final) cut -= partialMarkerSuffix(m_pending, kToolCallOpen);
            out.content.append(m_pending, 0, cut);
            m_pending.erase(0, cut);
            return false;
        }

        case Phase::ToolCallBody: {
            const size_t close = m_pending.find(kToolCallClose, m_searchFrom);
            if (close != std::string::npos) {
                const std::string_view body = std::string_view(m_pending).substr(0, close);
                if (tryEmitHermesCall(body, out)) {
                    m_phase = Phase::AfterToolCall;
                } else {
                    out.content += kToolCallOpen;
                    out.content += body;
                    out.content += kToolCallClose;
                    m_phase = Phase::Content;
                }
                m_pending.erase(0, close + kToolCallClose.size());
                return true;
            }
            if (!final) {
                m_searchFrom = m_pending.size() - std::min(m_pending.size(), kToolCallClose.size() - 1);
                return false;
            }
            // Unterminated: a complete call whose closing tag never came (or was cut short).
            const std::string_view body = m_pending;
            const size_t partialClose = partialMarkerSuffix(body, kToolCallClose);
            if (!tryEmitHermesCall(body, out) &&
                !(partialClose && tryEmitHermesCall(body.substr(0, body.size() - partialClose), out))) {
                out.content += kToolCallOpen;
                out.content += body;
            }
            m_pending.clear();
            return false;
        }

        case Phase::AfterToolCall: {
            const auto text = std::find_if_not(m_pending.begin(), m_pending.end(), isJsonSpace);
            m_pending.erase(m_pending.begin(), text);
            if (m_pending.empty()) return false;
            m_phase = Phase::Content;
            return true;
        }

        case Phase::GlmLead:
            if (!dropLeadingNewlines(m_pending)) return false;
            if (m_glmTools) {
                m_phase = Phase::GlmCandidate;
                m_glmScan = GlmScan::Name;
                m_searchFrom = 0;
            } else {
                m_phase = Phase::Content;
            }
            return true;

        case Phase::GlmCandidate:
            if (!glmCandidateStillViable()) {
                out.content += m_pending;
                m_pending.clear();
                m_phase = Phase::Content;
                return false;
            }
            if (final) finishGlmCandidate(out);
            return false;
    }
    return false;
}

void ChatOutputStream::emitToolCall(std::string name, std::string arguments, ChatOutputDelta& out) {
    const int index = m_toolCallCount++;
    const uint64_t key = m_idSeed + uint64_t(index);
    std::string id = fmt::format("call_{:016x}{:08x}", mix64(key), uint32_t(mix64(~key) >> 32));
    out.toolCalls.push_back({index, std::move(id), std::move(name), std::move(arguments)});
}

// A hermes block's JSON: {"name": "<non-empty string>", "arguments": ...}.
bool ChatOutputStream::tryEmitHermesCall(std::string_view body, ChatOutputDelta& out) {
    auto call = parsePythonJson(body, "tool call");
    if (!call || call->kind != PythonJsonValue::Kind::Object) return false;
    const PythonJsonValue* name = call->member("name");
    if (!name || name->kind != PythonJsonValue::Kind::String || name->text.empty()) return false;
    emitToolCall(name->text, argumentsText(call->member("arguments")), out);
    return true;
}

// Advances the scan of a GLM reply over the text that arrived since the last call and says
// whether it may still be `name\n{json object}`. It rejects only what finishGlmCandidate would
// reject too: a first line that is no tool name (nor, while incomplete, the start of one),
// something other than '{' opening the rest, or text after the object's closing brace.
bool ChatOutputStream::glmCandidateStillViable() {
    const auto isToolName = [&](std::string_view line) {
        return std::find(m_options.toolNames.begin(), m_options.toolNames.end(), line) != m_options.toolNames.end();
    };
    for (; m_searchFrom < m_pending.size(); ++m_searchFrom) {
        const char c = m_pending[m_searchFrom];
        switch (m_glmScan) {
            case GlmScan::Name:
                if (c != '\n') break;
                if (!isToolName(trimLine(std::string_view(m_pending).substr(0, m_searchFrom)))) return false;
                m_glmScan = GlmScan::BeforeJson;
                break;
            case GlmScan::BeforeJson:
                if (isJsonSpace(c)) break;
                if (c != '{') return false;
                m_glmScan = GlmScan::InJson;
                m_glmJsonDepth = 1;
                m_glmInString = m_glmEscape = false;
                break;
            case GlmScan::InJson:
                if (m_glmInString) {
                    if (m_glmEscape)
                        m_glmEscape = false;
                    else if (c == '\\')
                        m_glmEscape = true;
                    else if (c == '"')
                        m_glmInString = false;
                } else if (c == '"') {
                    m_glmInString = true;
                } else if (c == '{' || c == '[') {
                    ++m_glmJsonDepth;
                } else if ((c == '}' || c == ']') && --m_glmJsonDepth == 0) {
                    m_glmScan = GlmScan::AfterJson;
                }
                break;
            case GlmScan::AfterJson:
                if (!isJsonSpace(c)) return false;
                break;
        }
    }
    if (m_glmScan != GlmScan::Name) return true;
    const std::string_view line = trimLine(m_pending);
    return std::any_of(m_options.toolNames.begin(), m_options.toolNames.end(),
                       [&](const std::string& name) { return std::string_view(name).starts_with(line); });
}

void ChatOutputStream::finishGlmCandidate(ChatOutputDelta& out) {
    const std::string_view reply = m_pending;
    const size_t newline = reply.find('\n');
    if (newline != std::string_view::npos) {
        const std::string_view name = trimLine(reply.substr(0, newline));
        auto arguments = parsePythonJson(reply.substr(newline + 1), "GLM tool-call arguments");
        if (arguments && arguments->kind == PythonJsonValue::Kind::Object &&
            std::find(m_options.toolNames.begin(), m_options.toolNames.end(), name) != m_options.toolNames.end()) {
            emitToolCall(std::string(name), dumpPythonJson(*arguments), out);
            m_pending.clear();
            return;
        }
    }
    out.content += m_pending;
    m_pending.clear();
}

}  // namespace pagoda
