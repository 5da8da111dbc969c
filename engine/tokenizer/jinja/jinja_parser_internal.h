// The parser behind parseTemplate(): a recursive-descent parser over the lexer's tokens,
// statements in jinja_parser.cpp, expressions in jinja_expression_parser.cpp.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/tokenizer/jinja/jinja_ast.h"
#include "engine/tokenizer/jinja/jinja_lexer.h"
#include "engine/tokenizer/jinja/jinja_parser.h"

namespace pagoda::jinja::detail {

inline int depthOf(const ExprPtr& e) { return e ? e->depth : 0; }

inline int depthOf(const CallArguments& args) {
    int depth = 0;
    for (const ExprPtr& arg : args.positional) depth = std::max(depth, depthOf(arg));
    for (const auto& [name, arg] : args.keyword) depth = std::max(depth, depthOf(arg));
    return depth;
}

// Which statement is being parsed, to name it when its end tag is missing.
struct OpenBlock {
    std::string_view name;
    SourceLocation location;
};

class Parser {
public:
    Parser(std::vector<Token> tokens, const SourceMap& map) : m_tokens(std::move(tokens)), m_map(map) {}

    Body parseTemplate();

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

    static std::string describe(const Token& token);
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
    Body subparse(std::initializer_list<std::string_view> endTags, const OpenBlock* block = nullptr);

    // After subparse stopped at `{% name`: consumes the tag name and returns it.
    std::string takeEndTag();
    StmtPtr parseStatement(std::initializer_list<std::string_view> outerEndTags, const OpenBlock* outer);

    // The body of a block up to its single end tag, which is consumed.
    Body parseBlockBody(OpenBlock block, std::initializer_list<std::string_view> endTags);
    IfStmt parseIf(SourceLocation location);
    ForStmt parseFor(SourceLocation location);
    Target parseAssignTarget(bool withNamespace, std::initializer_list<std::string_view> extraEnd);
    std::vector<FilterApplication> parseFilterChain(bool startInline);
    void parseSet(Stmt& stmt);
    std::vector<MacroParameter> parseParameters();

    // Parses a macro-like body; names it reads tell whether it takes caller, varargs, kwargs.
    std::shared_ptr<MacroDefinition> parseMacroBody(MacroDefinition macro, OpenBlock block, std::string_view endTag);
    MacroStmt parseMacro(SourceLocation location);
    CallBlockStmt parseCallBlock(SourceLocation location);
    FilterBlockStmt parseFilterBlock(SourceLocation location);
    WithStmt parseWith(SourceLocation location);

    // ---- expressions, lowest precedence first ----

    bool atTupleEnd(std::initializer_list<std::string_view> extraEnd) const;

    // A comma-separated list of expressions: a tuple if there is a comma, else the one expression.
    ExprPtr parseTuple(bool withCondexpr, std::initializer_list<std::string_view> extraEnd, bool explicitParentheses);
    ExprPtr parseExpression(bool withCondexpr) { return withCondexpr ? parseCondexpr() : parseOr(); }

    ExprPtr parseCondexpr();
    ExprPtr binary(SourceLocation location, BinaryOp op, ExprPtr left, ExprPtr right);
    ExprPtr parseOr();
    ExprPtr parseAnd();
    ExprPtr parseNot();
    std::optional<CompareOp> compareOperator();
    ExprPtr parseCompare();
    ExprPtr parseMath1();
    ExprPtr parseConcat();
    ExprPtr parseMath2();
    ExprPtr parsePow();
    ExprPtr parseUnary(bool withFilter);
    ExprPtr literal(const Token& token, Value value) { return make(where(token), Literal{std::move(value)}, 0); }

    ExprPtr parsePrimary();
    ExprPtr parseList();
    ExprPtr parseDict();
    ExprPtr parsePostfix(ExprPtr node);
    ExprPtr parseFilterExpr(ExprPtr node);
    ExprPtr parseSubscript(ExprPtr node);

    // One subscript: an expression (kept in `start`), or a slice start:stop:step.
    struct SubscriptItem {
        bool isSlice = false;
        ExprPtr start;
        ExprPtr stop;
        ExprPtr step;
    };
    SubscriptItem parseSubscribed();
    CallArguments parseCallArguments();
    ExprPtr parseCall(ExprPtr callee);
    FilterFunction resolveFilter(const Token& token, const std::string& name);
    ExprPtr parseFilter(ExprPtr input);
    ExprPtr parseTest(ExprPtr input);
    void noteName(const std::string& name);

    std::vector<Token> m_tokens;
    const SourceMap& m_map;
    size_t m_pos = 0;
    int m_recursion = 0;
    int m_loopDepth = 0;
    std::vector<MacroDefinition*> m_macros;
};

}  // namespace pagoda::jinja::detail
