// Statements: the template's text, {{ }} output and {% %} blocks.
#include "engine/tokenizer/jinja/jinja_parser.h"

#include "engine/tokenizer/jinja/jinja_builtins.h"
#include "engine/tokenizer/jinja/jinja_parser_internal.h"

namespace pagoda::jinja {

namespace detail {

namespace {

std::string joinQuoted(const std::vector<std::string_view>& words) {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
        out += fmt::format("'{}'", words[i]);
    }
    return out;
}

}  // namespace

Body Parser::parseTemplate() { return subparse({}); }

std::string Parser::describe(const Token& token) {
    switch (token.kind) {
        case TokenKind::Text: return "template text";
        case TokenKind::VariableBegin: return "'{{'";
        case TokenKind::VariableEnd: return "end of print statement '}}'";
        case TokenKind::BlockBegin: return "'{%'";
        case TokenKind::BlockEnd: return "end of statement block '%}'";
        case TokenKind::String: return "string literal";
        case TokenKind::Integer:
        case TokenKind::Float: return fmt::format("number {}", token.text);
        case TokenKind::End: return "end of template";
        default: return fmt::format("'{}'", token.text);
    }
}

// Parses until a block tag named in `endTags` (left unconsumed) or the end of input.
Body Parser::subparse(std::initializer_list<std::string_view> endTags, const OpenBlock* block) {
    Body body;
    while (true) {
        const Token& token = current();
        switch (token.kind) {
            case TokenKind::Text: {
                auto stmt = std::make_unique<Stmt>();
                stmt->location = where(token);
                stmt->node = TextStmt{token.text};
                body.push_back(std::move(stmt));
                next();
                break;
            }
            case TokenKind::VariableBegin: {
                next();
                auto stmt = std::make_unique<Stmt>();
                stmt->location = where(token);
                stmt->node = OutputStmt{parseTuple(true, {}, false)};
                if (current().kind != TokenKind::VariableEnd) unexpected("end of print statement '}}'");
                next();
                body.push_back(std::move(stmt));
                break;
            }
            case TokenKind::BlockBegin: {
                const Token& nameToken = peek();
                if (nameToken.kind == TokenKind::Name &&
                    std::find(endTags.begin(), endTags.end(), nameToken.text) != endTags.end()) {
                    return body;
                }
                next();
                body.push_back(parseStatement(endTags, block));
                break;
            }
            case TokenKind::End:
                if (block) {
                    fail(ErrorKind::Syntax,
                         fmt::format("unexpected end of template: the '{}' block opened here is never closed "
                                     "(expected {})",
                                     block->name, joinQuoted(endTags)),
                         block->location);
                }
                return body;
            default: error(token, fmt::format("unexpected {}", describe(token)));
        }
    }
}

// After subparse stopped at `{% name`: consumes the tag name and returns it.
std::string Parser::takeEndTag() {
    next();  // {%
    return next().text;
}

StmtPtr Parser::parseStatement(std::initializer_list<std::string_view> outerEndTags, const OpenBlock* outer) {
    const Token& nameToken = current();
    if (nameToken.kind != TokenKind::Name) error(nameToken, "expected a statement name after '{%'");
    DepthGuard guard(*this, nameToken);
    const std::string name = nameToken.text;
    auto stmt = std::make_unique<Stmt>();
    stmt->location = where(nameToken);
    next();
    if (name == "if") {
        stmt->node = parseIf(stmt->location);
    } else if (name == "for") {
        stmt->node = parseFor(stmt->location);
    } else if (name == "set") {
        parseSet(*stmt);
    } else if (name == "macro") {
        stmt->node = parseMacro(stmt->location);
    } else if (name == "call") {
        stmt->node = parseCallBlock(stmt->location);
    } else if (name == "filter") {
        stmt->node = parseFilterBlock(stmt->location);
    } else if (name == "with") {
        stmt->node = parseWith(stmt->location);
    } else if (name == "generation") {
        // transformers' {% generation %} marks assistant text for masks; rendering is unchanged.
        expectBlockEnd();
        WithStmt with;
        with.body = parseBlockBody({"generation", stmt->location}, {"endgeneration"});
        stmt->node = std::move(with);
    } else if (name == "break" || name == "continue") {
        if (m_loopDepth == 0) error(nameToken, fmt::format("'{}' outside of a for loop", name));
        expectBlockEnd();
        if (name == "break") {
            stmt->node = BreakStmt{};
        } else {
            stmt->node = ContinueStmt{};
        }
    } else if (name == "include" || name == "import" || name == "from" || name == "extends" || name == "block") {
        error(nameToken, fmt::format("'{}' is not supported: chat templates are rendered in a sandbox and cannot "
                                     "load other templates",
                                     name));
    } else if (outer) {
        error(nameToken, fmt::format("unexpected tag '{}': expected {} to close the '{}' block at {}:{}", name,
                                     joinQuoted(outerEndTags), outer->name, outer->location.line,
                                     outer->location.column));
    } else {
        error(nameToken, fmt::format("unknown tag '{}'", name));
    }
    return stmt;
}

// The body of a block up to its single end tag, which is consumed.
Body Parser::parseBlockBody(OpenBlock block, std::initializer_list<std::string_view> endTags) {
    Body body = subparse(endTags, &block);
    takeEndTag();
    expectBlockEnd();
    return body;
}

IfStmt Parser::parseIf(SourceLocation location) {
    IfStmt stmt;
    ExprPtr condition = parseTuple(false, {}, false);
    while (true) {
        expectBlockEnd();
        const OpenBlock block{"if", location};
        Body body = subparse({"elif", "else", "endif"}, &block);
        stmt.branches.emplace_back(std::move(condition), std::move(body));
        const std::string tag = takeEndTag();
        if (tag == "elif") {
            condition = parseTuple(false, {}, false);
            continue;
        }
        if (tag == "else") {
            expectBlockEnd();
            stmt.otherwise = subparse({"endif"}, &block);
            takeEndTag();
        }
        expectBlockEnd();
        return stmt;
    }
}

ForStmt Parser::parseFor(SourceLocation location) {
    ForStmt stmt;
    stmt.target = parseAssignTarget(false, {"in"});
    if (!skipName("in")) unexpected("'in'");
    stmt.iterable = parseTuple(false, {"recursive"}, false);
    if (skipName("if")) stmt.condition = parseExpression(true);
    if (atName("recursive")) error(current(), "recursive for loops are not supported");
    expectBlockEnd();
    const OpenBlock block{"for", location};
    ++m_loopDepth;
    stmt.body = subparse({"endfor", "else"}, &block);
    --m_loopDepth;
    if (takeEndTag() == "else") {
        expectBlockEnd();
        stmt.otherwise = subparse({"endfor"}, &block);
        takeEndTag();
    }
    expectBlockEnd();
    return stmt;
}

Target Parser::parseAssignTarget(bool withNamespace, std::initializer_list<std::string_view> extraEnd) {
    Target target;
    if (withNamespace && current().kind == TokenKind::Name && peek().kind == TokenKind::Operator && peek().text == ".") {
        target.names.push_back(next().text);
        next();
        target.attribute = expectName();
        return target;
    }
    const bool parenthesized = skipOp("(");
    while (true) {
        if (current().kind != TokenKind::Name) unexpected("a variable name to assign to");
        const Token& token = next();
        if (token.text == "true" || token.text == "false" || token.text == "none" || token.text == "True" ||
            token.text == "False" || token.text == "None") {
            error(token, fmt::format("cannot assign to '{}'", token.text));
        }
        target.names.push_back(token.text);
        if (!skipOp(",")) break;
        target.unpack = true;
        if (atOp(")") || current().kind == TokenKind::BlockEnd || atOp("=")) break;
        if (current().kind == TokenKind::Name &&
            std::find(extraEnd.begin(), extraEnd.end(), current().text) != extraEnd.end()) {
            break;
        }
    }
    if (parenthesized) {
        expectOp(")");
        target.unpack = true;
    }
    return target;
}

std::vector<FilterApplication> Parser::parseFilterChain(bool startInline) {
    std::vector<FilterApplication> filters;
    while (startInline || skipOp("|")) {
        startInline = false;
        const Token& nameToken = current();
        FilterApplication filter;
        filter.location = where(nameToken);
        filter.name = expectName();
        filter.function = resolveFilter(nameToken, filter.name);
        if (atOp("(")) filter.args = parseCallArguments();
        filters.push_back(std::move(filter));
    }
    return filters;
}

void Parser::parseSet(Stmt& stmt) {
    Target target = parseAssignTarget(true, {});
    if (skipOp("=")) {
        stmt.node = SetStmt{std::move(target), parseTuple(true, {}, false)};
        expectBlockEnd();
        return;
    }
    SetBlockStmt block;
    block.target = std::move(target);
    block.filters = parseFilterChain(false);
    expectBlockEnd();
    block.body = parseBlockBody({"set", stmt.location}, {"endset"});
    stmt.node = std::move(block);
}

std::vector<MacroParameter> Parser::parseParameters() {
    std::vector<MacroParameter> parameters;
    expectOp("(");
    while (!atOp(")")) {
        if (!parameters.empty()) expectOp(",");
        if (atOp(")")) break;
        MacroParameter parameter;
        parameter.name = expectName();
        if (skipOp("=")) parameter.defaultValue = parseExpression(true);
        parameters.push_back(std::move(parameter));
    }
    expectOp(")");
    return parameters;
}

// Parses a macro-like body; names it reads tell whether it takes caller, varargs, kwargs.
std::shared_ptr<MacroDefinition> Parser::parseMacroBody(MacroDefinition macro, OpenBlock block, std::string_view endTag) {
    auto definition = std::make_shared<MacroDefinition>(std::move(macro));
    m_macros.push_back(definition.get());
    const int loopDepth = m_loopDepth;
    m_loopDepth = 0;
    Body body = subparse({endTag}, &block);
    m_loopDepth = loopDepth;
    m_macros.pop_back();
    takeEndTag();
    expectBlockEnd();
    definition->body = std::move(body);
    return definition;
}

MacroStmt Parser::parseMacro(SourceLocation location) {
    MacroDefinition macro;
    macro.name = expectName();
    macro.parameters = parseParameters();
    expectBlockEnd();
    return MacroStmt{parseMacroBody(std::move(macro), {"macro", location}, "endmacro")};
}

CallBlockStmt Parser::parseCallBlock(SourceLocation location) {
    MacroDefinition caller;
    caller.name = "caller";
    if (atOp("(")) caller.parameters = parseParameters();
    const Token& callToken = current();
    ExprPtr call = parseExpression(true);
    if (!std::holds_alternative<Call>(call->node)) error(callToken, "expected a call after 'call'");
    expectBlockEnd();
    return CallBlockStmt{parseMacroBody(std::move(caller), {"call", location}, "endcall"), std::move(call)};
}

FilterBlockStmt Parser::parseFilterBlock(SourceLocation location) {
    FilterBlockStmt stmt;
    stmt.filters = parseFilterChain(true);
    expectBlockEnd();
    stmt.body = parseBlockBody({"filter", location}, {"endfilter"});
    return stmt;
}

WithStmt Parser::parseWith(SourceLocation location) {
    WithStmt stmt;
    while (current().kind != TokenKind::BlockEnd) {
        if (!stmt.assignments.empty()) expectOp(",");
        Target target = parseAssignTarget(false, {});
        expectOp("=");
        stmt.assignments.emplace_back(std::move(target), parseExpression(true));
    }
    expectBlockEnd();
    stmt.body = parseBlockBody({"with", location}, {"endwith"});
    return stmt;
}

}  // namespace detail

Template parseTemplate(std::string_view source, std::string origin) {
    const std::string normalized = normalizeNewlines(source);
    const SourceMap map(normalized);
    Template result;
    result.origin = std::move(origin);
    result.body = detail::Parser(tokenize(normalized, map), map).parseTemplate();
    return result;
}

}  // namespace pagoda::jinja
