#include "engine/tokenizer/jinja/jinja_value.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/tokenizer/jinja/jinja_budget.h"
#include "engine/tokenizer/jinja/jinja_error.h"
#include "engine/tokenizer/jinja/jinja_python.h"

namespace pagoda::jinja {

int64_t Value::asInt() const {
    if (isBool()) return asBool() ? 1 : 0;
    return std::get<int64_t>(m_data);
}

double Value::asDouble() const {
    if (isFloat()) return std::get<double>(m_data);
    return static_cast<double>(asInt());
}

const std::string& Value::undefinedReason() const {
    static const std::string none;
    const auto& reason = std::get<Undefined>(m_data).reason;
    return reason ? *reason : none;
}

bool Value::isTuple() const { return isList() && asList().isTuple; }

int Value::depth() const {
    if (isList()) return asList().depth;
    if (isDict()) return asDict().depth();
    return 1;
}

bool Value::sameAs(const Value& other) const {
    if (kind() != other.kind()) return false;
    switch (kind()) {
        case Kind::Undefined:
        case Kind::None: return true;
        case Kind::Bool: return asBool() == other.asBool();
        case Kind::List: return &asList() == &other.asList();
        case Kind::Dict: return &asDict() == &other.asDict();
        case Kind::Object: return &asObject() == &other.asObject();
        case Kind::Callable: return &asCallable() == &other.asCallable();
        default: return equals(*this, other);  // small ints and interned strings
    }
}

static_assert(sizeof(Value) <= Budget::kItemBytes, "Budget::kItemBytes must cover a list item");

// What a dict entry costs besides its key's hash text: the entry and the index node.
constexpr size_t kDictEntryBytes = 2 * sizeof(Value) + 64;

std::shared_ptr<const std::string> Value::share(std::string s) {
    const size_t bytes = s.size();
    return makeCharged(std::move(s), bytes, "a string");
}

static void checkNesting(int depth) {
    if (depth > kMaxNesting) {
        fail(ErrorKind::Limit, fmt::format("values nest deeper than the limit of {} levels", kMaxNesting));
    }
}

Value Value::list(std::vector<Value> items, bool tuple) {
    Budget::checkItems(items.size(), "a list");
    int depth = 1;
    for (const Value& item : items) depth = std::max(depth, item.depth() + 1);
    checkNesting(depth);
    const size_t bytes = items.size() * sizeof(Value);
    return Value(makeCharged(List{std::move(items), tuple, depth}, bytes, "a list"));
}

Value Value::dict(Dict dict) {
    const size_t bytes = dict.bytes();
    return Value(makeCharged(std::move(dict), bytes, "a dict"));
}

const Value* Dict::find(const Value& key) const {
    const auto it = m_index.find(hashKey(key));
    return it == m_index.end() ? nullptr : &m_entries[it->second].second;
}

const Value* Dict::find(std::string_view key) const {
    std::string hashed = "s";
    hashed += key;
    const auto it = m_index.find(hashed);
    return it == m_index.end() ? nullptr : &m_entries[it->second].second;
}

void Dict::set(Value key, Value value) {
    const int depth = std::max(key.depth(), value.depth()) + 1;
    checkNesting(depth);
    m_depth = std::max(m_depth, depth);
    std::string hashed = hashKey(key);
    const size_t bytes = kDictEntryBytes + hashed.size();
    auto [it, inserted] = m_index.emplace(std::move(hashed), m_entries.size());
    if (inserted) {
        m_bytes += bytes;
        m_entries.emplace_back(std::move(key), std::move(value));
    } else {
        m_entries[it->second].second = std::move(value);
    }
}

bool truthy(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::Undefined:
        case Value::Kind::None: return false;
        case Value::Kind::Bool: return v.asBool();
        case Value::Kind::Int: return v.asInt() != 0;
        case Value::Kind::Float: return v.asDouble() != 0.0;
        case Value::Kind::String: return !v.asString().empty();
        case Value::Kind::List: return !v.asList().items.empty();
        case Value::Kind::Dict: return !v.asDict().empty();
        case Value::Kind::Object:
        case Value::Kind::Callable: return true;
    }
    return false;
}

static bool numbersEqual(const Value& a, const Value& b) {
    if (a.isIntegral() && b.isIntegral()) return a.asInt() == b.asInt();
    const double x = a.asDouble();
    const double y = b.asDouble();
    if (x != y) return false;
    // A float equal to an int64 after rounding may still differ from it exactly.
    if (a.isIntegral() != b.isIntegral()) {
        const Value& integer = a.isIntegral() ? a : b;
        const double f = a.isIntegral() ? y : x;
        if (std::fabs(f) >= 9.2e18) return false;
        return static_cast<int64_t>(f) == integer.asInt();
    }
    return true;
}

bool equals(const Value& a, const Value& b) {
    Budget::charge(4);
    if (a.isNumber() && b.isNumber()) return numbersEqual(a, b);
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case Value::Kind::Undefined:
        case Value::Kind::None: return true;
        case Value::Kind::String: return a.asString() == b.asString();
        case Value::Kind::List: {
            const List& x = a.asList();
            const List& y = b.asList();
            if (&x == &y) return true;  // shared structure compares in one step, as in CPython
            if (x.isTuple != y.isTuple || x.items.size() != y.items.size()) return false;
            for (size_t i = 0; i < x.items.size(); ++i) {
                if (!equals(x.items[i], y.items[i])) return false;
            }
            return true;
        }
        case Value::Kind::Dict: {
            const Dict& x = a.asDict();
            const Dict& y = b.asDict();
            if (&x == &y) return true;
            if (x.size() != y.size()) return false;
            for (const auto& [key, value] : x.entries()) {
                const Value* other = y.find(key);
                if (!other || !equals(value, *other)) return false;
            }
            return true;
        }
        default: return a.sameAs(b);
    }
}

std::string hashKey(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::None: return "n";
        case Value::Kind::Bool:
        case Value::Kind::Int: return fmt::format("i{}", v.asInt());
        case Value::Kind::Float: {
            const double d = v.asDouble();
            if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) {
                return fmt::format("i{}", static_cast<int64_t>(d));
            }
            std::string key = "f";
            key += formatFloat(d);  // (not "f" + ...: g++ 12 warns falsely about that form)
            return key;
        }
        case Value::Kind::String: return "s" + v.asString();
        case Value::Kind::List:
            if (v.isTuple()) {
                Budget::charge(v.asList().items.size());
                std::string key = "t(";
                for (const Value& item : v.asList().items) key += hashKey(item) + "\x1f";
                return key + ")";
            }
            break;
        default: break;
    }
    fail(ErrorKind::Type, fmt::format("unhashable type: '{}'", typeName(v)));
}

bool isHashable(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::None:
        case Value::Kind::Bool:
        case Value::Kind::Int:
        case Value::Kind::Float:
        case Value::Kind::String: return true;
        case Value::Kind::List:
            return v.isTuple() && std::all_of(v.asList().items.begin(), v.asList().items.end(), isHashable);
        default: return false;
    }
}

std::string typeName(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::Undefined: return "Undefined";
        case Value::Kind::None: return "NoneType";
        case Value::Kind::Bool: return "bool";
        case Value::Kind::Int: return "int";
        case Value::Kind::Float: return "float";
        case Value::Kind::String: return "str";
        case Value::Kind::List: return v.isTuple() ? "tuple" : "list";
        case Value::Kind::Dict: return "dict";
        case Value::Kind::Object:
            return v.asObject().type == Object::Type::Namespace ? "TemplateNamespace" : "LoopContext";
        case Value::Kind::Callable: return "builtin_function_or_method";
    }
    return "object";
}

std::string objectTypeRepr(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::None: return "None";
        case Value::Kind::Undefined: return "jinja2.runtime.Undefined object";
        case Value::Kind::Object:
            return v.asObject().type == Object::Type::Namespace
                       ? "transformers.utils.chat_template_utils.TemplateNamespace object"
                       : "jinja2.runtime.LoopContext object";
        default: return typeName(v) + " object";
    }
}

template <class Json>
static Value convertJson(const Json& json, int depth) {
    if (depth > kMaxNesting) {
        fail(ErrorKind::Limit, fmt::format("input JSON nests deeper than the limit of {} levels", kMaxNesting));
    }
    switch (json.type()) {
        case nlohmann::json::value_t::null: return Value::none();
        case nlohmann::json::value_t::boolean: return Value(json.template get<bool>());
        case nlohmann::json::value_t::number_integer: return Value(json.template get<int64_t>());
        case nlohmann::json::value_t::number_unsigned: {
            const auto u = json.template get<uint64_t>();
            if (u <= static_cast<uint64_t>(INT64_MAX)) return Value(static_cast<int64_t>(u));
            return Value(static_cast<double>(u));
        }
        case nlohmann::json::value_t::number_float: return Value(json.template get<double>());
        case nlohmann::json::value_t::string: return Value(json.template get<std::string>());
        case nlohmann::json::value_t::array: {
            std::vector<Value> items;
            items.reserve(json.size());
            for (const auto& item : json) items.push_back(convertJson(item, depth + 1));
            return Value::list(std::move(items));
        }
        case nlohmann::json::value_t::object: {
            Dict dict;
            for (auto it = json.begin(); it != json.end(); ++it) dict.set(Value(it.key()), convertJson(it.value(), depth + 1));
            return Value::dict(std::move(dict));
        }
        default: return Value::none();  // binary and discarded values do not occur in parsed JSON
    }
}

Value fromJson(const nlohmann::ordered_json& json) { return convertJson(json, 1); }
Value fromJson(const nlohmann::json& json) { return convertJson(json, 1); }

}  // namespace pagoda::jinja
