#include "engine/tokenizer/chat_template.h"
#include "engine/common/mapped_file.h"
#include "engine/tokenizer/tokenizer.h"

#include <fmt/format.h>
#include <fmt/std.h>

#include <new>
#include <sstream>

#include "engine/common/utf8.h"
#include "engine/model/gguf_file.h"
#include "engine/model/gguf_locate.h"
#include "engine/tokenizer/jinja/jinja_interpreter.h"
#include "engine/tokenizer/jinja/jinja_parser.h"

namespace pagoda {

namespace {

std::string describe(const std::string& origin, const jinja::Exception& e) {
    std::string where = origin;
    if (e.hasLocation()) where += fmt::format(":{}:{}", e.location().line, e.location().column);
    const jinja::ErrorKind kind = e.kind();
    if (kind == jinja::ErrorKind::Syntax || kind == jinja::ErrorKind::Assertion) return where + ": " + e.message();
    return fmt::format("{}: {}: {}", where, jinja::errorKindName(kind), e.message());
}

// The names apply_chat_template accepts a message's reasoning under (transformers'
// _REASONING_FIELDS); the first one is what templates read.
constexpr const char* kReasoningFields[] = {"reasoning_content", "thinking", "reasoning"};

// A message as transformers hands it to the template: None-valued keys dropped, then the
// reasoning aliased as {"thinking": r, **message, "reasoning_content": r}.
jinja::Value prepareMessage(const jinja::Value& message) {
    if (!message.isDict()) {
        throw jinja::Exception(jinja::ErrorKind::Type,
                               fmt::format("Chat messages should be dicts, but got {}", jinja::typeName(message)));
    }
    jinja::Dict kept;
    for (const auto& [key, value] : message.asDict().entries()) {
        if (!value.isNone()) kept.set(key, value);
    }
    const jinja::Value* reasoning = nullptr;
    for (const char* field : kReasoningFields) {
        if ((reasoning = kept.find(std::string_view(field)))) break;
    }
    if (!reasoning) return jinja::Value::dict(std::move(kept));
    jinja::Dict aliased;
    aliased.set(jinja::Value("thinking"), *reasoning);
    for (const auto& [key, value] : kept.entries()) aliased.set(key, value);
    aliased.set(jinja::Value("reasoning_content"), *reasoning);
    return jinja::Value::dict(std::move(aliased));
}

jinja::Value prepareContext(const jinja::Value& context) {
    if (!context.isDict()) throw jinja::Exception(jinja::ErrorKind::Type, "the render context must be a JSON object");
    const jinja::Dict& input = context.asDict();
    const jinja::Value* messages = input.find(std::string_view("messages"));
    if (!messages || !messages->isList()) {
        throw jinja::Exception(jinja::ErrorKind::Type, "the render context needs 'messages', a list of message objects");
    }
    if (messages->asList().items.empty()) {
        throw jinja::Exception(jinja::ErrorKind::Value,
                               "Cannot apply chat template to an empty conversation. Provide at least one message.");
    }
    std::vector<jinja::Value> prepared;
    for (const jinja::Value& message : messages->asList().items) prepared.push_back(prepareMessage(message));

    jinja::Dict variables;
    variables.set(jinja::Value("tools"), jinja::Value::none());
    variables.set(jinja::Value("documents"), jinja::Value::none());
    variables.set(jinja::Value("add_generation_prompt"), jinja::Value(false));
    for (const auto& [key, value] : input.entries()) {
        if (!key.isString()) continue;
        variables.set(key, key.asString() == "messages" ? jinja::Value::list(std::move(prepared)) : value);
    }
    return jinja::Value::dict(std::move(variables));
}

template <class Json>
Result<std::string> renderJson(const std::shared_ptr<const jinja::Template>& parsed, const std::string& origin,
                               const jinja::Limits& limits, const Json& context) {
    try {
        const jinja::Value variables = prepareContext(jinja::fromJson(context));
        jinja::Interpreter interpreter(limits);
        return interpreter.render(*parsed, variables);
    } catch (const jinja::Exception& e) {
        return makeError(describe(origin, e));
    } catch (const std::bad_alloc&) {
        return makeError(fmt::format("{}: out of memory while rendering the chat template", origin));
    } catch (const std::exception& e) {
        return makeError(fmt::format("{}: rendering failed: {}", origin, e.what()));
    }
}

}  // namespace

Result<ChatTemplate> ChatTemplate::parse(std::string source, std::string origin) {
    if (auto bad = firstInvalidUtf8Byte(source)) {
        return makeError(fmt::format("{}: the template is not valid UTF-8 (byte offset {})", origin, *bad));
    }
    try {
        auto parsed = std::make_shared<const jinja::Template>(jinja::parseTemplate(source, origin));
        return ChatTemplate(std::move(source), std::move(origin), std::move(parsed));
    } catch (const jinja::Exception& e) {
        return makeError(describe(origin, e));
    } catch (const std::bad_alloc&) {
        return makeError(fmt::format("{}: out of memory while parsing the chat template", origin));
    }
}

Result<std::string> ChatTemplate::render(const nlohmann::ordered_json& context) const {
    return renderJson(m_template, m_origin, m_limits, context);
}

Result<std::string> ChatTemplate::render(const nlohmann::json& context) const {
    return renderJson(m_template, m_origin, m_limits, context);
}

Result<ChatTemplate> chatTemplateFromTokenizerConfig(const nlohmann::ordered_json& config, const std::string& origin,
                                                     const std::string& name) {
    if (!config.is_object() || !config.contains("chat_template") || config["chat_template"].is_null()) {
        return makeError(fmt::format("{}: no chat_template", origin));
    }
    const auto& entry = config["chat_template"];
    if (entry.is_string()) return ChatTemplate::parse(entry.get<std::string>(), origin);
    if (!entry.is_array() || entry.empty()) {
        return makeError(fmt::format("{}: chat_template must be a string or a list of {{name, template}}, found {}",
                                     origin, entry.type_name()));
    }
    const nlohmann::ordered_json* chosen = nullptr;
    std::string names;
    for (const auto& item : entry) {
        if (!item.is_object() || !item.contains("name") || !item.contains("template") || !item["name"].is_string() ||
            !item["template"].is_string()) {
            return makeError(fmt::format("{}: each chat_template entry needs a string 'name' and 'template'", origin));
        }
        names += (names.empty() ? "" : ", ") + item["name"].get<std::string>();
        if (!chosen && item["name"] == name) chosen = &item;
    }
    if (!chosen && name == "default") chosen = &entry.front();
    if (!chosen) return makeError(fmt::format("{}: no chat template named '{}' (found: {})", origin, name, names));
    return ChatTemplate::parse((*chosen)["template"].get<std::string>(),
                               fmt::format("{} '{}'", origin, (*chosen)["name"].get<std::string>()));
}

nlohmann::ordered_json chatTemplateSpecialTokens(const nlohmann::ordered_json& tokenizerConfig) {
    nlohmann::ordered_json tokens = nlohmann::ordered_json::object();
    if (!tokenizerConfig.is_object()) return tokens;
    for (const char* name : {"bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"}) {
        const auto it = tokenizerConfig.find(name);
        if (it == tokenizerConfig.end()) continue;
        if (it->is_string()) {
            tokens[name] = *it;
        } else if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) {
            tokens[name] = (*it)["content"];
        }
    }
    return tokens;
}

namespace {

// A GGUF model's template is its tokenizer.chat_template, the string the converter copied
// from tokenizer_config.json (or chat_template.jinja).
Result<std::optional<ChatTemplate>> loadGgufChatTemplate(const std::filesystem::path& part) {
    auto opened = gguf::openModelFiles(part);  // the first part holds the metadata
    if (!opened) return opened.error();
    const std::filesystem::path& file = opened->front().path();
    const gguf::Value* value = opened->front().find("tokenizer.chat_template");
    if (!value) return std::optional<ChatTemplate>();
    if (!value->asString())
        return makeError(fmt::format("{}: tokenizer.chat_template: expected a string, found a {}", file,
                                     gguf::valueTypeName(value->type)));
    auto parsed = ChatTemplate::parse(*value->asString(), fmt::format("{} tokenizer.chat_template", file.filename().string()));
    if (!parsed) return parsed.error();
    return std::optional(std::move(parsed).value());
}

}  // namespace

Result<std::optional<ChatTemplate>> loadChatTemplate(const std::filesystem::path& modelPath) {
    auto gguf = locateGgufModel(modelPath);
    if (!gguf) return gguf.error();
    if (*gguf) return loadGgufChatTemplate(**gguf);

    const std::filesystem::path& modelDir = modelPath;
    std::error_code ec;
    const auto jinjaFile = modelDir / "chat_template.jinja";
    if (std::filesystem::exists(jinjaFile, ec)) {
        auto source = readRegularFile(jinjaFile);
        if (!source) return source.error();
        auto parsed = ChatTemplate::parse(std::move(*source), "chat_template.jinja");
        if (!parsed) return parsed.error();
        return std::optional(std::move(parsed).value());
    }
    for (const char* fileName : {"tokenizer_config.json", "chat_template.json"}) {
        const auto path = modelDir / fileName;
        if (!std::filesystem::exists(path, ec)) continue;
        auto text = readRegularFile(path);
        if (!text) return text.error();
        const auto config = nlohmann::ordered_json::parse(*text, nullptr, /*allow_exceptions=*/false);
        if (config.is_discarded()) return makeError(fmt::format("{}: not valid JSON", path.string()));
        if (config.is_object() && config.contains("chat_template") && !config["chat_template"].is_null()) {
            auto parsed = chatTemplateFromTokenizerConfig(config, fmt::format("{} chat_template", fileName));
            if (!parsed) return parsed.error();
            return std::optional(std::move(parsed).value());
        }
    }
    return std::optional<ChatTemplate>();
}

Result<std::string> renderChat(const ChatTemplate& chatTemplate, const Tokenizer& tokenizer,
                               nlohmann::ordered_json context) {
    if (!context.contains("bos_token")) context["bos_token"] = tokenizer.specialTokens().bosToken;
    if (!context.contains("eos_token")) context["eos_token"] = tokenizer.specialTokens().eosToken;
    return chatTemplate.render(context);
}

}  // namespace pagoda
