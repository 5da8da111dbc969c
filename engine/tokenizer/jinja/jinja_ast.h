// The syntax tree of a parsed template: expressions and statements as plain structs in
// variants, each node carrying its source location for error messages.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/tokenizer/jinja/jinja_error.h"
#include "engine/tokenizer/jinja/jinja_value.h"

namespace pagoda::jinja {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct CallArguments {
    std::vector<ExprPtr> positional;
    std::vector<std::pair<std::string, ExprPtr>> keyword;
};

// Built-ins are resolved while parsing, so an unknown filter or test is a parse error.
using FilterFunction = Value (*)(Interpreter&, const Value& input, Args& args);
using TestFunction = bool (*)(Interpreter&, const Value& input, Args& args);

enum class BinaryOp { Add, Sub, Mul, Div, FloorDiv, Mod, Pow, Concat, And, Or };
enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge, In, NotIn };
enum class UnaryOp { Not, Neg, Pos };

struct Literal {
    Value value;
};
struct Name {
    std::string name;
};
struct ListExpr {
    std::vector<ExprPtr> items;
    bool tuple = false;
};
struct DictExpr {
    std::vector<std::pair<ExprPtr, ExprPtr>> items;
};
struct GetAttr {  // x.name
    ExprPtr object;
    std::string name;
};
struct GetItem {  // x[key]
    ExprPtr object;
    ExprPtr key;
};
struct Slice {  // x[start:stop:step], each part optional
    ExprPtr object;
    ExprPtr start;
    ExprPtr stop;
    ExprPtr step;
};
struct Unary {
    UnaryOp op;
    ExprPtr operand;
};
struct Binary {
    BinaryOp op;
    ExprPtr left;
    ExprPtr right;
};
struct Compare {  // a < b <= c chains as in Python
    ExprPtr first;
    std::vector<std::pair<CompareOp, ExprPtr>> rest;
};
struct Conditional {  // then if condition else otherwise; otherwise may be absent
    ExprPtr condition;
    ExprPtr then;
    ExprPtr otherwise;
};
struct Call {
    ExprPtr callee;
    CallArguments args;
};
struct FilterExpr {  // input | name(args)
    ExprPtr input;
    std::string name;
    FilterFunction function;
    CallArguments args;
};
struct TestExpr {  // input is [not] name(args)
    ExprPtr input;
    std::string name;
    TestFunction function;
    CallArguments args;
    bool negated = false;
};

struct Expr {
    SourceLocation location;
    int depth = 1;  // height of this subtree, bounded by kMaxParseDepth
    std::variant<Literal, Name, ListExpr, DictExpr, GetAttr, GetItem, Slice, Unary, Binary, Compare, Conditional,
                 Call, FilterExpr, TestExpr>
        node;
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

// What a for, set or with statement assigns to: names (a tuple unpacks), or one
// namespace attribute ({% set ns.attr = ... %}).
struct Target {
    std::vector<std::string> names;
    bool unpack = false;
    std::optional<std::string> attribute;  // names[0] is then the namespace variable
};

// A filter applied by {% filter %} or {% set x | filter %}.
struct FilterApplication {
    SourceLocation location;
    std::string name;
    FilterFunction function;
    CallArguments args;
};

struct TextStmt {
    std::string text;
};
struct OutputStmt {
    ExprPtr expr;
};
struct IfStmt {
    std::vector<std::pair<ExprPtr, Body>> branches;  // if and elifs
    Body otherwise;
};
struct ForStmt {
    Target target;
    ExprPtr iterable;
    ExprPtr condition;  // for x in xs if condition
    Body body;
    Body otherwise;  // runs when nothing was iterated
};
struct SetStmt {
    Target target;
    ExprPtr value;
};
struct SetBlockStmt {  // {% set x | filters %}body{% endset %}
    Target target;
    std::vector<FilterApplication> filters;
    Body body;
};
struct MacroParameter {
    std::string name;
    ExprPtr defaultValue;
};
struct MacroDefinition {
    std::string name;
    std::vector<MacroParameter> parameters;
    Body body;
    bool usesCaller = false;
    bool usesVarargs = false;
    bool usesKwargs = false;
};
struct MacroStmt {
    std::shared_ptr<const MacroDefinition> macro;
};
struct CallBlockStmt {  // {% call(params) macro(args) %}body{% endcall %}: body becomes `caller`
    std::shared_ptr<const MacroDefinition> caller;
    ExprPtr call;
};
struct FilterBlockStmt {
    std::vector<FilterApplication> filters;
    Body body;
};
struct WithStmt {
    std::vector<std::pair<Target, ExprPtr>> assignments;
    Body body;
};
struct BreakStmt {};
struct ContinueStmt {};

struct Stmt {
    SourceLocation location;
    std::variant<TextStmt, OutputStmt, IfStmt, ForStmt, SetStmt, SetBlockStmt, MacroStmt, CallBlockStmt,
                 FilterBlockStmt, WithStmt, BreakStmt, ContinueStmt>
        node;
};

struct Template {
    std::string origin;
    Body body;
};

}  // namespace pagoda::jinja
