// Renders a parsed template. The interpreter is a sandbox: templates read the variables
// they are given and the built-ins, never files or the system, and every resource they can
// consume (loop iterations, nesting, output, work) is bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/tokenizer/jinja/jinja_ast.h"
#include "engine/tokenizer/jinja/jinja_limits.h"
#include "engine/tokenizer/jinja/jinja_value.h"

namespace pagoda::jinja {

// Variables visible to a part of the template. Loops, macros and `with` open child
// scopes; `set` writes to the innermost one, as in jinja2.
class Scope {
public:
    explicit Scope(std::shared_ptr<Scope> parent) : m_parent(std::move(parent)) {}
    const Value* find(const std::string& name) const;
    void set(const std::string& name, Value value) { m_variables[name] = std::move(value); }
    void clear() { m_variables.clear(); }

private:
    std::shared_ptr<Scope> m_parent;
    std::unordered_map<std::string, Value> m_variables;
};

class Interpreter {
public:
    explicit Interpreter(Limits limits = {}) : m_limits(limits) {}

    // Renders `tmpl` with `variables` (a dict) over the built-in globals. Throws Exception,
    // located at the innermost construct that failed.
    std::string render(const Template& tmpl, const Value& variables);

    // ---- services for built-in filters, tests and methods ----
    Value call(const Value& callee, Args& args);
    Value getAttribute(const Value& object, std::string_view name);  // jinja2's Environment.getattr
    Value getItem(const Value& object, const Value& key);             // jinja2's Environment.getitem
    std::shared_ptr<Object> newObject(Object::Type type);             // released when the render ends
    void releaseAtEnd(std::shared_ptr<Object> object);                // the same for an existing one
    void chargeWork(uint64_t units);  // see Budget
    void chargeIterations(uint64_t count);
    const Limits& limits() const { return m_limits; }

private:
    enum class Flow { Normal, Break, Continue };

    // Counts nesting of statements, expressions and calls, so that no template can recurse
    // the C++ stack away.
    struct DepthGuard {
        explicit DepthGuard(Interpreter& interpreter);
        ~DepthGuard() { --m_interpreter.m_depth; }
        Interpreter& m_interpreter;
    };

    // statements
    Flow execute(const Body& body);
    Flow executeStmt(const Stmt& stmt);
    Flow run(const TextStmt& stmt, const Stmt& node);
    Flow run(const OutputStmt& stmt, const Stmt& node);
    Flow run(const IfStmt& stmt, const Stmt& node);
    Flow run(const ForStmt& stmt, const Stmt& node);
    Flow run(const SetStmt& stmt, const Stmt& node);
    Flow run(const SetBlockStmt& stmt, const Stmt& node);
    Flow run(const MacroStmt& stmt, const Stmt& node);
    Flow run(const CallBlockStmt& stmt, const Stmt& node);
    Flow run(const FilterBlockStmt& stmt, const Stmt& node);
    Flow run(const WithStmt& stmt, const Stmt& node);
    Flow run(const BreakStmt& stmt, const Stmt& node);
    Flow run(const ContinueStmt& stmt, const Stmt& node);

    // expressions
    Value evaluate(const Expr& expr);
    Value eval(const Literal& node, const Expr& expr);
    Value eval(const Name& node, const Expr& expr);
    Value eval(const ListExpr& node, const Expr& expr);
    Value eval(const DictExpr& node, const Expr& expr);
    Value eval(const GetAttr& node, const Expr& expr);
    Value eval(const GetItem& node, const Expr& expr);
    Value eval(const Slice& node, const Expr& expr);
    Value eval(const Unary& node, const Expr& expr);
    Value eval(const Binary& node, const Expr& expr);
    Value eval(const Compare& node, const Expr& expr);
    Value eval(const Conditional& node, const Expr& expr);
    Value eval(const Call& node, const Expr& expr);
    Value eval(const FilterExpr& node, const Expr& expr);
    Value eval(const TestExpr& node, const Expr& expr);

    Args evaluateArguments(const CallArguments& args);
    Value applyFilters(const std::vector<FilterApplication>& filters, Value value);
    void assign(const Target& target, Value value);
    std::string capture(const Body& body);  // renders into a string instead of the output
    std::shared_ptr<const std::vector<Value>> loopItems(const ForStmt& stmt);
    void write(std::string_view text);
    Value makeMacro(std::shared_ptr<const MacroDefinition> macro);
    Value invokeMacro(const MacroDefinition& macro, const std::shared_ptr<Scope>& closure, Args& args);
    Value loopAttribute(const std::shared_ptr<Object>& loop, std::string_view name);

    // Where write() appends: the output or a capture. Captures nest as deep as macro calls
    // do, so each buffer is charged to the render.
    struct Output {
        std::string text;
        Charge charge;
    };

    Limits m_limits;
    std::shared_ptr<Scope> m_scope;
    Output* m_out = nullptr;
    uint64_t m_iterations = 0;
    int m_depth = 0;
    int m_callDepth = 0;
    // Namespaces and scopes holding macros can form reference cycles; they are cleared
    // when the render ends.
    std::vector<std::shared_ptr<Object>> m_objects;
};

}  // namespace pagoda::jinja
