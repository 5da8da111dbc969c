#include "engine/structured/tool_call_grammar.h"

#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/structured/compiled_grammar.h"

namespace pagoda::structured {

namespace {

void prefixReferences(Expr& expr, const std::string& prefix) {
    if (expr.kind == Expr::Kind::RuleRef) expr.text = prefix + expr.text;
    for (Expr& item : expr.items) prefixReferences(item, prefix);
}

// A function's name as a JSON string literal, exactly as json.dumps writes it in the markup.
std::string jsonString(const std::string& text) {
    return nlohmann::json(text).dump();
}

Result<Grammar> argumentsGrammar(const ToolSignature& tool) {
    StructuredOutputRequest request;
    request.kind = tool.parametersSchema.empty() ? StructuredOutputRequest::Kind::JsonObject
                                                 : StructuredOutputRequest::Kind::JsonSchema;
    request.text = tool.parametersSchema;
    auto grammar = buildGrammar(request);
    if (!grammar) return makeError(fmt::format("the parameters of tool '{}': {}", tool.name, grammar.error().message));
    return grammar;
}

std::string cacheKey(const ToolCallGrammarRequest& request) {
    nlohmann::json key = {{"format", int(request.format)}, {"several", request.severalCalls}};
    for (const ToolSignature& tool : request.tools) key["tools"].push_back({tool.name, tool.parametersSchema});
    return "tool_calls:" + key.dump();
}

}  // namespace

std::string importRules(Grammar& into, const Grammar& from, const std::string& prefix) {
    for (const Rule& rule : from.rules) {
        Expr body = rule.body;
        prefixReferences(body, prefix);
        into.add(prefix + rule.name, std::move(body));
    }
    return prefix + from.root;
}

Result<Grammar> toolCallGrammar(const ToolCallGrammarRequest& request) {
    if (request.format == ChatOutputFormat::Plain)
        return makeError(
            "this model's chat template writes no tool-call markup Pagoda knows (Qwen/Hermes "
            "<tool_call> or GLM-4), so a tool call cannot be forced");
    if (request.tools.empty()) return makeError("no tools to call");
    Grammar grammar;
    std::vector<Expr> calls;
    for (size_t i = 0; i < request.tools.size(); ++i) {
        const ToolSignature& tool = request.tools[i];
        auto arguments = argumentsGrammar(tool);
        if (!arguments) return arguments.error();
        const std::string root = importRules(grammar, *arguments, fmt::format("tool{}_", i));
        if (request.format == ChatOutputFormat::Glm4)
            calls.push_back(Expr::sequence({Expr::literal(tool.name + "\n"), Expr::ref(root)}));
        else
            calls.push_back(
                Expr::sequence({Expr::literal(fmt::format("{{\"name\": {}, \"arguments\": ", jsonString(tool.name))),
                                Expr::ref(root), Expr::literal("}")}));
    }
    if (request.format == ChatOutputFormat::Glm4) {
        // The reply may start with the line break after <|assistant|>, which the parser drops.
        grammar.add("tool_call_reply",
                    Expr::sequence({Expr::optional(Expr::literal("\n")), Expr::choice(std::move(calls))}));
    } else {
        grammar.add("tool_call", Expr::sequence({Expr::literal("<tool_call>\n"), Expr::choice(std::move(calls)),
                                                 Expr::literal("\n</tool_call>")}));
        Expr reply = Expr::ref("tool_call");
        if (request.severalCalls)
            reply = Expr::sequence(
                {std::move(reply), Expr::star(Expr::sequence({Expr::literal("\n"), Expr::ref("tool_call")}))});
        grammar.add("tool_call_reply", std::move(reply));
    }
    grammar.root = "tool_call_reply";
    return grammar;
}

Result<StructuredOutput> compileToolCallGrammar(const ToolCallGrammarRequest& request) {
    return compileCached("tools:" + cacheKey(request), [&] { return toolCallGrammar(request); });
}

}  // namespace pagoda::structured
