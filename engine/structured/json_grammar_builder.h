// Rule naming and the plain JSON rules (whitespace, strings, numbers, any value) shared by
// everything the JSON Schema converter emits into one Grammar. Internal to the converter.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/structured/expr_builders.h"
#include "engine/structured/grammar.h"
#include "engine/structured/json_schema_grammar.h"

namespace pagoda::structured {

// Thrown inside the converter (never past its public functions, which return it as an Error).
struct SchemaError {
    std::string message;
    // The schema is valid but no value satisfies it: an optional property or an anyOf branch
    // with such a schema is left out rather than failing the whole schema.
    bool unsatisfiable = false;
};


class JsonGrammarBuilder {
public:
    JsonGrammarBuilder(Grammar& grammar, std::string prefix, JsonGrammarOptions options);

    const JsonGrammarOptions& options() const { return m_options; }
    // prefix + hint (made a valid GBNF name), with "-2", "-3"... when already taken.
    std::string freshName(std::string_view hint);
    void addRule(const std::string& name, Expr body);
    // A reference to the rule for `hint`, built by `body` the first time (it may refer to itself).
    Expr shared(const std::string& hint, const std::function<Expr()>& body);

    Expr ws();            // optional bounded whitespace; empty when compact
    Expr stringChar();    // one character of a JSON string's content: a code point or an escape
    Expr string();        // any JSON string
    Expr number();        // any JSON number
    Expr integer();       // any JSON integer written without fraction or exponent
    Expr value();         // any JSON value
    Expr object();        // any JSON object
    Expr constant(const nlohmann::ordered_json& value, int depth = 0);  // exactly this value, whitespace allowed between tokens
    // item{min,max} (max absent: unbounded) in O(sqrt(count)) rules rather than one per count,
    // so "maxLength": 32767 stays small.
    Expr repeated(const Expr& item, uint64_t min, std::optional<uint64_t> max);
    // `expr` with every long Repeat rewritten by repeated().
    Expr compactRepeats(Expr expr);

private:
    Grammar& m_grammar;
    std::string m_prefix;
    JsonGrammarOptions m_options;
    std::set<std::string> m_names;
    std::map<std::string, std::string> m_shared;
};

// The JSON text of a string (quotes included), as nlohmann writes it: UTF-8 kept, only what
// must be escaped escaped.
std::string quotedJson(const std::string& text);

}  // namespace pagoda::structured
