#include "app/api/structured_output_fields.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "engine/structured/tool_call_grammar.h"

namespace pagoda::openai {

namespace {

using Kind = structured::StructuredOutputRequest::Kind;

StructuredOutputField form(Kind kind, std::string field, std::string text = {}) {
    StructuredOutputField f;
    f.request.kind = kind;
    f.request.text = std::move(text);
    f.field = std::move(field);
    return f;
}

// The forms a body gives; a second one is refused, as vLLM refuses guided_json with
// guided_regex ("You can only use one kind of guided decoding").
class Forms {
public:
    FieldError add(StructuredOutputField f) {
        if (m_found)
            return badRequest(fmt::format("You can only use one kind of structured output, but both '{}' and '{}' "
                                          "were given.",
                                          m_found->field, f.field),
                              f.field);
        m_found = std::move(f);
        return std::nullopt;
    }
    std::optional<StructuredOutputField>& found() { return m_found; }

private:
    std::optional<StructuredOutputField> m_found;
};

// A JSON Schema: an object, or a string holding one (vLLM's guided_json takes both).
FieldError readSchema(const Json& value, const std::string& path, std::string& out) {
    if (value.is_object()) {
        out = value.dump();
        return std::nullopt;
    }
    if (!value.is_string()) return typeError(path, "a JSON Schema (an object)", value);
    const std::string& text = value.get_ref<const std::string&>();
    JsonShapeLimits shape;
    if (auto problem = jsonShapeProblem(text, shape))
        return badRequest(
            fmt::format("Invalid '{}': the schema {} (at byte offset {}).", path, problem->what, problem->offset),
            path);
    const Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded())
        return badRequest(fmt::format("Invalid '{}': the string is not JSON, so it is not a JSON Schema.", path), path);
    if (!parsed.is_object()) return typeError(path, "a JSON Schema (an object)", parsed);
    out = parsed.dump();
    return std::nullopt;
}

FieldError readChoices(const Json& value, const std::string& path, std::vector<std::string>& out) {
    if (!value.is_array()) return typeError(path, "an array of strings", value);
    if (value.empty()) return emptyArray(path);
    out.clear();
    for (size_t i = 0; i < value.size(); ++i) {
        std::string choice;
        if (auto e = toString(value[i], fmt::format("{}[{}]", path, i), choice)) return e;
        out.push_back(std::move(choice));
    }
    return std::nullopt;
}

// A schema-or-string field of kind JsonSchema, Regex or Grammar at `path`.
FieldError addText(Forms& forms, Kind kind, const Json& value, const std::string& path) {
    std::string text;
    if (kind == Kind::JsonSchema) {
        if (auto e = readSchema(value, path, text)) return e;
    } else if (auto e = toString(value, path, text)) {
        return e;
    }
    return forms.add(form(kind, path, std::move(text)));
}

FieldError addChoice(Forms& forms, const Json& value, const std::string& path) {
    StructuredOutputField f = form(Kind::Choice, path);
    if (auto e = readChoices(value, path, f.request.choices)) return e;
    return forms.add(std::move(f));
}

// OpenAI's response_format: {"type": "text" | "json_object" | "json_schema", "json_schema":
// {"name", "schema", "strict", "description"}}. llama.cpp's server also takes a "schema" beside
// "json_object"; so do we. A json_schema without a schema asks for any JSON object.
FieldError readResponseFormat(const FieldReader& fields, Forms& forms) {
    const Json* format = fields.find("response_format");
    if (!format) return std::nullopt;
    if (!format->is_object()) return typeError("response_format", "an object", *format);
    const FieldReader formatFields(*format, "response_format");
    if (!formatFields.find("type")) return missingField("response_format.type");
    std::string type;
    if (auto e = formatFields.readString("type", type)) return e;
    if (type == "text") return std::nullopt;
    if (type == "json_object") {
        if (const Json* schema = formatFields.find("schema"))
            return addText(forms, Kind::JsonSchema, *schema, "response_format.schema");
        return forms.add(form(Kind::JsonObject, "response_format"));
    }
    if (type != "json_schema")
        return unsupportedValue("response_format.type", type, {"text", "json_object", "json_schema"});
    const Json* jsonSchema = formatFields.find("json_schema");
    if (!jsonSchema) return missingField("response_format.json_schema");
    if (!jsonSchema->is_object()) return typeError("response_format.json_schema", "an object", *jsonSchema);
    const FieldReader schemaFields(*jsonSchema, "response_format.json_schema");
    std::string name, description;
    bool strict = false;  // always enforced: the grammar allows only what the schema allows
    if (auto e = schemaFields.readString("name", name)) return e;
    if (auto e = schemaFields.readString("description", description)) return e;
    if (auto e = schemaFields.readBool("strict", strict)) return e;
    if (const Json* schema = schemaFields.find("schema"))
        return addText(forms, Kind::JsonSchema, *schema, "response_format.json_schema.schema");
    return forms.add(form(Kind::JsonObject, "response_format.json_schema"));
}

// vLLM's structured_outputs: {json, regex, choice, grammar, json_object, disable_any_whitespace,
// ...}; one constraint at most.
FieldError readVllmStructuredOutputs(const FieldReader& fields, Forms& forms) {
    const Json* outputs = fields.find("structured_outputs");
    if (!outputs) return std::nullopt;
    if (!outputs->is_object()) return typeError("structured_outputs", "an object", *outputs);
    const FieldReader o(*outputs, "structured_outputs");
    if (o.find("structural_tag"))
        return badRequest(
            "Invalid 'structured_outputs': 'structural_tag' is not supported by this server; use 'json', "
            "'regex', 'choice' or 'grammar'.",
            "structured_outputs.structural_tag");
    if (const Json* json = o.find("json"))
        if (auto e = addText(forms, Kind::JsonSchema, *json, o.path("json"))) return e;
    if (const Json* regex = o.find("regex"))
        if (auto e = addText(forms, Kind::Regex, *regex, o.path("regex"))) return e;
    if (const Json* choice = o.find("choice"))
        if (auto e = addChoice(forms, *choice, o.path("choice"))) return e;
    if (const Json* grammar = o.find("grammar"))
        if (auto e = addText(forms, Kind::Grammar, *grammar, o.path("grammar"))) return e;
    bool jsonObject = false;
    if (auto e = o.readBool("json_object", jsonObject)) return e;
    if (jsonObject)
        if (auto e = forms.add(form(Kind::JsonObject, o.path("json_object")))) return e;
    bool compact = false;
    if (auto e = o.readBool("disable_any_whitespace", compact)) return e;
    if (compact && forms.found()) forms.found()->request.compactWhitespace = true;
    return std::nullopt;
}

// vLLM's older guided_* fields. guided_whitespace_pattern is read and ignored, as vLLM's
// default (xgrammar) backend ignores it: the answer is still JSON the schema accepts.
FieldError readGuidedFields(const FieldReader& fields, Forms& forms) {
    if (const Json* json = fields.find("guided_json"))
        if (auto e = addText(forms, Kind::JsonSchema, *json, "guided_json")) return e;
    if (const Json* regex = fields.find("guided_regex"))
        if (auto e = addText(forms, Kind::Regex, *regex, "guided_regex")) return e;
    if (const Json* choice = fields.find("guided_choice"))
        if (auto e = addChoice(forms, *choice, "guided_choice")) return e;
    if (const Json* grammar = fields.find("guided_grammar"))
        if (auto e = addText(forms, Kind::Grammar, *grammar, "guided_grammar")) return e;
    std::string whitespacePattern;
    if (auto e = fields.readString("guided_whitespace_pattern", whitespacePattern)) return e;
    return std::nullopt;
}

// llama.cpp server's `grammar` (GBNF; "" is none, as there) and `json_schema`.
FieldError readLlamaCppFields(const FieldReader& fields, Forms& forms) {
    std::string grammar;
    if (auto e = fields.readString("grammar", grammar)) return e;
    if (!grammar.empty())
        if (auto e = forms.add(form(Kind::Grammar, "grammar", std::move(grammar)))) return e;
    if (const Json* schema = fields.find("json_schema"))
        if (auto e = addText(forms, Kind::JsonSchema, *schema, "json_schema")) return e;
    return std::nullopt;
}

}  // namespace

FieldError readStructuredOutput(const FieldReader& fields, std::optional<StructuredOutputField>& out) {
    Forms forms;
    if (auto e = readResponseFormat(fields, forms)) return e;
    if (auto e = readVllmStructuredOutputs(fields, forms)) return e;
    if (auto e = readGuidedFields(fields, forms)) return e;
    if (auto e = readLlamaCppFields(fields, forms)) return e;
    out = std::move(forms.found());
    return std::nullopt;
}

FieldError readOllamaFormat(const FieldReader& fields, std::optional<StructuredOutputField>& out) {
    const Json* format = fields.find("format");
    if (!format) return std::nullopt;
    if (format->is_string()) {
        const std::string& name = format->get_ref<const std::string&>();
        if (name.empty()) return std::nullopt;
        if (name != "json") return unsupportedValue("format", name, {"json"});
        out = form(Kind::JsonObject, "format");
        return std::nullopt;
    }
    std::string schema;
    if (!format->is_object()) return typeError("format", "\"json\" or a JSON Schema object", *format);
    if (auto e = readSchema(*format, "format", schema)) return e;
    out = form(Kind::JsonSchema, "format", std::move(schema));
    return std::nullopt;
}

ApiResult<structured::StructuredOutput> compileStructuredOutputField(const StructuredOutputField& field) {
    auto compiled = structured::compileStructuredOutput(field.request);
    if (!compiled)
        return badRequest(fmt::format("Invalid '{}': {}", field.field, compiled.error().message), field.field);
    return std::move(compiled).value();
}

FieldError readAndCompileStructuredOutput(const FieldReader& fields, std::optional<structured::StructuredOutput>& out) {
    std::optional<StructuredOutputField> field;
    if (auto e = readStructuredOutput(fields, field)) return e;
    if (!field) return std::nullopt;
    auto compiled = compileStructuredOutputField(*field);
    if (!compiled) return compiled.error();
    out = std::move(compiled).value();
    return std::nullopt;
}

namespace {

// The tools a forced tool_choice allows: every tool for "required", the named one otherwise;
// nullopt when tool_choice forces nothing ("none", "auto").
std::optional<structured::ToolCallGrammarRequest> forcedToolCall(const Json& tools, const Json& toolChoice) {
    const bool required = toolChoice == "required";
    if (!required && !toolChoice.is_object()) return std::nullopt;
    const std::string named = required ? std::string() : toolChoice["function"]["name"].get<std::string>();
    structured::ToolCallGrammarRequest request;
    request.severalCalls = required;
    for (const Json& tool : tools) {
        const Json& function = tool["function"];
        const std::string name = function["name"].get<std::string>();
        if (!required && name != named) continue;
        const auto parameters = function.find("parameters");
        const bool schema = parameters != function.end() && parameters->is_object();
        request.tools.push_back({name, schema ? parameters->dump() : std::string()});
        if (!required) break;  // a name given twice: the first tool of that name
    }
    return request;
}

// A forced call whose grammar failed: the first offered tool whose parameters the JSON Schema
// front end refuses is the field at fault; otherwise tool_choice (e.g. a template without markup).
ApiError forcedCallError(const Json& tools, const structured::ToolCallGrammarRequest& forced, const Error& error) {
    for (size_t i = 0; i < tools.size(); ++i) {
        const Json& function = tools[i]["function"];
        const auto parameters = function.find("parameters");
        if (parameters == function.end() || !parameters->is_object()) continue;
        const std::string name = function["name"].get<std::string>();
        const bool offered = std::any_of(forced.tools.begin(), forced.tools.end(),
                                         [&](const structured::ToolSignature& tool) { return tool.name == name; });
        if (!offered) continue;
        structured::StructuredOutputRequest schema;
        schema.kind = structured::StructuredOutputRequest::Kind::JsonSchema;
        schema.text = parameters->dump();
        if (auto built = structured::buildGrammar(schema); !built) {
            const std::string path = fmt::format("tools[{}].function.parameters", i);
            return badRequest(fmt::format("Invalid '{}': tool_choice forces a call of '{}', but its parameters cannot "
                                          "be enforced: {}",
                                          path, name, built.error().message),
                              path);
        }
    }
    return badRequest(fmt::format("Invalid 'tool_choice': {}", error.message), "tool_choice");
}

bool thinksFirst(const ChatOutputOptions& options, std::string_view templateSource) {
    if (!options.reasoning) return false;
    return options.reasoningStartsOpen || templateSource.find("enable_thinking") != std::string_view::npos;
}

}  // namespace

FieldError constrainChatAnswer(const Json& tools, const Json& toolChoice, const ChatOutputOptions& options,
                               std::string_view templateSource, const Tokenizer& tokenizer, SamplingParams& params) {
    if (auto forced = forcedToolCall(tools, toolChoice)) {
        forced->format = options.format;
        auto compiled = structured::compileToolCallGrammar(*forced);
        if (!compiled) return forcedCallError(tools, *forced, compiled.error());
        params.structuredOutput = std::move(compiled).value();
    }
    if (params.structuredOutput && thinksFirst(options, templateSource))
        params.structuredOutput->startsAfterToken = tokenizer.tokenToId("</think>");
    return std::nullopt;
}

}  // namespace pagoda::openai
