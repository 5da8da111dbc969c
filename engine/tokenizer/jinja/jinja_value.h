// The values a Jinja template computes with, modelled on the Python objects jinja2 uses:
// undefined, None, bool, int, float, str, list/tuple, dict (insertion-ordered), namespace
// and loop objects, and callables. Strings, lists and dicts are immutable once built
// (transformers renders in jinja2's ImmutableSandboxedEnvironment), so copies share them, as
// Python's do; namespaces are the one mutable thing. What a render builds is charged to its
// memory budget while it lives (jinja_budget.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/tokenizer/jinja/jinja_budget.h"

namespace pagoda::jinja {

class Interpreter;
struct List;
class Dict;
struct Object;
struct Callable;

// An undefined value remembers why it is undefined, worded as jinja2 words the error raised
// when a template uses it: "'x' is undefined", "'dict object' has no attribute 'content'".
struct Undefined {
    std::shared_ptr<const std::string> reason;  // shared: the reason may quote a long key
};

class Value {
public:
    enum class Kind { Undefined, None, Bool, Int, Float, String, List, Dict, Object, Callable };

    Value() = default;
    Value(std::nullptr_t) : m_data(nullptr) {}
    Value(bool b) : m_data(b) {}
    Value(int i) : m_data(static_cast<int64_t>(i)) {}
    Value(int64_t i) : m_data(i) {}
    Value(double d) : m_data(d) {}
    Value(std::string s) : m_data(share(std::move(s))) {}
    Value(std::string_view s) : Value(std::string(s)) {}
    Value(const char* s) : Value(std::string(s)) {}
    Value(std::shared_ptr<const List> list) : m_data(std::move(list)) {}
    Value(std::shared_ptr<const Dict> dict) : m_data(std::move(dict)) {}
    Value(std::shared_ptr<Object> object) : m_data(std::move(object)) {}
    Value(std::shared_ptr<const Callable> callable) : m_data(std::move(callable)) {}

    static Value undefined(std::string reason) { return Value(Undefined{share(std::move(reason))}); }
    static Value none() { return Value(nullptr); }
    // Throws a Limit error when the result would nest deeper than kMaxNesting.
    static Value list(std::vector<Value> items, bool tuple = false);
    static Value dict(Dict dict);

    Kind kind() const { return static_cast<Kind>(m_data.index()); }
    bool isUndefined() const { return kind() == Kind::Undefined; }
    bool isNone() const { return kind() == Kind::None; }
    bool isBool() const { return kind() == Kind::Bool; }
    bool isInt() const { return kind() == Kind::Int; }
    bool isFloat() const { return kind() == Kind::Float; }
    bool isNumber() const { return isBool() || isInt() || isFloat(); }  // Python's numbers.Number
    bool isIntegral() const { return isBool() || isInt(); }             // int, including bool
    bool isString() const { return kind() == Kind::String; }
    bool isList() const { return kind() == Kind::List; }
    bool isDict() const { return kind() == Kind::Dict; }
    bool isObject() const { return kind() == Kind::Object; }
    bool isCallable() const { return kind() == Kind::Callable; }

    bool asBool() const { return std::get<bool>(m_data); }
    int64_t asInt() const;     // int or bool
    double asDouble() const;   // any number
    const std::string& asString() const { return *std::get<std::shared_ptr<const std::string>>(m_data); }
    const List& asList() const { return *listPtr(); }
    const std::shared_ptr<const List>& listPtr() const { return std::get<std::shared_ptr<const List>>(m_data); }
    const Dict& asDict() const { return *std::get<std::shared_ptr<const Dict>>(m_data); }
    Object& asObject() const { return *std::get<std::shared_ptr<Object>>(m_data); }
    const std::shared_ptr<Object>& objectPtr() const { return std::get<std::shared_ptr<Object>>(m_data); }
    const Callable& asCallable() const { return *std::get<std::shared_ptr<const Callable>>(m_data); }
    const std::string& undefinedReason() const;
    bool isTuple() const;
    int depth() const;  // nesting of lists and dicts: 1 for anything else

    // The same object, for Python's `is` (None, True and False are singletons).
    bool sameAs(const Value& other) const;

private:
    explicit Value(Undefined u) : m_data(std::move(u)) {}
    // `s` as a shared payload, charged to the render running now.
    static std::shared_ptr<const std::string> share(std::string s);

    std::variant<Undefined, std::nullptr_t, bool, int64_t, double, std::shared_ptr<const std::string>, std::shared_ptr<const List>,
                 std::shared_ptr<const Dict>, std::shared_ptr<Object>, std::shared_ptr<const Callable>>
        m_data;
};

// Lists, dicts and the values built from them nest at most this deep (Python's json and
// repr give up near 1000); it bounds every recursive walk over a value.
constexpr int kMaxNesting = 256;

struct List {
    std::vector<Value> items;
    bool isTuple = false;
    int depth = 1;
};

// An insertion-ordered dict, as Python's. Keys are hashable values: str, int, float, bool,
// None, and tuples of those; 1, 1.0 and True are the same key.
class Dict {
public:
    using Entry = std::pair<Value, Value>;

    const Value* find(const Value& key) const;
    const Value* find(std::string_view key) const;
    void set(Value key, Value value);
    size_t size() const { return m_entries.size(); }
    bool empty() const { return m_entries.empty(); }
    const std::vector<Entry>& entries() const { return m_entries; }
    int depth() const { return m_depth; }
    // Memory held by the entries and the index, not counting the keys' and values' payloads.
    size_t bytes() const { return m_bytes; }

private:
    std::vector<Entry> m_entries;
    std::unordered_map<std::string, size_t> m_index;
    int m_depth = 1;
    size_t m_bytes = 0;
};

// Objects with named attributes: namespace() results (assignable with {% set ns.x = ... %})
// and the `loop` variable of a for loop, whose attributes are computed from its position.
struct Object {
    enum class Type { Namespace, Loop };
    Type type = Type::Namespace;
    Charge charge;  // a namespace's, as the render keeps every namespace until it ends
    Dict attributes;  // a namespace's
    int64_t loopIndex0 = 0;
    std::shared_ptr<const std::vector<Value>> loopItems;
    std::optional<Value> loopChangedLast;  // the arguments of the previous loop.changed() call
};

struct Args {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> keyword;
};

struct Callable {
    std::string name;
    std::function<Value(Interpreter&, Args&)> invoke;
};

// Python semantics.
bool truthy(const Value& v);
bool equals(const Value& a, const Value& b);  // ==
std::string hashKey(const Value& v);          // throws TypeError for unhashable values
bool isHashable(const Value& v);              // usable as a dict key
std::string typeName(const Value& v);         // type(v).__name__: "str", "dict", "NoneType", ...
// jinja2's object_type_repr, as used in undefined messages: "dict object", "None", ...
std::string objectTypeRepr(const Value& v);

// JSON from a chat request or tokenizer_config.json; key order is kept for ordered_json.
Value fromJson(const nlohmann::ordered_json& json);
Value fromJson(const nlohmann::json& json);

}  // namespace pagoda::jinja
