// JSON Schema to grammar: for each keyword, the grammar accepts JSON the schema accepts (in
// the schema's property order) and rejects what it does not, checked through the engine
// (compileGrammar + TokenGrammar over a one-byte-per-token vocabulary). Keywords that cannot
// be enforced are errors naming the keyword and where it is.
#include <QtTest>

#include <fmt/format.h>

#include "engine/structured/compiled_grammar.h"
#include "engine/structured/grammar_matcher.h"
#include "engine/structured/json_schema_grammar.h"
#include "engine/structured/token_vocabulary.h"

using namespace pagoda;
using namespace pagoda::structured;

namespace {

using Strings = std::vector<std::string>;

struct Case {
    std::string schema;
    Strings accepted;
    Strings rejected;
};

struct ErrorCase {
    std::string schema;
    std::string message;  // a part the error must contain
};

std::shared_ptr<const TokenVocabulary> byteVocabulary() {
    static const auto vocabulary = [] {
        std::vector<std::string> bytes;
        for (int b = 0; b < 256; ++b) bytes.push_back(std::string(1, char(b)));
        return std::make_shared<const TokenVocabulary>(std::move(bytes), std::span<const int32_t>{}, std::span<const int32_t>{});
    }();
    return vocabulary;
}

std::string printable(std::string_view text) {
    std::string out;
    for (unsigned char c : text) out += (c < 0x20 || c == 0x7F) ? fmt::format("\\x{:02X}", c) : std::string(1, char(c));
    return out;
}

// Empty when the grammar accepts every string in `accepted` and rejects every one in
// `rejected`; otherwise what went wrong.
std::string grammarVerdicts(const Grammar& grammar, const Strings& accepted, const Strings& rejected) {
    auto compiled = compileGrammar(grammar);
    if (!compiled) return "compileGrammar failed: " + compiled.error().message + "\n" + toGbnf(grammar);
    TokenGrammar tokens(*compiled, byteVocabulary());
    std::string failures;
    auto check = [&](const std::string& text, bool expected) {
        auto state = tokens.advance(tokens.initialState(), text);
        if (!state) {
            failures += fmt::format("'{}': {}\n", printable(text), state.error().message);
            return;
        }
        const bool accepts = *state != TokenGrammar::kDead && tokens.accepting(*state);
        if (accepts != expected) failures += fmt::format("'{}': accepted {}, expected {}\n", printable(text), accepts, expected);
    };
    for (const std::string& text : accepted) check(text, true);
    for (const std::string& text : rejected) check(text, false);
    return failures;
}

std::string schemaVerdicts(const Case& c, JsonGrammarOptions options = {}) {
    auto grammar = jsonSchemaGrammar(std::string_view(c.schema), options);
    if (!grammar) return fmt::format("schema {}:\n  {}\n", c.schema, grammar.error().message);
    const std::string failures = grammarVerdicts(*grammar, c.accepted, c.rejected);
    return failures.empty() ? "" : fmt::format("schema {}:\n{}", c.schema, failures);
}

void checkCases(const std::vector<Case>& cases, JsonGrammarOptions options = {}) {
    std::string failures;
    for (const Case& c : cases) failures += schemaVerdicts(c, options);
    QVERIFY2(failures.empty(), failures.c_str());
}

void checkErrors(const std::vector<ErrorCase>& cases) {
    std::string failures;
    for (const ErrorCase& c : cases) {
        auto grammar = jsonSchemaGrammar(std::string_view(c.schema));
        if (grammar) failures += fmt::format("schema {}: accepted, expected an error containing \"{}\"\n", c.schema, c.message);
        else if (grammar.error().message.find(c.message) == std::string::npos)
            failures += fmt::format("schema {}: error \"{}\" lacks \"{}\"\n", c.schema, grammar.error().message, c.message);
    }
    QVERIFY2(failures.empty(), failures.c_str());
}

}  // namespace

// Declared before any test data: moc misreads raw strings holding \" and would lose the class.
class JsonSchemaGrammarTest : public QObject {
    Q_OBJECT

private slots:
    void scalarTypesAcceptTheirJsonForms();
    void objectsFollowTheSchemasPropertyOrder();
    void additionalPropertiesDefaultToAnyValueAfterTheListedOnes();
    void patternPropertiesConstrainMatchingNames();
    void oneOfBranchesToldApartByRequiredPropertiesStayExclusive();
    void unsatisfiableOptionalPartsAreLeftOut();
    void notExcludesWhatItCanSay();
    void dependenciesHoldByAlwaysHoldingTheirConsequence();
    void maxPropertiesLimitsUndeclaredMembers();
    void minPropertiesOneNeedsSomeMember();
    void enumAndConstAcceptExactlyTheirValues();
    void anyOfOneOfAndAllOfCombine();
    void refsResolveLocalPointersAndRecurse();
    void arraysHonourItemsPrefixItemsAndCounts();
    void stringLengthsCountCodePointsAndEscapes();
    void longLengthsAreExactAtEveryCount();
    void patternsMatchAnywhereUnlessAnchored();
    void formatsAreExact();
    void integerBoundsAreExactAtTheirEdges();
    void numberBoundsAreExactWithoutExponents();
    void whitespaceIsBoundedOrAbsent();
    void annotationsAreIgnored();
    void jsonObjectModeAcceptsAnyObject();
    void schemasEmbedUnderTheirOwnPrefixes();
    void unsupportedKeywordsAreErrorsNamingTheirPlace();
    void oversizedSchemasAreRefused();
};

void JsonSchemaGrammarTest::scalarTypesAcceptTheirJsonForms() {
    checkCases({
        {R"({"type": "string"})", {R"("abc")", R"("")", R"("a\"b\\c\/\b\f\n\r\t")", R"("\u00e9\uD83D\ude00")", "\"é😀\""},
         {"abc", R"("a)", "\"a\x01\"", R"("\x")", R"("\u12")", "\"a\"b\""}},
        {R"({"type": "integer"})", {"0", "-5", "123", "-0"}, {"1.5", "01", "+1", "", "1e5", "--1"}},
        {R"({"type": "number"})", {"1.5", "-0.25e-3", "10", "0", "1E+10", "-0.0"}, {".5", "1.", "01.5", "1e", "-", "1.5.2"}},
        {R"({"type": "boolean"})", {"true", "false"}, {"True", "1", "null"}},
        {R"({"type": "null"})", {"null"}, {"nul", "false"}},
        {R"({"type": ["string", "null"]})", {R"("x")", "null"}, {"1", "true"}},
        {R"({"type": "integer", "nullable": true})", {"null", "3"}, {R"("3")"}},
        {R"({})", {"1", R"({"a": [true, null, "x"]})", "[]", R"("s")"}, {"", "[1,]", "{,}"}},
        {R"(true)", {"1", "{}"}, {"x"}},
    });
}

void JsonSchemaGrammarTest::objectsFollowTheSchemasPropertyOrder() {
    checkCases({
        {R"({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}, "required": ["a"],
            "additionalProperties": false})",
         {R"({"a":1})", R"({"a": 1, "b": "x"})", "{ \"a\" : 1 , \"b\" : \"x\" }", "{\n  \"a\": 1,\n  \"b\": \"x\"\n}"},
         {"{}", R"({"b": "x"})", R"({"b": "x", "a": 1})", R"({"a": 1, "c": 2})", R"({"a": 1,})", R"({"a": "1"})", R"({"a": 1 "b": "x"})"}},
        // Every subset of optional properties, in order, without a grammar per subset.
        {R"({"properties": {"x": {"type": "integer"}, "y": {"type": "integer"}, "z": {"type": "integer"}},
            "additionalProperties": false})",
         {"{}", R"({"y": 1})", R"({"x": 1, "z": 3})", R"({"x": 1, "y": 2, "z": 3})", R"({"z": 3})"},
         {R"({"z": 3, "x": 1})", R"({"x": 1, "x": 1})", R"({, "y": 1})", R"({"y": 1,})"}},
        // A required property after optional ones.
        {R"({"properties": {"x": {"type": "integer"}, "y": {"type": "integer"}}, "required": ["y"], "additionalProperties": false})",
         {R"({"y": 2})", R"({"x": 1, "y": 2})"}, {"{}", R"({"x": 1})"}},
        // Required properties that "properties" does not list take any value.
        {R"({"type": "object", "required": ["id"]})", {R"({"id": [1]})", R"({"id": 1, "more": true})"}, {"{}", R"({"more": true})"}},
        // Property names with characters JSON escapes.
        {R"({"properties": {"a\"b": {"type": "integer"}, "é": {"type": "integer"}}, "required": ["a\"b", "é"], "additionalProperties": false})",
         {R"({"a\"b": 1, "é": 2})"}, {R"({"ab": 1, "é": 2})"}},
    });
}

void JsonSchemaGrammarTest::additionalPropertiesDefaultToAnyValueAfterTheListedOnes() {
    checkCases({
        {R"({"properties": {"a": {"type": "integer"}}})",
         {"{}", R"({"a": 1})", R"({"a": 1, "extra": [1, {"k": null}]})", R"({"zz": true})", R"({"ab": 1, "b": 2})", R"({"": 0})",
          R"({"x\ny": 0})"},
         {R"({"a": "s"})", R"({"a": 1, "a": 2})", R"({"a": 1, "\u0061": 2})", R"({"extra": 1, "a": 1})", R"({"a": 1, "b"})"}},
        {R"({"type": "object", "additionalProperties": {"type": "integer"}})", {"{}", R"({"x": 1, "y": 2})"}, {R"({"x": "s"})"}},
        {R"({"type": "object", "additionalProperties": true})", {R"({"x": {}})"}, {"[]"}},
        {R"({"type": "object", "properties": {"a": {"type": "integer"}}, "unevaluatedProperties": false})", {R"({"a": 1})"}, {R"({"b": 1})"}},
        {R"({"type": "object", "properties": {"a": false, "b": {"type": "integer"}}})", {R"({"b": 1})", "{}"}, {R"({"a": 1})"}},
    });
}

void JsonSchemaGrammarTest::patternPropertiesConstrainMatchingNames() {
    checkCases({
        // The one pattern's names are written with its schema; no other undeclared names.
        {R"({"type": "object", "patternProperties": {"^x-[a-z]+$": {"type": "integer"}}})",
         {"{}", R"({"x-a": 1, "x-bc": 2})"}, {R"({"x-a": "s"})", R"({"y": 1})", R"({"x-1": 1})"}},
        // A declared name a pattern matches must satisfy both schemas.
        {R"({"properties": {"s_1": {"type": "integer"}}, "patternProperties": {"^s_": {"minimum": 10}}, "additionalProperties": false})",
         {R"({"s_1": 10})", "{}"}, {R"({"s_1": 9})", R"({"s_2": 10})"}},
        {R"({"patternProperties": {".*": {"type": "string"}}, "properties": {"basic": {"type": "string"}}, "required": ["basic"]})",
         {R"({"basic": "x", "more": "y"})"}, {R"({"basic": "x", "more": 1})", R"({"basic": "x", "basic": "y"})", R"({"basic": 1})"}},
        {R"({"type": "object", "patternProperties": {"^a": {"type": "string"}, "^b": {"type": "integer"}}, "required": ["bee"]})",
         {R"({"bee": 1})"}, {R"({"bee": "1"})", R"({"bee": 1, "ant": "x"})"}},
    });
}

void JsonSchemaGrammarTest::oneOfBranchesToldApartByRequiredPropertiesStayExclusive() {
    checkCases({
        {R"({"type": "object", "properties": {"pojo": {"type": "integer"}, "json": {"type": "integer"}}, "additionalProperties": false,
            "oneOf": [{"required": ["pojo"]}, {"required": ["json"]}]})",
         {R"({"pojo": 1})", R"({"json": 2})"}, {R"({"pojo": 1, "json": 2})", "{}"}},
        {R"({"oneOf": [{"type": "object", "required": ["id", "win"]}, {"type": "object", "required": ["id", "lose"]}]})",
         {R"({"id": 1, "win": 2})", R"({"id": 1, "lose": 2, "other": 3})"}, {R"({"id": 1, "win": 2, "lose": 3})", R"({"id": 1})"}},
    });
}

void JsonSchemaGrammarTest::unsatisfiableOptionalPartsAreLeftOut() {
    checkCases({
        {R"({"type": "object", "properties": {"a": {"enum": ["x"], "type": "integer"}, "b": {"type": "integer"}}, "additionalProperties": false})",
         {"{}", R"({"b": 1})"}, {R"({"a": "x"})", R"({"a": 1})"}},
        {R"({"anyOf": [{"type": "integer", "minimum": 3, "maximum": 2}, {"type": "string"}]})", {R"("s")"}, {"2", "3"}},
        {R"({"type": "array", "prefixItems": [{"type": "null"}], "items": {"enum": []}})", {"[]", "[null]"}, {"[null, 1]"}},
        {R"({"$defs": {"never": {"type": "integer", "minimum": 1, "maximum": 0}}, "type": "object",
            "properties": {"n": {"$ref": "#/$defs/never"}, "m": {"$ref": "#/$defs/never"}}, "additionalProperties": false})",
         {"{}"}, {R"({"n": 0})", R"({"m": 1})"}},
    });
}

void JsonSchemaGrammarTest::notExcludesWhatItCanSay() {
    checkCases({
        {R"({"type": "object", "properties": {"a": {}, "b": {}}, "not": {"required": ["b"]}})", {R"({"a": 1})", "{}"}, {R"({"b": 1})", R"({"a": 1, "b": 2})"}},
        {R"({"not": {"type": ["string", "number"]}})", {"null", "true", "[]", "{}"}, {R"("s")", "1", "1.5"}},
        {R"({"type": "object", "not": {"anyOf": [{"required": ["x"]}, {"required": ["y"]}]}})", {R"({"z": 1})"}, {R"({"x": 1})", R"({"y": 1})"}},
        {R"({"not": false, "type": "boolean"})", {"true"}, {"1"}},
        // Not both: either may be written alone.
        {R"({"type": "object", "properties": {"queue": {}, "exchange": {}}, "additionalProperties": false, "not": {"required": ["queue", "exchange"]}})",
         {R"({"queue": 1})", R"({"exchange": 1})", "{}"}, {R"({"queue": 1, "exchange": 2})"}},
        {R"({"type": "string", "not": {"enum": ["parent", "datum"]}})", {R"("item")", R"("par")", R"("parents")", R"("")"}, {R"("parent")", R"("datum")"}},
        {R"({"type": ["boolean", "null"], "not": {"const": true}})", {"false", "null"}, {"true"}},
        {R"({"enum": ["a", "b", "c"], "not": {"enum": ["b"]}})", {R"("a")", R"("c")"}, {R"("b")"}},
    });
}

void JsonSchemaGrammarTest::dependenciesHoldByAlwaysHoldingTheirConsequence() {
    checkCases({
        // The dependents become required: whether or not "card" is written, "billing" is.
        {R"({"type": "object", "properties": {"card": {}, "billing": {}}, "additionalProperties": false, "dependencies": {"card": ["billing"]}})",
         {R"({"card": 1, "billing": 2})", R"({"billing": 2})"}, {R"({"card": 1})", "{}"}},
        {R"({"type": "object", "properties": {"card": {}}, "additionalProperties": false, "dependentRequired": {"card": ["billing"]}})",
         {"{}"}, {R"({"card": 1})"}},
        {R"({"type": "object", "properties": {"n": {"type": "integer"}}, "dependentSchemas": {"n": {"properties": {"n": {"minimum": 5}}}}})",
         {R"({"n": 5})", "{}"}, {R"({"n": 4})"}},
    });
}

void JsonSchemaGrammarTest::maxPropertiesLimitsUndeclaredMembers() {
    checkCases({
        {R"({"type": "object", "maxProperties": 2})", {"{}", R"({"a": 1})", R"({"a": 1, "b": 2})"}, {R"({"a": 1, "b": 2, "c": 3})"}},
        {R"({"type": "object", "properties": {"a": {}}, "maxProperties": 2})", {R"({"a": 1, "b": 2})", R"({"b": 2})"}, {R"({"a": 1, "b": 2, "c": 3})", R"({"b": 1, "c": 2})"}},
        {R"({"type": "object", "properties": {"a": {}}, "maxProperties": 1})", {R"({"a": 1})", "{}"}, {R"({"b": 1})"}},
    });
}

void JsonSchemaGrammarTest::minPropertiesOneNeedsSomeMember() {
    checkCases({
        {R"({"type": "object", "properties": {"a": {}, "b": {}}, "additionalProperties": false, "minProperties": 1})",
         {R"({"a": 1})", R"({"b": 1})", R"({"a": 1, "b": 2})"}, {"{}"}},
        {R"({"type": "object", "minProperties": 1})", {R"({"x": 1})"}, {"{}"}},
        {R"({"type": "object", "required": ["a"], "minProperties": 1})", {R"({"a": 1})"}, {"{}"}},
    });
}

void JsonSchemaGrammarTest::enumAndConstAcceptExactlyTheirValues() {
    checkCases({
        {R"({"enum": ["red", "green", 1, null, {"a": [1, 2]}]})",
         {R"("red")", "1", "null", R"({"a":[1,2]})", R"({ "a" : [ 1, 2 ] })"}, {R"("blue")", "2", R"({"a": [2, 1]})", "red"}},
        {R"({"const": "fixed"})", {R"("fixed")"}, {R"("other")"}},
        {R"({"type": "string", "enum": ["a", "bb", 3]})", {R"("a")", R"("bb")"}, {"3"}},
        {R"({"type": "integer", "enum": [1, 2, 3], "minimum": 2})", {"2", "3"}, {"1"}},
        {R"({"type": "string", "enum": ["a", "bbb"], "maxLength": 2})", {R"("a")"}, {R"("bbb")"}},
        {R"({"type": "string", "enum": ["2024-01-01", "soon", "a1", "b2"], "format": "date"})", {R"("2024-01-01")"}, {R"("soon")"}},
        {R"({"type": "string", "enum": ["a1", "b2", "c"], "pattern": "[0-9]"})", {R"("a1")", R"("b2")"}, {R"("c")"}},
        {R"({"enum": ["tab\there", "quote\""]})", {R"("tab\there")", R"("quote\"")"}, {"\"tab\there\""}},
    });
}

void JsonSchemaGrammarTest::anyOfOneOfAndAllOfCombine() {
    checkCases({
        {R"({"anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 2}]})", {"5", R"("ab")"}, {R"("abc")", "true"}},
        {R"({"oneOf": [{"type": "boolean"}, {"type": "null"}]})", {"true", "null"}, {"0"}},
        // Objects told apart by a constant both must carry (a discriminator).
        {R"({"oneOf": [{"type": "object", "properties": {"kind": {"const": "a"}, "x": {"type": "integer"}}, "required": ["kind"]},
                       {"type": "object", "properties": {"kind": {"const": "b"}}, "required": ["kind"]}]})",
         {R"({"kind": "a", "x": 1})", R"({"kind": "b"})"}, {R"({"kind": "c"})", "{}"}},
        // Keywords next to anyOf apply to every branch.
        {R"({"type": "object", "properties": {"a": {}, "b": {}}, "additionalProperties": false,
            "anyOf": [{"required": ["a"]}, {"required": ["b"]}]})",
         {R"({"a": 1})", R"({"b": 2})", R"({"a": 1, "b": 2})"}, {"{}"}},
        {R"({"type": "object", "allOf": [{"properties": {"a": {"type": "integer"}}, "required": ["a"]},
                                         {"properties": {"b": {"type": "string"}}, "required": ["b"]}]})",
         {R"({"a": 1, "b": "x"})", R"({"a": 1, "b": "x", "c": 0})"}, {R"({"a": 1})", R"({"b": "x", "a": 1})"}},
        {R"({"allOf": [{"type": "integer", "minimum": 0}, {"maximum": 10}]})", {"0", "10"}, {"11", "-1", "5.5"}},
        {R"({"allOf": [{"type": ["number", "string"]}, {"type": ["integer", "null"]}]})", {"3"}, {"3.5", "null", R"("s")"}},
        {R"({"allOf": [{"properties": {"a": {"type": "integer"}}}, {"properties": {"a": {"minimum": 5}}}], "type": "object"})",
         {R"({"a": 5})"}, {R"({"a": 4})"}},
        {R"({"allOf": [{"enum": [1, 2, 3]}, {"enum": [2, 3, 4]}]})", {"2", "3"}, {"1", "4"}},
        // One member's additionalProperties reaches the properties only another member lists.
        {R"({"allOf": [{"properties": {"a": {}}, "additionalProperties": false}, {"properties": {"b": {}}}]})", {R"({"a": 1})", "{}"}, {R"({"b": 1})"}},
        {R"({"allOf": [{"properties": {"a": {}}, "additionalProperties": {"type": "integer"}}, {"properties": {"b": {}}}]})",
         {R"({"a": "x", "b": 1})"}, {R"({"b": "x"})"}},
    });
}

void JsonSchemaGrammarTest::refsResolveLocalPointersAndRecurse() {
    checkCases({
        {R"({"$defs": {"node": {"type": "object", "properties": {"value": {"type": "integer"},
             "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, "required": ["value"], "additionalProperties": false}},
            "$ref": "#/$defs/node"})",
         {R"({"value": 1})", R"({"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]})"},
         {R"({"value": 1, "children": [{"children": []}]})", R"({"value": 1, "children": [1]})"}},
        {R"({"type": "object", "properties": {"next": {"$ref": "#"}}, "additionalProperties": false})",
         {"{}", R"({"next": {"next": {}}})"}, {R"({"next": 1})"}},
        {R"({"definitions": {"id": {"type": "integer", "minimum": 1}}, "type": "array", "items": {"$ref": "#/definitions/id"}})",
         {"[1, 2]", "[]"}, {"[0]"}},
        // A $ref with constraints beside it means both.
        {R"({"$defs": {"n": {"type": "integer"}}, "properties": {"x": {"$ref": "#/$defs/n", "maximum": 3}}, "additionalProperties": false})",
         {R"({"x": 3})"}, {R"({"x": 4})", R"({"x": "3"})"}},
        {R"({"$id": "https://example.com/s.json", "$defs": {"n": {"type": "null"}}, "$ref": "https://example.com/s.json#/$defs/n"})",
         {"null"}, {"1"}},
        {R"({"$defs": {"a~b": {"type": "null"}, "c/d": {"type": "boolean"}}, "anyOf": [{"$ref": "#/$defs/a~0b"}, {"$ref": "#/$defs/c~1d"}]})",
         {"null", "true"}, {"1"}},
        // Recursion through a reference merged with more keywords, beside it or beside its anyOf.
        {R"({"type": "object", "additionalProperties": {"minProperties": 1, "anyOf": [{"type": "string"}, {"$ref": "#/definitions/r"}]},
            "definitions": {"r": {"type": "object", "additionalProperties": {"minProperties": 1, "anyOf": [{"type": "string"}, {"$ref": "#/definitions/r"}]}}}})",
         {R"({"a": "x", "b": {"c": {"d": "y"}}})"}, {R"({"a": {}})", R"({"a": {"b": {}}})"}},
        {R"({"type": "object", "additionalProperties": {"anyOf": [{"type": "string"}, {"$ref": "#", "maxProperties": 2}]}})",
         {R"({"a": "x", "b": {"c": {"d": "y"}}})", R"({"a": {"b": "x", "c": "y"}})"}, {R"({"a": {"b": "x", "c": "y", "d": "z"}})", R"({"a": 1})"}},
    });
}

void JsonSchemaGrammarTest::arraysHonourItemsPrefixItemsAndCounts() {
    checkCases({
        {R"({"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3})",
         {"[1]", "[1,2,3]", "[ 1 , 2 ]", "[\n  1,\n  2\n]"}, {"[]", "[1,2,3,4]", R"([1,"a"])", "[1,]", "[,1]"}},
        {R"({"type": "array"})", {"[]", R"([1, "a", [null]])"}, {"[", "{}"}},
        {R"({"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false})",
         {R"(["a", 1])", R"(["a"])", "[]"}, {R"(["a", 1, 2])", "[1]"}},
        {R"({"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": {"type": "boolean"}, "minItems": 2})",
         {R"(["a", 1])", R"(["a", 1, true, false])"}, {R"(["a"])", R"(["a", 1, 2])"}},
        // Draft 4: array-form items, additionalItems.
        {R"({"items": [{"type": "null"}], "additionalItems": false})", {"[null]", "[]"}, {"[null, null]"}},
        {R"({"items": [{"type": "null"}], "additionalItems": {"type": "integer"}})", {"[null, 1, 2]"}, {R"([null, "x"])"}},
        {R"({"type": "array", "maxItems": 0})", {"[]"}, {"[1]"}},
        {R"({"type": "array", "items": {"enum": [1, 2]}, "uniqueItems": true, "maxItems": 1})", {"[]", "[2]"}, {"[1, 2]"}},
    });
}

void JsonSchemaGrammarTest::stringLengthsCountCodePointsAndEscapes() {
    checkCases({
        {R"({"type": "string", "minLength": 2, "maxLength": 3})",
         {R"("ab")", R"("abc")", R"("a\n")", "\"é😀\"", R"("\u00e9x")", R"("\"\\")"},
         {R"("a")", R"("abcd")", R"("a\n\n\n")", "\"😀\"", R"("")"}},
        {R"({"type": "string", "maxLength": 0})", {R"("")"}, {R"("a")"}},
        {R"({"type": "string", "pattern": "^[0-9]{5}$", "minLength": 5, "maxLength": 5})", {R"("12345")"}, {R"("1234")"}},
        // The pattern's one repetition carries the lengths.
        {R"({"type": "string", "pattern": "^[a-z]+$", "maxLength": 3})", {R"("a")", R"("abc")"}, {R"("")", R"("abcd")", R"("ab1")"}},
        {R"({"type": "string", "pattern": "^id-[0-9]*$", "minLength": 5, "maxLength": 6})", {R"("id-12")", R"("id-123")"}, {R"("id-1")", R"("id-1234")"}},
        {R"({"type": "string", "pattern": "^(ab)+$", "minLength": 3, "maxLength": 5})", {R"("abab")"}, {R"("ab")", R"("ababab")"}},
        {R"({"type": "string", "pattern": "^([a-z]|[a-z][a-z/]*[a-z])$", "minLength": 1, "maxLength": 4})",
         {R"("a")", R"("ab")", R"("a//b")"}, {R"("abcde")", R"("a/")", R"("")"}},
        {R"({"type": "string", "pattern": "^[a-z]+$", "minLength": 2, "maxLength": 300})",
         {fmt::format("\"{}\"", std::string(300, 'q'))}, {fmt::format("\"{}\"", std::string(301, 'q')), R"("q")"}},
    });
}

void JsonSchemaGrammarTest::longLengthsAreExactAtEveryCount() {
    // Counts past 64 are built from blocks; every length from 0 to 300 must get the right verdict.
    Strings accepted, rejected;
    for (size_t n = 0; n <= 300; ++n) (n >= 70 && n <= 200 ? accepted : rejected).push_back(fmt::format("\"{}\"", std::string(n, 'a')));
    checkCases({{R"({"type": "string", "minLength": 70, "maxLength": 200})", accepted, rejected}});
    accepted.clear();
    rejected.clear();
    for (size_t n = 0; n <= 150; ++n) {
        std::string array = "[";
        for (size_t i = 0; i < n; ++i) array += i ? ",1" : "1";
        (n >= 1 && n <= 100 ? accepted : rejected).push_back(array + "]");
    }
    checkCases({{R"({"type": "array", "items": {"const": 1}, "minItems": 1, "maxItems": 100})", accepted, rejected}});
    checkCases({{R"({"type": "string", "maxLength": 32767})", {fmt::format("\"{}\"", std::string(32767, 'x'))}, {fmt::format("\"{}\"", std::string(32768, 'x'))}}});
}

void JsonSchemaGrammarTest::patternsMatchAnywhereUnlessAnchored() {
    checkCases({
        {R"({"type": "string", "pattern": "^[a-z]+$"})", {R"("abc")"}, {R"("ab1")", R"("")"}},
        {R"({"type": "string", "pattern": "\\d"})", {R"("x1y")", R"("7")"}, {R"("xy")"}},
        // Characters JSON escapes are written escaped.
        {R"({"type": "string", "pattern": "^a\"b\\\\c\n$"})", {R"("a\"b\\c\n")"}, {"\"a\"b\\c\n\""}},
        {R"({"type": "string", "pattern": "^[^a]$"})", {R"("\"")", R"("\t")", R"("b")"}, {R"("a")", "\"\t\""}},
    });
}

void JsonSchemaGrammarTest::formatsAreExact() {
    checkCases({
        {R"({"type": "string", "format": "date"})",
         {R"("2024-02-29")", R"("2000-02-29")", R"("2024-12-31")", R"("2023-04-30")", R"("0001-01-01")"},
         {R"("2023-02-29")", R"("1900-02-29")", R"("2024-04-31")", R"("2024-13-01")", R"("2024-00-10")", R"("2024-1-1")", R"("2024-01-32")"}},
        {R"({"format": "time"})", {R"("12:34:56Z")", R"("23:59:59.123+05:30")", R"("00:00:00z")"},
         {R"("24:00:00Z")", R"("12:60:00Z")", R"("12:34:56")", R"("12:34:56+5:30")"}},
        {R"({"type": "string", "format": "date-time"})", {R"("2024-01-01T00:00:00Z")", R"("2024-06-30t12:00:00.5-08:00")"},
         {R"("2024-01-01 00:00:00Z")", R"("2024-01-01T00:00:00")", R"("2024-01-01")"}},
        {R"({"type": "string", "format": "duration"})", {R"("P1Y2M3DT4H5M6S")", R"("PT0S")", R"("P1W")", R"("P3D")", R"("PT1H30M")"},
         {R"("P")", R"("PT")", R"("P1Y2W")", R"("P1S")", R"("PT1D")"}},
        {R"({"type": "string", "format": "uuid"})", {R"("123e4567-e89b-12d3-a456-426614174000")", R"("ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCDEFAB")"},
         {R"("123e4567e89b12d3a456426614174000")", R"("123e4567-e89b-12d3-a456-42661417400g")"}},
        {R"({"type": "string", "format": "email"})", {R"("a.b@example.com")", R"("x+tag@a-b.co")"},
         {R"("a@")", R"("@b.com")", R"("a..b@c.com")", R"("a@-b.com")", R"("a b@c.com")"}},
        {R"({"type": "string", "format": "ipv4"})", {R"("192.168.0.1")", R"("255.255.255.255")", R"("0.0.0.0")"},
         {R"("256.1.1.1")", R"("01.1.1.1")", R"("1.1.1")", R"("1.1.1.1.1")"}},
        {R"({"type": "string", "format": "ipv6"})",
         {R"("::1")", R"("::")", R"("2001:db8::8a2e:370:7334")", R"("::ffff:192.168.1.1")", R"("1:2:3:4:5:6:7:8")", R"("fe80::")"},
         {R"("1:2:3:4:5:6:7:8:9")", R"(":::")", R"("1::2::3")", R"("12345::")", R"("1:2:3:4:5:6:7")"}},
        {R"({"type": "string", "format": "uri"})",
         {R"("https://example.com/a?b=c#d")", R"("urn:isbn:0451450523")", R"("http://[::1]:8080/")", R"("mailto:a@b.c")"},
         {R"("no scheme")", R"("//example.com")", R"("1http://x")", R"("http://exa mple.com")"}},
        {R"({"type": "string", "format": "uri-reference"})", {R"("/path?q")", R"("https://x.y")", R"("#frag")"}, {R"("a b")"}},
        {R"({"type": "string", "format": "byte"})", {R"("")", R"("TWFu")", R"("TWE=")", R"("TQ==")"}, {R"("TQ=")", R"("TWFuT")", R"("T===")"}},
        {R"({"type": "string", "format": "hostname"})", {R"("example.com")", R"("a-b.c")"}, {R"("-a.com")", R"("a..b")"}},
        {R"({"type": "string", "format": "uuid", "maxLength": 36})", {R"("123e4567-e89b-12d3-a456-426614174000")"}, {}},
    });
}

void JsonSchemaGrammarTest::integerBoundsAreExactAtTheirEdges() {
    checkCases({
        {R"({"type": "integer", "minimum": 18, "maximum": 120})", {"18", "120", "99", "100", "19"}, {"17", "121", "-18", "1000", "018", "8"}},
        {R"({"type": "integer", "exclusiveMinimum": 0})", {"1", "10", "123456789012345678901234567890"}, {"0", "-1", "-0"}},
        {R"({"type": "integer", "minimum": -100, "maximum": -5})", {"-100", "-5", "-50", "-99", "-10"}, {"-4", "-101", "5", "0", "-0"}},
        {R"({"type": "integer", "minimum": -3, "exclusiveMaximum": 100})", {"-3", "99", "0", "-1"}, {"100", "-4", "101"}},
        {R"({"type": "integer", "minimum": 0, "maximum": 9223372036854775807})", {"9223372036854775807", "0", "9223372036854775799"},
         {"9223372036854775808", "-1", "10000000000000000000"}},
        {R"({"type": "integer", "maximum": -1})", {"-1", "-1000000"}, {"0", "1"}},
        {R"({"type": "integer", "minimum": 1.5, "maximum": 3.9})", {"2", "3"}, {"1", "4"}},
        {R"({"type": "integer", "minimum": 5, "exclusiveMinimum": true})", {"6"}, {"5"}},  // draft 4
        {R"({"type": "integer", "minimum": 7, "maximum": 7})", {"7"}, {"6", "8", "70"}},
        {R"({"type": "integer", "minimum": 999, "maximum": 1001})", {"999", "1000", "1001"}, {"998", "1002", "99"}},
        {R"({"type": "integer", "format": "int32"})", {"2147483647", "-2147483648"}, {"2147483648", "-2147483649"}},
    });
}

void JsonSchemaGrammarTest::numberBoundsAreExactWithoutExponents() {
    checkCases({
        {R"({"type": "number", "minimum": 0, "maximum": 1})", {"0", "0.5", "1", "1.0", "1.000", "0.999"}, {"1.01", "-0.1", "2", "1.0001", "1e0"}},
        {R"({"type": "number", "exclusiveMinimum": 0.5, "maximum": 2.25})", {"0.51", "2.25", "2.2", "1", "0.5000001", "2.250"},
         {"0.5", "0.50", "2.26", "2.250001", "-1", "0"}},
        {R"({"type": "number", "minimum": -1.5, "maximum": -0.5})", {"-1.5", "-1", "-0.75", "-0.5", "-1.50"}, {"-1.51", "-0.49", "0", "-2"}},
        {R"({"type": "number", "exclusiveMinimum": 0})", {"0.001", "5", "12.5"}, {"0", "0.0", "-0.5", "-0.0"}},
        {R"({"type": "number", "exclusiveMaximum": 0})", {"-0.001", "-5"}, {"0", "0.0", "1", "-0.0"}},
        {R"({"type": "number", "minimum": 0.1, "maximum": 0.1})", {"0.1", "0.10"}, {"0.11", "0.09", "0.1000001"}},
        {R"({"type": "number", "minimum": 1e-3, "exclusiveMaximum": 1e2})", {"0.001", "99.999", "50"}, {"0.0009", "100", "100.0"}},
        {R"({"type": "number", "multipleOf": 1, "minimum": 0})", {"3", "0"}, {"3.5", "-1"}},
        {R"({"type": "number", "multipleOf": 0.01})", {"3", "-0.5", "12.34", "0.01"}, {"12.345", "1e2", "-0"}},
        {R"({"type": "number", "multipleOf": 0.01, "minimum": 0, "exclusiveMaximum": 1})", {"0", "0.99", "0.5"}, {"1", "0.999", "-0.01"}},
        {R"({"type": "number", "multipleOf": 0.1, "exclusiveMinimum": 0.25, "maximum": 0.5})", {"0.3", "0.5", "0.4"}, {"0.2", "0.25", "0.35", "0.6"}},
    });
}

void JsonSchemaGrammarTest::whitespaceIsBoundedOrAbsent() {
    const std::string schema = R"({"type": "object", "properties": {"a": {"type": "array"}}, "additionalProperties": false})";
    checkCases({{schema,
                 {R"({"a":[1]})", R"({ "a": [ 1 ] })", "{\n\t\t\"a\": []\n}", "{\n" + std::string(20, ' ') + "\"a\": []}"},
                 {"{  \"a\": []}", "{\n" + std::string(21, ' ') + "\"a\": []}", " {\"a\": []}", "{\"a\": []} ", "{\n\n\"a\": []}"}}});
    checkCases({{schema, {R"({"a":[1,2]})", "{}"}, {R"({"a": [1]})", R"({ "a":[1]})", R"({"a":[1, 2]})"}}}, {.compactWhitespace = true});
}

void JsonSchemaGrammarTest::annotationsAreIgnored() {
    checkCases({{R"({"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "x", "title": "T", "description": "d",
                   "$comment": "c", "examples": [1], "default": 2, "deprecated": true, "readOnly": true, "writeOnly": false,
                   "x-vendor": {"anything": 1}, "type": "integer",
                   "properties": {"ignored for integers": {"type": "string"}}})",
                 {"1"}, {R"("1")"}}});
}

void JsonSchemaGrammarTest::jsonObjectModeAcceptsAnyObject() {
    const std::string failures = grammarVerdicts(jsonObjectGrammar(), {"{}", R"({"a": [1, {"b": null}], "c": "d"})"}, {"[]", R"("x")", "1", "{"});
    QVERIFY2(failures.empty(), failures.c_str());
}

void JsonSchemaGrammarTest::schemasEmbedUnderTheirOwnPrefixes() {
    Grammar grammar;
    auto first = addJsonSchemaRules(grammar, nlohmann::ordered_json::parse(R"({"type": "integer", "minimum": 0})"), "tool-a-");
    auto second = addJsonSchemaRules(grammar, nlohmann::ordered_json::parse(R"({"type": "object", "properties": {"s": {"type": "string"}}})"), "tool-b-");
    QVERIFY2(first, first ? "" : first.error().message.c_str());
    QVERIFY2(second, second ? "" : second.error().message.c_str());
    QVERIFY(first->starts_with("tool-a-") && second->starts_with("tool-b-"));
    for (const Rule& rule : grammar.rules) QVERIFY2(rule.name.starts_with("tool-a-") || rule.name.starts_with("tool-b-"), rule.name.c_str());
    grammar.root = "root";
    grammar.add("root", Expr::choice({Expr::ref(*first), Expr::ref(*second)}));
    const std::string failures = grammarVerdicts(grammar, {"5", R"({"s": "x", "t": 1})"}, {"-5", R"({"s": 1})"});
    QVERIFY2(failures.empty(), failures.c_str());
}

void JsonSchemaGrammarTest::unsupportedKeywordsAreErrorsNamingTheirPlace() {
    checkErrors({
        {R"({"properties": {"tags": {"type": "array", "uniqueItems": true}}})", "json_schema: 'uniqueItems' at /properties/tags is not supported"},
        // As anyOf, {"content": {"src": ..., "alt": ..., "image": ...}} would match both (MaskBench's one invalidation).
        {R"({"oneOf": [{"type": "object", "required": ["content"]}, {"type": "object", "required": ["content"], "properties": {"content": {"required": ["src"]}}}]})",
         "'oneOf' at the top level has branches 0 and 1 that one value can match"},
        {R"({"properties": {"p": {"oneOf": [{"type": "string", "enum": ["home", "temp"]}, {"type": "string", "format": "date"}]}}})",
         "'oneOf' at /properties/p has branches 0 and 1"},
        {R"({"if": {}, "then": {}, "else": {}})", "is not supported"},
        {R"({"propertyNames": {"maxLength": 3}})", "'propertyNames'"},
        {R"({"items": {"contains": {"type": "integer"}}})", "'contains' at /items is not supported"},
        {R"({"minContains": 1})", "'minContains'"},
        {R"({"unevaluatedItems": false})", "'unevaluatedItems'"},
        {R"({"$dynamicRef": "#meta"})", "'$dynamicRef'"},
        {R"({"type": "integer", "multipleOf": 3})", "'multipleOf' 3 at the top level is not supported"},
        {R"({"type": "number", "multipleOf": 0.25})", "'multipleOf' 0.25 at the top level is not supported"},
        {R"({"type": "object", "properties": {"a": {}, "b": {}}, "maxProperties": 1})", "'maxProperties' at the top level is not supported"},
        {R"({"anyOf": [{"type": "string", "format": "credit-card"}]})", "'format': \"credit-card\" at /anyOf/0 is not supported"},
        {R"({"$ref": "https://example.com/other.json"})", "remote reference"},
        {R"({"$ref": "#node"})", "anchor"},
        {R"({"$ref": "#/$defs/missing"})", "points to nothing"},
        {R"({"type": "array", "minItems": 3, "maxItems": 2})", "'minItems' at the top level is above 'maxItems'"},
        {R"({"enum": []})", "'enum'/'const' at the top level allows no value"},
        {R"({"type": "string", "minLength": 5, "maxLength": 2})", "'minLength'"},
        {R"({"type": "integer", "minimum": 5, "maximum": 4})", "leave no integer"},
        {R"({"type": "number", "exclusiveMinimum": 1, "maximum": 1})", "leave no number"},
        {R"({"allOf": [{"type": "string"}, {"type": "integer"}]})", "allOf at the top level"},
        {R"({"allOf": [{"pattern": "a"}, {"pattern": "b"}]})", "allOf at the top level: its members give 'pattern' different values"},
        {R"({"allOf": [{"additionalProperties": false}, {"patternProperties": {"^x": {}}}]})", "'additionalProperties' of one member would constrain 'patternProperties'"},
        {R"({"type": "strin"})", "'type' at the top level has \"strin\""},
        {R"({"type": "string", "pattern": "a", "format": "date"})", "'pattern' together with 'format'"},
        {R"({"type": "string", "pattern": "(a"})", "'pattern' at the top level"},
        {R"({"type": "string", "format": "email", "maxLength": 20})", "'minLength'/'maxLength' together with 'format'"},
        {R"({"type": "string", "minLength": 1000001})", "'minLength' at the top level is 1000001; at most 1000000 is supported"},
        {R"({"type": "string", "maxLength": 1000001})", "'maxLength' at the top level is above 1000000"},
        {R"({"type": "string", "pattern": "a+", "maxLength": 3})", "'minLength'/'maxLength' together with 'pattern' at the top level"},
        {R"({"not": {"type": "integer"}})", "'not' at the top level excludes integers but not other numbers"},
        {R"({"not": {"minimum": 3}})", "'not' at the top level with 'minimum' is not supported"},
        {R"({"type": "integer", "not": {"enum": [3]}})", "'not' at the top level excludes integer values, which is not supported"},
        {R"({"type": "string", "not": {}})", "'not' at the top level excludes every value"},
        {R"({"type": "object", "minProperties": 2, "properties": {"a": {}, "b": {}}})", "'minProperties' at the top level is not supported"},
        {R"({"type": "object", "properties": {"a": {"type": "integer", "minimum": 3, "maximum": 2}}, "required": ["a"]})", "leave no integer"},
        {R"({"anyOf": [{"type": "integer", "minimum": 3, "maximum": 2}, {"enum": []}]})", "no branch of 'anyOf' at the top level can match"},
        {R"({"type": "object", "required": ["x"], "additionalProperties": false})", "'required' at the top level lists 'x'"},
        {R"({"properties": {"a": false}, "required": ["a"]})", "property 'a' at the top level is required but its schema is false"},
        {R"(false)", "the schema is false"},
        {R"({"type": "object", "properties": )", "not valid JSON"},
        {R"({"minLength": "3"})", "'minLength' at the top level is \"3\"; expected a non-negative integer"},
        {R"({"$defs": {"a": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"})", "nest more than 32 deep"},
    });
}

void JsonSchemaGrammarTest::oversizedSchemasAreRefused() {
    std::string deep = R"({"type": "integer"})";
    for (int i = 0; i < 200; ++i) deep = fmt::format(R"({{"type": "array", "items": {}}})", deep);
    std::string hugeEnum = R"({"enum": [)";
    for (int i = 0; i < 100'001; ++i) hugeEnum += fmt::format("{}{}", i ? "," : "", i);
    hugeEnum += "]}";
    std::string deepConst = "1";
    for (int i = 0; i < 1000; ++i) deepConst = fmt::format("[{}]", deepConst);
    const std::string longName = fmt::format(R"({{"properties": {{"{}": {{}}}}}})", std::string(5000, 'k'));
    checkErrors({{deep, "nests deeper than 128 levels"},
                 {hugeEnum, "more than 100000 values"},
                 {fmt::format(R"({{"const": {}}})", deepConst), "nests deeper than 128 levels"},
                 {longName, "a property name at the top level is longer than 4096 bytes"}});
}

QTEST_APPLESS_MAIN(JsonSchemaGrammarTest)
#include "json_schema_grammar_test.moc"
