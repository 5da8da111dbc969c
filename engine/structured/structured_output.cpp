#include "engine/structured/structured_output.h"

#include <deque>
#include <mutex>
#include <utility>

#include <fmt/format.h>

#include "engine/structured/gbnf_parser.h"
#include "engine/structured/json_schema_grammar.h"
#include "engine/structured/regex_grammar.h"

namespace pagoda::structured {

namespace {

Grammar singleRule(Expr body) {
    Grammar g;
    g.root = "root";
    g.add("root", std::move(body));
    return g;
}

// What identifies a request's grammar: the kind, the whitespace option and the text.
std::string cacheKey(const StructuredOutputRequest& request) {
    std::string key = fmt::format("{}:{}:", int(request.kind), int(request.compactWhitespace));
    key += request.text;
    for (const std::string& choice : request.choices) {
        key += '\0';
        key += choice;
    }
    return key;
}

}  // namespace

Result<Grammar> buildGrammar(const StructuredOutputRequest& request) {
    using Kind = StructuredOutputRequest::Kind;
    const JsonGrammarOptions json{request.compactWhitespace};
    switch (request.kind) {
        case Kind::JsonSchema: return jsonSchemaGrammar(std::string_view(request.text), json);
        case Kind::JsonObject: return jsonObjectGrammar(json);
        case Kind::Regex: {
            auto expr = regexToExpr(request.text, RegexMatch::Whole);
            if (!expr) return expr.error();
            return singleRule(std::move(expr).value());
        }
        case Kind::Choice: {
            if (request.choices.empty()) return makeError("choice: the list of choices is empty");
            std::vector<Expr> literals;
            for (const std::string& choice : request.choices) literals.push_back(Expr::literal(choice));
            return singleRule(Expr::choice(std::move(literals)));
        }
        case Kind::Grammar: return parseGbnf(request.text);
    }
    return makeError("structured output: unknown kind");
}

Result<StructuredOutput> compileCached(std::string key, const std::function<Result<Grammar>()>& build) {
    // Clients send the same schema (or tools) with every request; the engine keys its automata
    // by `key`, so returning the same compiled grammar also keeps the masks it has computed.
    static std::mutex mutex;
    static std::deque<StructuredOutput> recent;  // most recent first
    constexpr size_t kRecent = 32;
    {
        std::lock_guard lock(mutex);
        for (auto it = recent.begin(); it != recent.end(); ++it)
            if (it->key == key) {
                StructuredOutput found = *it;
                recent.erase(it);
                recent.push_front(found);
                return found;
            }
    }
    auto grammar = build();
    if (!grammar) return grammar.error();
    auto compiled = compileGrammar(*grammar);
    if (!compiled) return compiled.error();
    StructuredOutput out{std::move(compiled).value(), std::move(key), std::nullopt};
    std::lock_guard lock(mutex);
    recent.push_front(out);
    if (recent.size() > kRecent) recent.pop_back();
    return out;
}

Result<StructuredOutput> compileStructuredOutput(const StructuredOutputRequest& request) {
    return compileCached(cacheKey(request), [&] { return buildGrammar(request); });
}

}  // namespace pagoda::structured
