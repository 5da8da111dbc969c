// A model's chat template: turns a conversation into prompt text exactly as Hugging Face
// transformers' apply_chat_template(..., tokenize=False) does, rendered by a sandboxed Jinja
// interpreter (engine/tokenizer/jinja) that cannot touch files or run away.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/common/result.h"
#include "engine/tokenizer/jinja/jinja_limits.h"

namespace pagoda {

namespace jinja {
struct Template;
}

class ChatTemplate {
public:
    // Parses a template. `origin` names it in error messages, which read
    // "<origin>:<line>:<column>: <what went wrong>".
    static Result<ChatTemplate> parse(std::string source, std::string origin);

    // Renders `context`, a JSON object holding `messages` (a non-empty list of message
    // objects) and optionally `tools`, `documents`, `add_generation_prompt`, `bos_token`,
    // `eos_token` and any other template variables (`enable_thinking`, `date_string`, ...).
    // Like apply_chat_template: message keys whose value is null are dropped, a message's
    // reasoning (`reasoning_content`, `thinking` or `reasoning`) is offered under both
    // `reasoning_content` and `thinking`, and `tools`, `documents` default to none and
    // `add_generation_prompt` to false. The caller supplies the special tokens, as the
    // tokenizer's special_tokens_map does for transformers.
    // A template's raise_exception("...") fails with "...: raise_exception: <its message>".
    Result<std::string> render(const nlohmann::ordered_json& context) const;
    // The same for nlohmann::json, whose objects keep keys sorted: `tojson` then prints
    // keys alphabetically rather than in the order the request had them.
    Result<std::string> render(const nlohmann::json& context) const;

    const std::string& source() const { return m_source; }
    const std::string& origin() const { return m_origin; }
    void setLimits(const jinja::Limits& limits) { m_limits = limits; }

private:
    ChatTemplate(std::string source, std::string origin, std::shared_ptr<const jinja::Template> parsed)
        : m_source(std::move(source)), m_origin(std::move(origin)), m_template(std::move(parsed)) {}

    std::string m_source;
    std::string m_origin;
    std::shared_ptr<const jinja::Template> m_template;
    jinja::Limits m_limits;
};

// The template in a parsed tokenizer_config.json: `chat_template` is a string, or a list of
// {"name", "template"} from which `name` is taken ("default", else the first entry).
Result<ChatTemplate> chatTemplateFromTokenizerConfig(const nlohmann::ordered_json& config, const std::string& origin,
                                                     const std::string& name = "default");

// The special tokens transformers passes to every template (its special_tokens_map): the
// bos, eos, unk, sep, pad, cls and mask tokens a tokenizer_config.json names, as strings
// (an AddedToken object gives its "content"), skipping null ones. Merge into render's context.
nlohmann::ordered_json chatTemplateSpecialTokens(const nlohmann::ordered_json& tokenizerConfig);

class Tokenizer;

// Renders `context` with the tokenizer's bos_token and eos_token filled in (unless the
// context sets them), as apply_chat_template passes the tokenizer's special tokens.
Result<std::string> renderChat(const ChatTemplate& chatTemplate, const Tokenizer& tokenizer,
                               nlohmann::ordered_json context);

// The template of a model directory, looked up as transformers does: chat_template.jinja
// wins over tokenizer_config.json's chat_template; the legacy chat_template.json comes last.
// A GGUF model (see locateGgufModel) gives its tokenizer.chat_template instead.
// Nothing when the directory names none (a base model); an error when the one it names
// cannot be used (unreadable, not a string or list, not a template Pagoda can parse).
Result<std::optional<ChatTemplate>> loadChatTemplate(const std::filesystem::path& modelPath);

}  // namespace pagoda
