// Expression evaluation: one small function per syntax node.
#include <fmt/format.h>

#include "engine/tokenizer/jinja/jinja_args.h"
#include "engine/tokenizer/jinja/jinja_budget.h"
#include "engine/tokenizer/jinja/jinja_interpreter.h"
#include "engine/tokenizer/jinja/jinja_operators.h"
#include "engine/tokenizer/jinja/jinja_python.h"

namespace pagoda::jinja {

Value Interpreter::evaluate(const Expr& expr) {
    try {
        DepthGuard guard(*this);
        Budget::step();
        return std::visit([&](const auto& node) { return eval(node, expr); }, expr.node);
    } catch (Exception& e) {
        if (!e.hasLocation()) e.setLocation(expr.location);
        throw;
    }
}

Args Interpreter::evaluateArguments(const CallArguments& args) {
    Args out;
    out.positional.reserve(args.positional.size());
    for (const ExprPtr& arg : args.positional) out.positional.push_back(evaluate(*arg));
    for (const auto& [name, arg] : args.keyword) out.keyword.emplace_back(name, evaluate(*arg));
    return out;
}

Value Interpreter::eval(const Literal& node, const Expr&) { return node.value; }

Value Interpreter::eval(const Name& node, const Expr&) {
    if (const Value* value = m_scope->find(node.name)) return *value;
    return Value::undefined(fmt::format("{} is undefined", reprString(node.name)));
}

Value Interpreter::eval(const ListExpr& node, const Expr&) {
    std::vector<Value> items;
    items.reserve(node.items.size());
    for (const ExprPtr& item : node.items) items.push_back(evaluate(*item));
    return Value::list(std::move(items), node.tuple);
}

Value Interpreter::eval(const DictExpr& node, const Expr&) {
    Dict dict;
    for (const auto& [key, value] : node.items) {
        Value k = evaluate(*key);
        dict.set(std::move(k), evaluate(*value));
    }
    return Value::dict(std::move(dict));
}

Value Interpreter::eval(const GetAttr& node, const Expr&) { return getAttribute(evaluate(*node.object), node.name); }

Value Interpreter::eval(const GetItem& node, const Expr&) {
    Value object = evaluate(*node.object);
    return getItem(object, evaluate(*node.key));
}

Value Interpreter::eval(const Slice& node, const Expr&) {
    Value object = evaluate(*node.object);
    auto bound = [&](const ExprPtr& part) -> Value { return part ? evaluate(*part) : Value::none(); };
    const Value start = bound(node.start);
    const Value stop = bound(node.stop);
    const Value step = bound(node.step);
    if (object.isUndefined()) raiseUndefined(object);
    if (!object.isList() && !object.isString()) {
        return Value::undefined(fmt::format("{} has no element slice({}, {}, {})", objectTypeRepr(object), toRepr(start),
                                            toRepr(stop), toRepr(step)));
    }
    return slice(object, optionalIndex(start), optionalIndex(stop), optionalIndex(step));
}

Value Interpreter::eval(const Unary& node, const Expr&) { return unary(node.op, evaluate(*node.operand)); }

Value Interpreter::eval(const Binary& node, const Expr&) {
    Value left = evaluate(*node.left);
    switch (node.op) {
        case BinaryOp::And: return truthy(left) ? evaluate(*node.right) : left;
        case BinaryOp::Or: return truthy(left) ? left : evaluate(*node.right);
        case BinaryOp::Concat: {
            // Both sides are values before any text is built: a text held while the right
            // side ran (a macro call, say) would stack up uncharged in a recursion.
            const Value right = evaluate(*node.right);
            return concat(left, right);
        }
        default: {
            return arithmetic(node.op, left, evaluate(*node.right));
        }
    }
}

Value Interpreter::eval(const Compare& node, const Expr&) {
    Value left = evaluate(*node.first);
    for (const auto& [op, operand] : node.rest) {
        Value right = evaluate(*operand);
        if (!compare(op, left, right)) return Value(false);
        left = std::move(right);
    }
    return Value(true);
}

Value Interpreter::eval(const Conditional& node, const Expr& expr) {
    if (truthy(evaluate(*node.condition))) return evaluate(*node.then);
    if (node.otherwise) return evaluate(*node.otherwise);
    return Value::undefined(fmt::format(
        "the inline if-expression on line {} evaluated to false and no else section was defined.", expr.location.line));
}

Value Interpreter::eval(const Call& node, const Expr&) {
    Value callee = evaluate(*node.callee);
    Args args = evaluateArguments(node.args);
    return call(callee, args);
}

Value Interpreter::eval(const FilterExpr& node, const Expr&) {
    Value input = evaluate(*node.input);
    Args args = evaluateArguments(node.args);
    return node.function(*this, input, args);
}

Value Interpreter::eval(const TestExpr& node, const Expr&) {
    Value input = evaluate(*node.input);
    Args args = evaluateArguments(node.args);
    return Value(node.function(*this, input, args) != node.negated);
}

}  // namespace pagoda::jinja
