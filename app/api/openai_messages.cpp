// The chat request's messages, tools and tool_choice: checked, and put in the shape chat
// templates expect (see ChatCompletionRequest in openai_protocol.h).
#include "app/api/openai_messages.h"

#include <algorithm>

#include <fmt/format.h>

namespace pagoda::openai {

namespace {

// Text content parts joined by "\n", as vLLM's "string" content format.
FieldError normalizeContent(const Json& content, const std::string& path, Json& out) {
    if (content.is_string() || content.is_null()) {
        out = content;
        return std::nullopt;
    }
    if (!content.is_array()) return typeError(path, "a string, an array of content parts or null", content);
    std::string text;
    for (size_t i = 0; i < content.size(); ++i) {
        const Json& part = content[i];
        const std::string partPath = fmt::format("{}[{}]", path, i);
        std::string partText;
        if (part.is_string()) {
            partText = part.get<std::string>();
        } else if (part.is_object()) {
            const FieldReader partFields(part, partPath);
            const Json* type = partFields.find("type");
            if (!type) return missingField(partPath + ".type");
            std::string typeName;
            if (auto e = toString(*type, partPath + ".type", typeName)) return e;
            if (typeName != "text" && typeName != "input_text" && typeName != "output_text")
                return badRequest(fmt::format("Invalid value for '{}.type': {}. This model reads text only: content "
                                              "parts of type 'text' are supported.",
                                              partPath, shortDump(*type)),
                                  partPath + ".type");
            const Json* value = partFields.find("text");
            if (!value) return missingField(partPath + ".text");
            if (auto e = toString(*value, partPath + ".text", partText)) return e;
        } else {
            return typeError(partPath, "a content part object", part);
        }
        if (i > 0) text += '\n';
        text += partText;
    }
    out = std::move(text);
    return std::nullopt;
}

// vLLM hands templates the arguments as a JSON value, not as the string the API carries
// (Qwen's template applies `tojson` to them). Text that is not JSON, or is nested too
// deeply for the template engine, stays a string: better than refusing a conversation
// because a model once wrote broken arguments.
Json argumentsForTemplate(const std::string& arguments) {
    if (arguments.empty()) return Json::object();  // vLLM: missing/empty arguments become {}
    if (nestsTooDeep(arguments, kMaxJsonDepth)) return arguments;
    Json parsed = Json::parse(arguments, nullptr, false);
    return parsed.is_discarded() ? Json(arguments) : parsed;
}

FieldError normalizeToolCalls(const Json& calls, const std::string& path, Json& out) {
    if (!calls.is_array()) return typeError(path, "an array of tool calls", calls);
    out = Json::array();
    for (size_t i = 0; i < calls.size(); ++i) {
        const Json& call = calls[i];
        const std::string callPath = fmt::format("{}[{}]", path, i);
        if (!call.is_object()) return typeError(callPath, "an object", call);
        const FieldReader callFields(call, callPath);
        std::string text;
        if (auto e = callFields.readString("id", text)) return e;
        if (auto e = callFields.readString("type", text)) return e;
        if (callFields.find("type") && text != "function")
            return unsupportedValue(callPath + ".type", text, {"function"});
        const Json* function = callFields.find("function");
        if (!function) return missingField(callPath + ".function");
        if (!function->is_object()) return typeError(callPath + ".function", "an object", *function);
        const FieldReader functionFields(*function, callPath + ".function");
        if (!functionFields.find("name")) return missingField(callPath + ".function.name");
        if (auto e = functionFields.readString("name", text)) return e;
        Json normalized = call;
        Json& arguments = normalized["function"]["arguments"];
        if (arguments.is_null()) {
            arguments = Json::object();
        } else if (arguments.is_string()) {
            arguments = argumentsForTemplate(arguments.get<std::string>());
        } else if (!arguments.is_object()) {
            return typeError(callPath + ".function.arguments", "a string of JSON", arguments);
        }
        out.push_back(std::move(normalized));
    }
    return std::nullopt;
}

FieldError normalizeMessage(const Json& message, const std::string& path, Json& out) {
    if (!message.is_object()) return typeError(path, "an object", message);
    const FieldReader fields(message, path);
    const Json* role = fields.find("role");
    if (!role) return missingField(path + ".role");
    std::string roleName;
    if (auto e = toString(*role, path + ".role", roleName)) return e;
    if (roleName.empty()) return emptyString(path + ".role");
    std::string text;
    for (const char* key : {"name", "tool_call_id", "reasoning", "reasoning_content"})
        if (auto e = fields.readString(key, text)) return e;

    out = message;  // every key passes through, in its order; only these are rewritten
    if (message.contains("content"))
        if (auto e = normalizeContent(message["content"], path + ".content", out["content"])) return e;
    if (const Json* calls = fields.find("tool_calls"))
        if (auto e = normalizeToolCalls(*calls, path + ".tool_calls", out["tool_calls"])) return e;
    if (fields.find("reasoning") && !fields.find("reasoning_content")) out["reasoning_content"] = message["reasoning"];
    return std::nullopt;
}

}  // namespace

FieldError normalizeMessages(const FieldReader& fields, Json& out) {
    const Json* messages = fields.find("messages");
    if (!messages) return missingField("messages");
    if (!messages->is_array()) return typeError("messages", "an array of messages", *messages);
    if (messages->empty()) return emptyArray("messages");
    out = Json::array();
    for (size_t i = 0; i < messages->size(); ++i) {
        Json message;
        if (auto e = normalizeMessage((*messages)[i], fmt::format("messages[{}]", i), message)) return e;
        out.push_back(std::move(message));
    }
    return std::nullopt;
}

FieldError readTools(const FieldReader& fields, Json& out, std::vector<std::string>& names) {
    const Json* tools = fields.find("tools");
    if (!tools) return std::nullopt;
    if (!tools->is_array()) return typeError("tools", "an array of tools", *tools);
    if (tools->empty()) return emptyArray("tools");  // as OpenAI and vLLM: omit the field instead
    for (size_t i = 0; i < tools->size(); ++i) {
        const Json& tool = (*tools)[i];
        const std::string path = fmt::format("tools[{}]", i);
        if (!tool.is_object()) return typeError(path, "an object", tool);
        const FieldReader toolFields(tool, path);
        std::string type = "function";
        if (auto e = toolFields.readString("type", type)) return e;
        if (type != "function") return unsupportedValue(path + ".type", type, {"function"});
        const Json* function = toolFields.find("function");
        if (!function) return missingField(path + ".function");
        if (!function->is_object()) return typeError(path + ".function", "an object", *function);
        const FieldReader functionFields(*function, path + ".function");
        std::string name, description;
        if (!functionFields.find("name")) return missingField(path + ".function.name");
        if (auto e = functionFields.readString("name", name)) return e;
        if (name.empty()) return emptyString(path + ".function.name");
        if (auto e = functionFields.readString("description", description)) return e;
        if (const Json* parameters = functionFields.find("parameters"); parameters && !parameters->is_object())
            return typeError(path + ".function.parameters", "an object (a JSON Schema)", *parameters);
        names.push_back(std::move(name));
    }
    out = *tools;
    return std::nullopt;
}

FieldError readToolChoice(const FieldReader& fields, bool haveTools, const std::vector<std::string>& names, Json& out) {
    const Json* choice = fields.find("tool_choice");
    if (!choice) {
        out = haveTools ? "auto" : "none";
        return std::nullopt;
    }
    const auto needTools = [] { return badRequest("When using `tool_choice`, `tools` must be set.", "tool_choice"); };
    if (choice->is_string()) {
        const std::string mode = choice->get<std::string>();
        if (mode != "none" && mode != "auto" && mode != "required")
            return unsupportedValue("tool_choice", mode, {"none", "auto", "required"});
        if (mode != "none" && !haveTools) return needTools();
        out = mode;
        return std::nullopt;
    }
    if (!choice->is_object())
        return typeError("tool_choice", "'none', 'auto', 'required' or a named function", *choice);
    const FieldReader choiceFields(*choice, "tool_choice");
    std::string type = "function";
    if (auto e = choiceFields.readString("type", type)) return e;
    if (type != "function") return unsupportedValue("tool_choice.type", type, {"function"});
    const Json* function = choiceFields.find("function");
    if (!function) return missingField("tool_choice.function");
    if (!function->is_object()) return typeError("tool_choice.function", "an object", *function);
    const FieldReader functionFields(*function, "tool_choice.function");
    std::string name;
    if (!functionFields.find("name")) return missingField("tool_choice.function.name");
    if (auto e = functionFields.readString("name", name)) return e;
    if (name.empty()) return emptyString("tool_choice.function.name");
    if (!haveTools) return needTools();
    if (std::find(names.begin(), names.end(), name) == names.end())
        return badRequest(fmt::format("The tool specified in `tool_choice` does not match any of the specified "
                                      "`tools`: none is named {}.",
                                      shortDump(Json(name))),
                          "tool_choice.function.name");
    out = Json{{"type", "function"}, {"function", Json{{"name", name}}}};
    return std::nullopt;
}

}  // namespace pagoda::openai
