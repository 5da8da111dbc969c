#include "engine/tokenizer/jinja/jinja_interpreter.h"

#include <fmt/format.h>

#include "engine/tokenizer/jinja/jinja_args.h"
#include "engine/tokenizer/jinja/jinja_budget.h"
#include "engine/tokenizer/jinja/jinja_builtins.h"
#include "engine/tokenizer/jinja/jinja_operators.h"
#include "engine/tokenizer/jinja/jinja_python.h"

namespace pagoda::jinja {

const Value* Scope::find(const std::string& name) const {
    for (const Scope* scope = this; scope; scope = scope->m_parent.get()) {
        const auto it = scope->m_variables.find(name);
        if (it != scope->m_variables.end()) return &it->second;
    }
    return nullptr;
}

Interpreter::DepthGuard::DepthGuard(Interpreter& interpreter) : m_interpreter(interpreter) {
    if (++m_interpreter.m_depth > m_interpreter.m_limits.maxRenderDepth) {
        --m_interpreter.m_depth;
        fail(ErrorKind::Limit, fmt::format("template nests deeper than the limit of {} levels while rendering",
                                           m_interpreter.m_limits.maxRenderDepth));
    }
}

namespace {

// Runs a block in a child scope and restores the enclosing one, even on errors.
class ScopeGuard {
public:
    ScopeGuard(std::shared_ptr<Scope>& current, std::shared_ptr<Scope> scope)
        : m_current(current), m_saved(std::exchange(current, std::move(scope))) {}
    ~ScopeGuard() { m_current = std::move(m_saved); }

private:
    std::shared_ptr<Scope>& m_current;
    std::shared_ptr<Scope> m_saved;
};

}  // namespace

std::string Interpreter::render(const Template& tmpl, const Value& variables) {
    Budget budget(m_limits);
    m_iterations = 0;
    m_depth = 0;
    m_callDepth = 0;
    auto globals = std::make_shared<Scope>(nullptr);
    const Dict builtins = makeGlobals();
    for (const auto& [name, value] : builtins.entries()) globals->set(name.asString(), value);
    m_scope = std::make_shared<Scope>(globals);
    for (const auto& [name, value] : variables.asDict().entries()) {
        if (name.isString()) m_scope->set(name.asString(), value);
    }

    // Namespaces may reference themselves; emptying them breaks the cycles.
    struct Cleanup {
        ~Cleanup() {
            for (const auto& object : self.m_objects) {
                object->attributes = Dict();
                object->loopChangedLast.reset();
            }
            self.m_objects.clear();
            self.m_scope.reset();
            self.m_out = nullptr;
        }
        Interpreter& self;
    } cleanup{*this};

    Output out;
    m_out = &out;
    execute(tmpl.body);
    return std::move(out.text);
}

// ---- services for built-ins ----

void Interpreter::chargeWork(uint64_t units) { Budget::charge(units); }

void Interpreter::chargeIterations(uint64_t count) {
    m_iterations += count;
    if (m_iterations > m_limits.maxLoopIterations) {
        fail(ErrorKind::Limit, fmt::format("template exceeded the limit of {} loop iterations", m_limits.maxLoopIterations));
    }
}

void Interpreter::releaseAtEnd(std::shared_ptr<Object> object) { m_objects.push_back(std::move(object)); }

std::shared_ptr<Object> Interpreter::newObject(Object::Type type) {
    auto object = std::make_shared<Object>();
    object->type = type;
    object->charge.add(sizeof(Object) + kPayloadOverhead, "a namespace");
    m_objects.push_back(object);
    return object;
}

Value Interpreter::call(const Value& callee, Args& args) {
    if (callee.isCallable()) {
        DepthGuard guard(*this);
        Budget::step();
        return callee.asCallable().invoke(*this, args);
    }
    if (callee.isUndefined()) raiseUndefined(callee);
    fail(ErrorKind::Type, fmt::format("'{}' object is not callable", typeName(callee)));
}

static Value noAttribute(const Value& object, std::string_view name) {
    return Value::undefined(fmt::format("{} has no attribute {}", reprString(objectTypeRepr(object)), reprString(name)));
}

Value Interpreter::getAttribute(const Value& object, std::string_view name) {
    switch (object.kind()) {
        case Value::Kind::Undefined: raiseUndefined(object);
        case Value::Kind::Object:
            if (object.asObject().type == Object::Type::Loop) return loopAttribute(object.objectPtr(), name);
            if (const Value* v = object.asObject().attributes.find(name)) return *v;
            break;
        case Value::Kind::Dict:
        case Value::Kind::String:
        case Value::Kind::List:
            if (auto method = findMethod(object, name)) return *method;
            if (object.isDict()) {
                if (const Value* v = object.asDict().find(name)) return *v;
            }
            break;
        default: break;
    }
    return noAttribute(object, name);
}

Value Interpreter::getItem(const Value& object, const Value& key) {
    switch (object.kind()) {
        case Value::Kind::Undefined: raiseUndefined(object);
        case Value::Kind::Dict:
            if (isHashable(key)) {
                if (const Value* v = object.asDict().find(key)) return *v;
            }
            break;
        case Value::Kind::List:
        case Value::Kind::String:
            if (key.isIntegral()) {
                if (auto v = indexSequence(object, key.asInt())) return *v;
            }
            break;
        case Value::Kind::Object:
            if (key.isString()) return getAttribute(object, key.asString());
            break;
        default: break;
    }
    // jinja2 falls back to attribute lookup for string keys: d['items'] is the method.
    if (key.isString()) {
        if (object.isDict() || object.isString() || object.isList()) {
            if (auto method = findMethod(object, key.asString())) return *method;
        }
        return noAttribute(object, key.asString());
    }
    return Value::undefined(fmt::format("{} has no element {}", objectTypeRepr(object), toRepr(key)));
}

Value Interpreter::loopAttribute(const std::shared_ptr<Object>& state, std::string_view name) {
    const Object& loop = *state;
    const int64_t index0 = loop.loopIndex0;
    const int64_t length = static_cast<int64_t>(loop.loopItems->size());
    if (name == "index") return Value(index0 + 1);
    if (name == "index0") return Value(index0);
    if (name == "revindex") return Value(length - index0);
    if (name == "revindex0") return Value(length - index0 - 1);
    if (name == "first") return Value(index0 == 0);
    if (name == "last") return Value(index0 == length - 1);
    if (name == "length") return Value(length);
    if (name == "depth") return Value(1);
    if (name == "depth0") return Value(0);
    if (name == "previtem") {
        return index0 > 0 ? (*loop.loopItems)[index0 - 1] : Value::undefined("there is no previous item");
    }
    if (name == "nextitem") {
        return index0 + 1 < length ? (*loop.loopItems)[index0 + 1] : Value::undefined("there is no next item");
    }
    if (name == "cycle") {
        return Value(std::make_shared<const Callable>(Callable{"cycle", [state](Interpreter&, Args& args) {
            if (args.positional.empty()) fail(ErrorKind::Type, "no items for cycling given");
            return args.positional[static_cast<size_t>(state->loopIndex0) % args.positional.size()];
        }}));
    }
    if (name == "changed") {
        return Value(std::make_shared<const Callable>(Callable{"changed", [state](Interpreter& interpreter, Args& args) {
            Value current = Value::list(args.positional, true);
            // loop.changed(loop) makes the loop hold itself: a cycle to break when the render ends.
            if (!state->loopChangedLast) interpreter.releaseAtEnd(state);
            if (state->loopChangedLast && equals(*state->loopChangedLast, current)) return Value(false);
            state->loopChangedLast = std::move(current);
            return Value(true);
        }}));
    }
    return Value::undefined(fmt::format("'jinja2.runtime.LoopContext object' has no attribute {}", reprString(name)));
}

// ---- statements ----

Interpreter::Flow Interpreter::execute(const Body& body) {
    for (const StmtPtr& stmt : body) {
        const Flow flow = executeStmt(*stmt);
        if (flow != Flow::Normal) return flow;
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::executeStmt(const Stmt& stmt) {
    try {
        DepthGuard guard(*this);
        Budget::step();
        return std::visit([&](const auto& node) { return run(node, stmt); }, stmt.node);
    } catch (Exception& e) {
        if (!e.hasLocation()) e.setLocation(stmt.location);
        throw;
    }
}

void Interpreter::write(std::string_view text) {
    chargeWork(text.size());
    if (m_out->text.size() + text.size() > m_limits.maxOutputBytes) {
        fail(ErrorKind::Limit, fmt::format("template output exceeds the limit of {} bytes", m_limits.maxOutputBytes));
    }
    m_out->charge.add(text.size(), "template output");
    m_out->text.append(text);
}

std::string Interpreter::capture(const Body& body) {
    Output buffer;
    struct Restore {
        ~Restore() { out = saved; }
        Output*& out;
        Output* saved;
    } restore{m_out, std::exchange(m_out, &buffer)};
    execute(body);
    return std::move(buffer.text);
}

Interpreter::Flow Interpreter::run(const TextStmt& stmt, const Stmt&) {
    write(stmt.text);
    return Flow::Normal;
}

Interpreter::Flow Interpreter::run(const OutputStmt& stmt, const Stmt&) {
    const Value value = evaluate(*stmt.expr);
    if (value.isString()) {
        write(value.asString());
    } else {
        write(toStr(value));
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::run(const IfStmt& stmt, const Stmt&) {
    for (const auto& [condition, body] : stmt.branches) {
        if (truthy(evaluate(*condition))) return execute(body);
    }
    return execute(stmt.otherwise);
}

// A list is walked in place; anything else (a dict's keys, a string's characters, a
// filtered list) is copied and charged while the loop holds it. Copying every list once per
// loop let recursive macros hold hundreds of copies of one big list.
std::shared_ptr<const std::vector<Value>> Interpreter::loopItems(const ForStmt& stmt) {
    const Value iterable = evaluate(*stmt.iterable);
    std::shared_ptr<const std::vector<Value>> all;
    if (iterable.isList()) {
        const std::shared_ptr<const List>& list = iterable.listPtr();
        Budget::charge(list->items.size());
        all = std::shared_ptr<const std::vector<Value>>(list, &list->items);
    } else {
        std::vector<Value> items = iterate(iterable);
        const size_t bytes = items.size() * sizeof(Value);
        all = makeCharged(std::move(items), bytes, "a loop's items");
    }
    if (!stmt.condition) return all;
    // `for x in xs if cond` filters before counting, so loop.length agrees.
    std::vector<Value> kept;
    Charge keptCharge;
    for (const Value& item : *all) {
        chargeIterations(1);
        ScopeGuard scope(m_scope, std::make_shared<Scope>(m_scope));
        assign(stmt.target, item);
        if (!truthy(evaluate(*stmt.condition))) continue;
        keptCharge.add(sizeof(Value), "a loop's items");
        kept.push_back(item);
    }
    const size_t bytes = kept.size() * sizeof(Value);
    return makeCharged(std::move(kept), bytes, "a loop's items");
}

Interpreter::Flow Interpreter::run(const ForStmt& stmt, const Stmt&) {
    std::shared_ptr<const std::vector<Value>> items = loopItems(stmt);
    if (items->empty()) {
        ScopeGuard scope(m_scope, std::make_shared<Scope>(m_scope));
        execute(stmt.otherwise);
        return Flow::Normal;
    }
    auto loop = std::make_shared<Object>();
    loop->type = Object::Type::Loop;
    loop->charge.add(sizeof(Object) + kPayloadOverhead, "a loop");  // a template can keep it in a namespace
    loop->loopItems = std::move(items);
    const Value loopValue(loop);
    for (size_t i = 0; i < loop->loopItems->size(); ++i) {
        chargeIterations(1);
        ScopeGuard scope(m_scope, std::make_shared<Scope>(m_scope));  // jinja2 gives each iteration fresh locals
        loop->loopIndex0 = static_cast<int64_t>(i);
        m_scope->set("loop", loopValue);
        assign(stmt.target, (*loop->loopItems)[i]);
        if (execute(stmt.body) == Flow::Break) break;
    }
    return Flow::Normal;
}

void Interpreter::assign(const Target& target, Value value) {
    if (target.attribute) {
        const Value* ns = m_scope->find(target.names[0]);
        if (!ns || !ns->isObject() || ns->asObject().type != Object::Type::Namespace) {
            fail(ErrorKind::Runtime, "cannot assign attribute on non-namespace object");
        }
        if (!target.attribute->empty() && target.attribute->front() == '_') {
            fail(ErrorKind::Security,
                 fmt::format("Chat templates cannot store underscore-prefixed attributes on a namespace, but got {}. "
                             "Please rename the attribute.",
                             reprString(*target.attribute)));
        }
        ns->asObject().attributes.set(Value(*target.attribute), std::move(value));
        return;
    }
    if (!target.unpack) {
        m_scope->set(target.names[0], std::move(value));
        return;
    }
    std::vector<Value> items = iterate(value);
    const size_t expected = target.names.size();
    if (items.size() < expected) {
        fail(ErrorKind::Value, fmt::format("not enough values to unpack (expected {}, got {})", expected, items.size()));
    }
    if (items.size() > expected) fail(ErrorKind::Value, fmt::format("too many values to unpack (expected {})", expected));
    for (size_t i = 0; i < expected; ++i) m_scope->set(target.names[i], std::move(items[i]));
}

Interpreter::Flow Interpreter::run(const SetStmt& stmt, const Stmt&) {
    assign(stmt.target, evaluate(*stmt.value));
    return Flow::Normal;
}

Interpreter::Flow Interpreter::run(const SetBlockStmt& stmt, const Stmt&) {
    assign(stmt.target, applyFilters(stmt.filters, Value(capture(stmt.body))));
    return Flow::Normal;
}

Interpreter::Flow Interpreter::run(const MacroStmt& stmt, const Stmt&) {
    m_scope->set(stmt.macro->name, makeMacro(stmt.macro));
    return Flow::Normal;
}

Interpreter::Flow Interpreter::run(const CallBlockStmt& stmt, const Stmt&) {
    const Call& call = std::get<Call>(stmt.call->node);
    Value callee = evaluate(*call.callee);
    Args args = evaluateArguments(call.args);
    args.keyword.emplace_back("caller", makeMacro(stmt.caller));
    write(toStr(this->call(callee, args)));
    return Flow::Normal;
}

Interpreter::Flow Interpreter::run(const FilterBlockStmt& stmt, const Stmt&) {
    write(toStr(applyFilters(stmt.filters, Value(capture(stmt.body)))));
    return Flow::Normal;
}

Interpreter::Flow Interpreter::run(const WithStmt& stmt, const Stmt&) {
    ScopeGuard scope(m_scope, std::make_shared<Scope>(m_scope));
    for (const auto& [target, value] : stmt.assignments) assign(target, evaluate(*value));
    return execute(stmt.body);
}

Interpreter::Flow Interpreter::run(const BreakStmt&, const Stmt&) { return Flow::Break; }
Interpreter::Flow Interpreter::run(const ContinueStmt&, const Stmt&) { return Flow::Continue; }

Value Interpreter::applyFilters(const std::vector<FilterApplication>& filters, Value value) {
    for (const FilterApplication& filter : filters) {
        try {
            Args args = evaluateArguments(filter.args);
            value = filter.function(*this, value, args);
        } catch (Exception& e) {
            if (!e.hasLocation()) e.setLocation(filter.location);
            throw;
        }
    }
    return value;
}

// ---- macros ----

Value Interpreter::makeMacro(std::shared_ptr<const MacroDefinition> macro) {
    // A weak reference: the defining scope holds the macro, so a strong one would be a cycle.
    std::weak_ptr<Scope> closure = m_scope;
    const std::string name = macro->name;
    return Value(std::make_shared<const Callable>(Callable{name, [macro, closure](Interpreter& interpreter, Args& args) {
        const std::shared_ptr<Scope> scope = closure.lock();
        if (!scope) {
            fail(ErrorKind::Runtime, fmt::format("macro '{}' was called after the block defining it ended", macro->name));
        }
        return interpreter.invokeMacro(*macro, scope, args);
    }}));
}

Value Interpreter::invokeMacro(const MacroDefinition& macro, const std::shared_ptr<Scope>& closure, Args& args) {
    if (m_callDepth >= m_limits.maxCallDepth) {
        fail(ErrorKind::Limit, fmt::format("macro calls nest deeper than the limit of {} (is '{}' recursive?)",
                                           m_limits.maxCallDepth, macro.name));
    }
    const size_t count = macro.parameters.size();
    if (args.positional.size() > count && !macro.usesVarargs) {
        fail(ErrorKind::Type, fmt::format("macro '{}' takes not more than {} argument(s)", macro.name, count));
    }
    ScopeGuard scope(m_scope, std::make_shared<Scope>(closure));
    std::vector<bool> bound(count, false);
    for (size_t i = 0; i < count && i < args.positional.size(); ++i) {
        m_scope->set(macro.parameters[i].name, args.positional[i]);
        bound[i] = true;
    }
    Dict extraKeywords;
    bool hasCaller = false;
    for (auto& [key, value] : args.keyword) {
        size_t i = 0;
        while (i < count && macro.parameters[i].name != key) ++i;
        if (i < count) {
            if (bound[i]) fail(ErrorKind::Type, fmt::format("macro '{}' got multiple values for argument '{}'", macro.name, key));
            m_scope->set(key, value);
            bound[i] = true;
        } else if (key == "caller" && macro.usesCaller) {
            m_scope->set("caller", value);
            hasCaller = true;
        } else if (macro.usesKwargs) {
            extraKeywords.set(Value(key), value);
        } else {
            fail(ErrorKind::Type, fmt::format("macro '{}' takes no keyword argument '{}'", macro.name, key));
        }
    }
    for (size_t i = 0; i < count; ++i) {
        if (bound[i]) continue;
        const MacroParameter& parameter = macro.parameters[i];
        m_scope->set(parameter.name, parameter.defaultValue
                                         ? evaluate(*parameter.defaultValue)
                                         : Value::undefined(fmt::format("parameter '{}' was not provided", parameter.name)));
    }
    if (macro.usesCaller && !hasCaller) m_scope->set("caller", Value::undefined("No caller defined"));
    if (macro.usesVarargs) {
        std::vector<Value> extra;
        for (size_t i = count; i < args.positional.size(); ++i) extra.push_back(args.positional[i]);
        m_scope->set("varargs", Value::list(std::move(extra), true));
    }
    if (macro.usesKwargs) m_scope->set("kwargs", Value::dict(std::move(extraKeywords)));

    ++m_callDepth;
    struct CallDepthGuard {
        ~CallDepthGuard() { --depth; }
        int& depth;
    } callGuard{m_callDepth};
    return Value(capture(macro.body));
}

}  // namespace pagoda::jinja
