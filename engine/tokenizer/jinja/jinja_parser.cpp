#include "engine/tokenizer/jinja/jinja_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>

#include "engine/tokenizer/jinja/jinja_builtins.h"
#include "engine/tokenizer/jinja/jinja_lexer.h"

namespace pagoda::jinja {

namespace {

int depthOf(const ExprPtr& e) { return e ? e->depth : 0; }

int depthOf(const CallArguments& args) {
    int depth = 0;
    for (const ExprPtr& arg : args.positional) depth = std::max(depth, depthOf(arg));
    for (const auto& [name, arg] : args.keyword) depth = std::max(depth, depthOf(arg));
    return depth;
}

std::string joinQuoted(const std::vector<std::string_view>& words) {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
        out += fmt::format("'{}'", words[i]);
    }
    return out;
}

// Which statement is being parsed, to name it when its end tag is missing.
struct OpenBlock {
    std::string_view name;
    SourceLocation location;
};

class Parser {
public:
    Parser(std::vector<Token> tokens, const SourceMap& map) : m_tokens(std::move(tokens)), m_map(map) {}

    Body parseTemplate() {
        Body body = subparse({});
        return body;
    }

private:
    // ---- token stream ----
    const Token& current() const { return m_tokens[m_pos]; }
    const Token& peek(size_t n = 1) const { return m_tokens[std::min(m_pos + n, m_tokens.size() - 1)]; }
    const Token& next() {
        const Token& token = m_tokens[m_pos];
        if (m_pos + 1 < m_tokens.size()) ++m_pos;
        return token;
    }
    SourceLocation where(const Token& token) const { return m_map.locate(token.offset); }

    bool atOp(std::string_view op) const { return current().kind == TokenKind::Operator && current().text == op; }
    bool atName(std::string_view name) const { return current().kind == TokenKind::Name && current().text == name; }
    bool skipOp(std::string_view op) {
        if (!atOp(op)) return false;
        next();
        return true;
    }
    bool skipName(std::string_view name) {
        if (!atName(name)) return false;
        next();
        return true;
    }

    static std::string describe(const Token& token) {
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

    [[noreturn]] void error(const Token& token, std::string message) const {
        fail(ErrorKind::Syntax, std::move(message), where(token));
    }
    [[noreturn]] void unexpected(std::string_view expected) const {
        error(current(), fmt::format("expected {}, got {}", expected, describe(current())));
    }

    void expectOp(std::string_view op) {
        if (!skipOp(op)) unexpected(fmt::format("'{}'", op));
    }
    std::string expectName() {
        if (current().kind != TokenKind::Name) unexpected("a name");
        return next().text;
    }
    void expectBlockEnd() {
        if (current().kind != TokenKind::BlockEnd) unexpected("end of statement block '%}'");
        next();
    }

    // Bounds the parser's own recursion, which hostile input like 10,000 '(' would drive.
    struct DepthGuard {
        DepthGuard(Parser& parser, const Token& token) : m_parser(parser) {
            if (++m_parser.m_recursion > kMaxParseDepth) {
                m_parser.error(token, fmt::format("template nests too deeply (the limit is {} levels)", kMaxParseDepth));
            }
        }
        ~DepthGuard() { --m_parser.m_recursion; }
        Parser& m_parser;
    };

    template <class Node>
    ExprPtr make(SourceLocation location, Node node, int childDepth) {
        if (childDepth + 1 > kMaxParseDepth) {
            fail(ErrorKind::Syntax, fmt::format("expression nests too deeply (the limit is {} levels)", kMaxParseDepth),
                 location);
        }
        auto expr = std::make_unique<Expr>();
        expr->location = location;
        expr->depth = childDepth + 1;
        expr->node = std::move(node);
        return expr;
    }

    // ---- statements ----

    // Parses until a block tag named in `endTags` (left unconsumed) or the end of input.
    Body subparse(std::initializer_list<std::string_view> endTags, const OpenBlock* block = nullptr) {
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
    std::string takeEndTag() {
        next();  // {%
        return next().text;
    }

    StmtPtr parseStatement(std::initializer_list<std::string_view> outerEndTags, const OpenBlock* outer) {
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
    Body parseBlockBody(OpenBlock block, std::initializer_list<std::string_view> endTags) {
        Body body = subparse(endTags, &block);
        takeEndTag();
        expectBlockEnd();
        return body;
    }

    IfStmt parseIf(SourceLocation location) {
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

    ForStmt parseFor(SourceLocation location) {
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

    Target parseAssignTarget(bool withNamespace, std::initializer_list<std::string_view> extraEnd) {
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

    std::vector<FilterApplication> parseFilterChain(bool startInline) {
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

    void parseSet(Stmt& stmt) {
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

    std::vector<MacroParameter> parseParameters() {
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
    std::shared_ptr<MacroDefinition> parseMacroBody(MacroDefinition macro, OpenBlock block, std::string_view endTag) {
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

    MacroStmt parseMacro(SourceLocation location) {
        MacroDefinition macro;
        macro.name = expectName();
        macro.parameters = parseParameters();
        expectBlockEnd();
        return MacroStmt{parseMacroBody(std::move(macro), {"macro", location}, "endmacro")};
    }

    CallBlockStmt parseCallBlock(SourceLocation location) {
        MacroDefinition caller;
        caller.name = "caller";
        if (atOp("(")) caller.parameters = parseParameters();
        const Token& callToken = current();
        ExprPtr call = parseExpression(true);
        if (!std::holds_alternative<Call>(call->node)) error(callToken, "expected a call after 'call'");
        expectBlockEnd();
        return CallBlockStmt{parseMacroBody(std::move(caller), {"call", location}, "endcall"), std::move(call)};
    }

    FilterBlockStmt parseFilterBlock(SourceLocation location) {
        FilterBlockStmt stmt;
        stmt.filters = parseFilterChain(true);
        expectBlockEnd();
        stmt.body = parseBlockBody({"filter", location}, {"endfilter"});
        return stmt;
    }

    WithStmt parseWith(SourceLocation location) {
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

    // ---- expressions, lowest precedence first ----

    bool atTupleEnd(std::initializer_list<std::string_view> extraEnd) const {
        const Token& token = current();
        if (token.kind == TokenKind::VariableEnd || token.kind == TokenKind::BlockEnd || token.kind == TokenKind::End) return true;
        if (token.kind == TokenKind::Operator && token.text == ")") return true;
        return token.kind == TokenKind::Name && std::find(extraEnd.begin(), extraEnd.end(), token.text) != extraEnd.end();
    }

    // A comma-separated list of expressions: a tuple if there is a comma, else the one expression.
    ExprPtr parseTuple(bool withCondexpr, std::initializer_list<std::string_view> extraEnd, bool explicitParentheses) {
        const SourceLocation location = where(current());
        std::vector<ExprPtr> items;
        bool isTuple = false;
        while (true) {
            if (!items.empty()) expectOp(",");
            if (atTupleEnd(extraEnd)) break;
            items.push_back(parseExpression(withCondexpr));
            if (atOp(",")) {
                isTuple = true;
            } else {
                break;
            }
        }
        if (!isTuple) {
            if (!items.empty()) return std::move(items.front());
            if (!explicitParentheses) unexpected("an expression");
        }
        int depth = 0;
        for (const ExprPtr& item : items) depth = std::max(depth, depthOf(item));
        return make(location, ListExpr{std::move(items), true}, depth);
    }

    ExprPtr parseExpression(bool withCondexpr) { return withCondexpr ? parseCondexpr() : parseOr(); }

    ExprPtr parseCondexpr() {
        ExprPtr then = parseOr();
        while (atName("if")) {
            const SourceLocation location = where(next());
            ExprPtr condition = parseOr();
            ExprPtr otherwise = skipName("else") ? parseCondexpr() : nullptr;
            const int depth = std::max({depthOf(then), depthOf(condition), depthOf(otherwise)});
            then = make(location, Conditional{std::move(condition), std::move(then), std::move(otherwise)}, depth);
        }
        return then;
    }

    ExprPtr binary(SourceLocation location, BinaryOp op, ExprPtr left, ExprPtr right) {
        const int depth = std::max(depthOf(left), depthOf(right));
        return make(location, Binary{op, std::move(left), std::move(right)}, depth);
    }

    ExprPtr parseOr() {
        ExprPtr left = parseAnd();
        while (atName("or")) {
            const SourceLocation location = where(next());
            left = binary(location, BinaryOp::Or, std::move(left), parseAnd());
        }
        return left;
    }

    ExprPtr parseAnd() {
        ExprPtr left = parseNot();
        while (atName("and")) {
            const SourceLocation location = where(next());
            left = binary(location, BinaryOp::And, std::move(left), parseNot());
        }
        return left;
    }

    ExprPtr parseNot() {
        if (!atName("not")) return parseCompare();
        const Token& token = next();
        DepthGuard guard(*this, token);
        ExprPtr operand = parseNot();
        const int depth = depthOf(operand);
        return make(where(token), Unary{UnaryOp::Not, std::move(operand)}, depth);
    }

    std::optional<CompareOp> compareOperator() {
        static const std::pair<std::string_view, CompareOp> kOps[] = {
            {"==", CompareOp::Eq}, {"!=", CompareOp::Ne}, {"<", CompareOp::Lt},
            {"<=", CompareOp::Le}, {">", CompareOp::Gt},  {">=", CompareOp::Ge},
        };
        for (const auto& [text, op] : kOps) {
            if (skipOp(text)) return op;
        }
        if (skipName("in")) return CompareOp::In;
        if (atName("not") && peek().kind == TokenKind::Name && peek().text == "in") {
            next();
            next();
            return CompareOp::NotIn;
        }
        return std::nullopt;
    }

    ExprPtr parseCompare() {
        const SourceLocation location = where(current());
        ExprPtr first = parseMath1();
        Compare compare;
        int depth = depthOf(first);
        while (auto op = compareOperator()) {
            ExprPtr operand = parseMath1();
            depth = std::max(depth, depthOf(operand)) + 1;  // evaluation recurses along the chain
            compare.rest.emplace_back(*op, std::move(operand));
        }
        if (compare.rest.empty()) return first;
        compare.first = std::move(first);
        return make(location, std::move(compare), depth);
    }

    ExprPtr parseMath1() {
        ExprPtr left = parseConcat();
        while (atOp("+") || atOp("-")) {
            const Token& token = next();
            const BinaryOp op = token.text == "+" ? BinaryOp::Add : BinaryOp::Sub;
            left = binary(where(token), op, std::move(left), parseConcat());
        }
        return left;
    }

    ExprPtr parseConcat() {
        ExprPtr left = parseMath2();
        while (atOp("~")) {
            const SourceLocation location = where(next());
            left = binary(location, BinaryOp::Concat, std::move(left), parseMath2());
        }
        return left;
    }

    ExprPtr parseMath2() {
        ExprPtr left = parsePow();
        while (atOp("*") || atOp("/") || atOp("//") || atOp("%")) {
            const Token& token = next();
            const BinaryOp op = token.text == "*"    ? BinaryOp::Mul
                                : token.text == "/"  ? BinaryOp::Div
                                : token.text == "//" ? BinaryOp::FloorDiv
                                                     : BinaryOp::Mod;
            left = binary(where(token), op, std::move(left), parsePow());
        }
        return left;
    }

    ExprPtr parsePow() {
        ExprPtr left = parseUnary(true);
        while (atOp("**")) {
            const SourceLocation location = where(next());
            left = binary(location, BinaryOp::Pow, std::move(left), parseUnary(true));
        }
        return left;
    }

    ExprPtr parseUnary(bool withFilter) {
        const Token& token = current();
        DepthGuard guard(*this, token);
        ExprPtr node;
        if (atOp("-") || atOp("+")) {
            next();
            const UnaryOp op = token.text == "-" ? UnaryOp::Neg : UnaryOp::Pos;
            ExprPtr operand = parseUnary(false);
            const int depth = depthOf(operand);
            node = make(where(token), Unary{op, std::move(operand)}, depth);
        } else {
            node = parsePrimary();
        }
        node = parsePostfix(std::move(node));
        if (withFilter) node = parseFilterExpr(std::move(node));
        return node;
    }

    ExprPtr literal(const Token& token, Value value) { return make(where(token), Literal{std::move(value)}, 0); }

    ExprPtr parsePrimary() {
        const Token& token = current();
        switch (token.kind) {
            case TokenKind::Name: {
                next();
                if (token.text == "true" || token.text == "True") return literal(token, Value(true));
                if (token.text == "false" || token.text == "False") return literal(token, Value(false));
                if (token.text == "none" || token.text == "None") return literal(token, Value::none());
                noteName(token.text);
                return make(where(token), Name{token.text}, 0);
            }
            case TokenKind::String: {
                std::string text = next().text;
                while (current().kind == TokenKind::String) text += next().text;  // "a" "b" is "ab"
                return literal(token, Value(std::move(text)));
            }
            case TokenKind::Integer: return literal(next(), Value(token.intValue));
            case TokenKind::Float: return literal(next(), Value(token.floatValue));
            case TokenKind::Operator:
                if (token.text == "(") {
                    next();
                    ExprPtr inner = parseTuple(true, {}, true);
                    expectOp(")");
                    return inner;
                }
                if (token.text == "[") return parseList();
                if (token.text == "{") return parseDict();
                break;
            default: break;
        }
        if (token.kind == TokenKind::VariableEnd || token.kind == TokenKind::BlockEnd || token.kind == TokenKind::End) {
            unexpected("an expression");
        }
        error(token, fmt::format("unexpected {}", describe(token)));
    }

    ExprPtr parseList() {
        const SourceLocation location = where(next());
        std::vector<ExprPtr> items;
        int depth = 0;
        while (!atOp("]")) {
            if (!items.empty()) expectOp(",");
            if (atOp("]")) break;
            items.push_back(parseExpression(true));
            depth = std::max(depth, depthOf(items.back()));
        }
        expectOp("]");
        return make(location, ListExpr{std::move(items), false}, depth);
    }

    ExprPtr parseDict() {
        const SourceLocation location = where(next());
        DictExpr dict;
        int depth = 0;
        while (!atOp("}")) {
            if (!dict.items.empty()) expectOp(",");
            if (atOp("}")) break;
            ExprPtr key = parseExpression(true);
            expectOp(":");
            ExprPtr value = parseExpression(true);
            depth = std::max({depth, depthOf(key), depthOf(value)});
            dict.items.emplace_back(std::move(key), std::move(value));
        }
        expectOp("}");
        return make(location, std::move(dict), depth);
    }

    ExprPtr parsePostfix(ExprPtr node) {
        while (true) {
            if (atOp(".") || atOp("[")) {
                node = parseSubscript(std::move(node));
            } else if (atOp("(")) {
                node = parseCall(std::move(node));
            } else {
                return node;
            }
        }
    }

    ExprPtr parseFilterExpr(ExprPtr node) {
        while (true) {
            if (atOp("|")) {
                node = parseFilter(std::move(node));
            } else if (atName("is")) {
                node = parseTest(std::move(node));
            } else if (atOp("(")) {
                node = parseCall(std::move(node));
            } else {
                return node;
            }
        }
    }

    ExprPtr parseSubscript(ExprPtr node) {
        const Token& token = next();
        if (token.text == ".") {
            const Token& attribute = current();
            if (attribute.kind == TokenKind::Name) {
                next();
                const int depth = depthOf(node);
                return make(where(token), GetAttr{std::move(node), attribute.text}, depth);
            }
            if (attribute.kind != TokenKind::Integer) unexpected("an attribute name or number after '.'");
            ExprPtr key = literal(next(), Value(attribute.intValue));
            const int depth = depthOf(node);
            return make(where(token), GetItem{std::move(node), std::move(key)}, depth);
        }
        const SourceLocation location = where(token);
        std::vector<SubscriptItem> items;
        while (!atOp("]")) {
            if (!items.empty()) expectOp(",");
            items.push_back(parseSubscribed());
        }
        expectOp("]");
        if (items.empty()) error(token, "expected a subscript inside '[]'");
        int depth = depthOf(node);
        for (const SubscriptItem& item : items) {
            depth = std::max({depth, depthOf(item.start), depthOf(item.stop), depthOf(item.step)});
        }
        if (items.size() == 1 && items.front().isSlice) {
            SubscriptItem& item = items.front();
            return make(location, Slice{std::move(node), std::move(item.start), std::move(item.stop), std::move(item.step)},
                        depth);
        }
        std::vector<ExprPtr> keys;
        for (SubscriptItem& item : items) {
            if (item.isSlice) error(token, "slices inside a tuple subscript are not supported");
            keys.push_back(std::move(item.start));
        }
        ExprPtr key = keys.size() == 1 ? std::move(keys.front()) : make(location, ListExpr{std::move(keys), true}, depth);
        return make(location, GetItem{std::move(node), std::move(key)}, depth);
    }

    // One subscript: an expression (kept in `start`), or a slice start:stop:step.
    struct SubscriptItem {
        bool isSlice = false;
        ExprPtr start;
        ExprPtr stop;
        ExprPtr step;
    };

    SubscriptItem parseSubscribed() {
        SubscriptItem item;
        if (!atOp(":")) {
            item.start = parseExpression(true);
            if (!atOp(":")) return item;
        }
        next();  // the first ':'
        item.isSlice = true;
        if (!atOp("]") && !atOp(",") && !atOp(":")) item.stop = parseExpression(true);
        if (skipOp(":") && !atOp("]") && !atOp(",")) item.step = parseExpression(true);
        return item;
    }

    CallArguments parseCallArguments() {
        CallArguments args;
        expectOp("(");
        bool first = true;
        while (!atOp(")")) {
            if (!first) {
                expectOp(",");
                if (atOp(")")) break;
            }
            first = false;
            if (atOp("*") || atOp("**")) error(current(), "*args and **kwargs in calls are not supported");
            if (current().kind == TokenKind::Name && peek().kind == TokenKind::Operator && peek().text == "=") {
                std::string key = next().text;
                next();
                args.keyword.emplace_back(std::move(key), parseExpression(true));
            } else {
                if (!args.keyword.empty()) error(current(), "positional argument follows keyword argument");
                args.positional.push_back(parseExpression(true));
            }
        }
        expectOp(")");
        return args;
    }

    ExprPtr parseCall(ExprPtr callee) {
        const SourceLocation location = where(current());
        CallArguments args = parseCallArguments();
        const int depth = std::max(depthOf(callee), depthOf(args));
        return make(location, Call{std::move(callee), std::move(args)}, depth);
    }

    FilterFunction resolveFilter(const Token& token, const std::string& name) {
        FilterFunction function = findFilter(name);
        if (!function) fail(ErrorKind::Assertion, fmt::format("unknown filter '{}'", name), where(token));
        return function;
    }

    ExprPtr parseFilter(ExprPtr input) {
        next();  // |
        const Token& nameToken = current();
        std::string name = expectName();
        FilterFunction function = resolveFilter(nameToken, name);
        CallArguments args;
        if (atOp("(")) args = parseCallArguments();
        const int depth = std::max(depthOf(input), depthOf(args));
        return make(where(nameToken), FilterExpr{std::move(input), std::move(name), function, std::move(args)}, depth);
    }

    ExprPtr parseTest(ExprPtr input) {
        const Token& isToken = next();
        const bool negated = skipName("not");
        const Token& nameToken = current();
        std::string name = expectName();
        TestFunction function = findTest(name);
        if (!function) fail(ErrorKind::Assertion, fmt::format("unknown test '{}'", name), where(nameToken));
        CallArguments args;
        const Token& token = current();
        const bool startsPrimary =
            token.kind == TokenKind::Name || token.kind == TokenKind::String || token.kind == TokenKind::Integer ||
            token.kind == TokenKind::Float || atOp("(") || atOp("[") || atOp("{");
        if (atOp("(")) {
            args = parseCallArguments();
        } else if (startsPrimary && !atName("else") && !atName("or") && !atName("and")) {
            if (atName("is")) error(token, "tests cannot be chained with 'is'");
            DepthGuard guard(*this, token);
            args.positional.push_back(parsePostfix(parsePrimary()));
        }
        const int depth = std::max(depthOf(input), depthOf(args));
        return make(where(isToken), TestExpr{std::move(input), std::move(name), function, std::move(args), negated}, depth);
    }

    void noteName(const std::string& name) {
        if (m_macros.empty()) return;
        MacroDefinition* macro = m_macros.back();
        if (name == "caller") macro->usesCaller = true;
        if (name == "varargs") macro->usesVarargs = true;
        if (name == "kwargs") macro->usesKwargs = true;
    }

    std::vector<Token> m_tokens;
    const SourceMap& m_map;
    size_t m_pos = 0;
    int m_recursion = 0;
    int m_loopDepth = 0;
    std::vector<MacroDefinition*> m_macros;
};

}  // namespace

Template parseTemplate(std::string_view source, std::string origin) {
    const std::string normalized = normalizeNewlines(source);
    const SourceMap map(normalized);
    Template result;
    result.origin = std::move(origin);
    result.body = Parser(tokenize(normalized, map), map).parseTemplate();
    return result;
}

}  // namespace pagoda::jinja
