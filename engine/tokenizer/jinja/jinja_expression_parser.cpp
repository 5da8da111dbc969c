// Expressions, lowest precedence first, as jinja2's parser orders them.
#include "engine/tokenizer/jinja/jinja_builtins.h"
#include "engine/tokenizer/jinja/jinja_parser_internal.h"

namespace pagoda::jinja::detail {

bool Parser::atTupleEnd(std::initializer_list<std::string_view> extraEnd) const {
    const Token& token = current();
    if (token.kind == TokenKind::VariableEnd || token.kind == TokenKind::BlockEnd || token.kind == TokenKind::End) return true;
    if (token.kind == TokenKind::Operator && token.text == ")") return true;
    return token.kind == TokenKind::Name && std::find(extraEnd.begin(), extraEnd.end(), token.text) != extraEnd.end();
}

// A comma-separated list of expressions: a tuple if there is a comma, else the one expression.
ExprPtr Parser::parseTuple(bool withCondexpr, std::initializer_list<std::string_view> extraEnd, bool explicitParentheses) {
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

ExprPtr Parser::parseCondexpr() {
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

ExprPtr Parser::binary(SourceLocation location, BinaryOp op, ExprPtr left, ExprPtr right) {
    const int depth = std::max(depthOf(left), depthOf(right));
    return make(location, Binary{op, std::move(left), std::move(right)}, depth);
}

ExprPtr Parser::parseOr() {
    ExprPtr left = parseAnd();
    while (atName("or")) {
        const SourceLocation location = where(next());
        left = binary(location, BinaryOp::Or, std::move(left), parseAnd());
    }
    return left;
}

ExprPtr Parser::parseAnd() {
    ExprPtr left = parseNot();
    while (atName("and")) {
        const SourceLocation location = where(next());
        left = binary(location, BinaryOp::And, std::move(left), parseNot());
    }
    return left;
}

ExprPtr Parser::parseNot() {
    if (!atName("not")) return parseCompare();
    const Token& token = next();
    DepthGuard guard(*this, token);
    ExprPtr operand = parseNot();
    const int depth = depthOf(operand);
    return make(where(token), Unary{UnaryOp::Not, std::move(operand)}, depth);
}

std::optional<CompareOp> Parser::compareOperator() {
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

ExprPtr Parser::parseCompare() {
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

ExprPtr Parser::parseMath1() {
    ExprPtr left = parseConcat();
    while (atOp("+") || atOp("-")) {
        const Token& token = next();
        const BinaryOp op = token.text == "+" ? BinaryOp::Add : BinaryOp::Sub;
        left = binary(where(token), op, std::move(left), parseConcat());
    }
    return left;
}

ExprPtr Parser::parseConcat() {
    ExprPtr left = parseMath2();
    while (atOp("~")) {
        const SourceLocation location = where(next());
        left = binary(location, BinaryOp::Concat, std::move(left), parseMath2());
    }
    return left;
}

ExprPtr Parser::parseMath2() {
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

ExprPtr Parser::parsePow() {
    ExprPtr left = parseUnary(true);
    while (atOp("**")) {
        const SourceLocation location = where(next());
        left = binary(location, BinaryOp::Pow, std::move(left), parseUnary(true));
    }
    return left;
}

ExprPtr Parser::parseUnary(bool withFilter) {
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

ExprPtr Parser::parsePrimary() {
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

ExprPtr Parser::parseList() {
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

ExprPtr Parser::parseDict() {
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

ExprPtr Parser::parsePostfix(ExprPtr node) {
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

ExprPtr Parser::parseFilterExpr(ExprPtr node) {
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

ExprPtr Parser::parseSubscript(ExprPtr node) {
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

Parser::SubscriptItem Parser::parseSubscribed() {
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

CallArguments Parser::parseCallArguments() {
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

ExprPtr Parser::parseCall(ExprPtr callee) {
    const SourceLocation location = where(current());
    CallArguments args = parseCallArguments();
    const int depth = std::max(depthOf(callee), depthOf(args));
    return make(location, Call{std::move(callee), std::move(args)}, depth);
}

FilterFunction Parser::resolveFilter(const Token& token, const std::string& name) {
    FilterFunction function = findFilter(name);
    if (!function) fail(ErrorKind::Assertion, fmt::format("unknown filter '{}'", name), where(token));
    return function;
}

ExprPtr Parser::parseFilter(ExprPtr input) {
    next();  // |
    const Token& nameToken = current();
    std::string name = expectName();
    FilterFunction function = resolveFilter(nameToken, name);
    CallArguments args;
    if (atOp("(")) args = parseCallArguments();
    const int depth = std::max(depthOf(input), depthOf(args));
    return make(where(nameToken), FilterExpr{std::move(input), std::move(name), function, std::move(args)}, depth);
}

ExprPtr Parser::parseTest(ExprPtr input) {
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

void Parser::noteName(const std::string& name) {
    if (m_macros.empty()) return;
    MacroDefinition* macro = m_macros.back();
    if (name == "caller") macro->usesCaller = true;
    if (name == "varargs") macro->usesVarargs = true;
    if (name == "kwargs") macro->usesKwargs = true;
}

}  // namespace pagoda::jinja::detail
