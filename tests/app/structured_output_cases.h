// Structured-output request bodies for openai_protocol_test (outside the Q_OBJECT file: moc
// misreads raw string literals): every form that is refused, and the field each error names.
#pragma once

#include <string>
#include <vector>

#include "tests/app/openai_protocol_cases.h"

namespace openai_cases {

// A JSON escaped quote inside a JSON string, written ` (moc misreads \" in a raw literal).
inline std::string esc(std::string text) {
    std::string out;
    for (char c : text) out += c == '`' ? std::string("\\\"") : std::string(1, c);
    return out;
}

inline const std::string kPersonSchema =
    R"({"type": "object", "properties": {"name": {"type": "string", "maxLength": 8}}, "required": ["name"]})";

// Bodies with one structured-output form each that must be accepted and compiled, by the form's name.
struct StructuredForm {
    const char* name;
    Endpoint endpoint;
    std::string body;
};

inline std::vector<StructuredForm> structuredForms() {
    const auto C = Endpoint::Chat;
    const auto P = Endpoint::Completions;
    return {
        {"response_format json_object", C, chat(R"("response_format": {"type": "json_object"})")},
        {"response_format json_schema", C,
         chat(
             R"("response_format": {"type": "json_schema", "json_schema": {"name": "person", "strict": true, "schema": )" +
             kPersonSchema + "}}")},
        {"response_format json_schema without a schema", C,
         chat(R"("response_format": {"type": "json_schema", "json_schema": {"name": "any"}})")},
        {"llama.cpp response_format json_object with schema", C,
         chat(R"("response_format": {"type": "json_object", "schema": )" + kPersonSchema + "}")},
        {"structured_outputs json", C, chat(R"("structured_outputs": {"json": )" + kPersonSchema + "}")},
        {"structured_outputs json as a string", C,
         chat(esc(R"("structured_outputs": {"json": "{`type`: `integer`}", "disable_any_whitespace": true})"))},
        {"structured_outputs regex", C, chat(R"("structured_outputs": {"regex": "[a-z]{1,5}@example\\.com"})")},
        {"structured_outputs choice", C, chat(R"("structured_outputs": {"choice": ["yes", "no"]})")},
        {"structured_outputs grammar", C, chat(esc(R"("structured_outputs": {"grammar": "root ::= `a` | `b`"})"))},
        {"structured_outputs json_object", C, chat(R"("structured_outputs": {"json_object": true})")},
        {"guided_json", C, chat(R"("guided_json": )" + kPersonSchema)},
        {"guided_regex", P, completion(R"("guided_regex": "\\d{3}")")},
        {"guided_choice", P, completion(R"("guided_choice": ["red", "green"], "guided_whitespace_pattern": " ")")},
        {"guided_grammar", P, completion(R"("guided_grammar": "root ::= [0-9]+")")},
        {"llama.cpp grammar", P, completion(esc(R"("grammar": "root ::= `x`")"))},
        {"llama.cpp json_schema", C, chat(R"("json_schema": )" + kPersonSchema)},
        {"response_format text beside guided_choice", C,
         chat(R"("response_format": {"type": "text"}, "guided_choice": ["a"])")},
        {"completions response_format", P, completion(R"("response_format": {"type": "json_object"})")},
    };
}

inline std::vector<MalformedCase> structuredOutputErrorCases() {
    const auto C = Endpoint::Chat;
    const auto P = Endpoint::Completions;
    const char* bad = "BadRequestError";
    return {
        {"response_format type unknown", C, chat(R"("response_format": {"type": "xml"})"), 400, bad,
         "response_format.type", "Supported values are: 'text', 'json_object', and 'json_schema'."},
        {"response_format without type", C, chat(R"("response_format": {})"), 400, bad, "response_format.type",
         "Missing required parameter"},
        {"json_schema missing", C, chat(R"("response_format": {"type": "json_schema"})"), 400, bad,
         "response_format.json_schema", "Missing required parameter"},
        {"json_schema a string", C, chat(R"("response_format": {"type": "json_schema", "json_schema": "x"})"), 400, bad,
         "response_format.json_schema", "expected an object"},
        {"json_schema.schema a number", C,
         chat(R"("response_format": {"type": "json_schema", "json_schema": {"name": "n", "schema": 5}})"), 400, bad,
         "response_format.json_schema.schema", "expected a JSON Schema"},
        {"json_schema.strict a string", C,
         chat(R"("response_format": {"type": "json_schema", "json_schema": {"name": "n", "strict": "yes"}})"), 400, bad,
         "response_format.json_schema.strict", "expected a boolean"},
        {"response_format and guided_regex", C,
         chat(R"("response_format": {"type": "json_object"}, "guided_regex": "a+")"), 400, bad, "guided_regex",
         "You can only use one kind of structured output, but both 'response_format' and 'guided_regex' were given."},
        {"structured_outputs json and regex", C,
         chat(R"("structured_outputs": {"json": {"type": "object"}, "regex": "a"})"), 400, bad,
         "structured_outputs.regex", "both 'structured_outputs.json' and 'structured_outputs.regex'"},
        {"structured_outputs and grammar", P,
         completion(esc(R"("structured_outputs": {"choice": ["a"]}, "grammar": "root ::= `a`")")), 400, bad, "grammar",
         "both 'structured_outputs.choice' and 'grammar'"},
        {"structured_outputs a list", C, chat(R"("structured_outputs": [])"), 400, bad, "structured_outputs",
         "expected an object"},
        {"structured_outputs choice empty", C, chat(R"("structured_outputs": {"choice": []})"), 400, bad,
         "structured_outputs.choice", "empty array"},
        {"structured_outputs structural_tag", C, chat(R"("structured_outputs": {"structural_tag": "{}"})"), 400, bad,
         "structured_outputs.structural_tag", "not supported"},
        {"guided_choice with a number", P, completion(R"("guided_choice": ["a", 1])"), 400, bad, "guided_choice[1]",
         "expected a string"},
        {"guided_json not JSON", C, chat(R"("guided_json": "{type: object}")"), 400, bad, "guided_json",
         "the string is not JSON"},
        {"guided_json an array", C, chat(R"("guided_json": [1])"), 400, bad, "guided_json", "expected a JSON Schema"},
        {"guided_regex a number", P, completion(R"("guided_regex": 5)"), 400, bad, "guided_regex", "expected a string"},
        {"grammar a number", P, completion(R"("grammar": 5)"), 400, bad, "grammar", "expected a string"},
        {"forced tool call with a format", C,
         chat(kTools + R"(, "tool_choice": "required", "response_format": {"type": "json_object"})"), 400, bad,
         "response_format", "You can only either use constraints for structured outputs or tools, not both"},
        // What the grammar front ends refuse arrives as a 400 naming the field.
        {"regex that does not compile", C, chat(R"("guided_regex": "(ab")"), 400, bad, "guided_regex",
         "Invalid 'guided_regex': "},
        {"regex with a backreference", P, completion(R"("structured_outputs": {"regex": "(a)\\1"})"), 400, bad,
         "structured_outputs.regex", "Invalid 'structured_outputs.regex': "},
        {"GBNF without root", C, chat(esc(R"("guided_grammar": "start ::= `a`")")), 400, bad, "guided_grammar",
         "Invalid 'guided_grammar': "},
        {"GBNF syntax error", P, completion(esc(R"("grammar": "root ::= `a")")), 400, bad, "grammar",
         "Invalid 'grammar': "},
        {"schema of an unknown type", C, chat(R"("guided_json": {"type": "frobnicate"})"), 400, bad, "guided_json",
         "Invalid 'guided_json': "},
    };
}

}  // namespace openai_cases
