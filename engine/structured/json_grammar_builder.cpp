#include "engine/structured/json_grammar_builder.h"

#include <cmath>

namespace pagoda::structured {
namespace {
constexpr int kMaxConstantDepth = 128;  // the walk recurses; a hostile value must not exhaust the stack
}

std::string quotedJson(const std::string& text) { return nlohmann::ordered_json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

JsonGrammarBuilder::JsonGrammarBuilder(Grammar& grammar, std::string prefix, JsonGrammarOptions options)
    : m_grammar(grammar), m_prefix(std::move(prefix)), m_options(options) {
    for (const Rule& rule : grammar.rules) m_names.insert(rule.name);
}

std::string JsonGrammarBuilder::freshName(std::string_view hint) {
    std::string base = m_prefix;
    for (char c : hint) base += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '-';
    std::string name = base;
    for (int n = 2; m_names.count(name); ++n) name = base + "-" + std::to_string(n);
    m_names.insert(name);
    return name;
}

void JsonGrammarBuilder::addRule(const std::string& name, Expr body) { m_grammar.add(name, std::move(body)); }

Expr JsonGrammarBuilder::shared(const std::string& hint, const std::function<Expr()>& body) {
    if (auto it = m_shared.find(hint); it != m_shared.end()) return Expr::ref(it->second);
    const std::string name = freshName(hint);
    m_shared[hint] = name;
    addRule(name, body());
    return Expr::ref(name);
}

Expr JsonGrammarBuilder::ws() {
    if (m_options.compactWhitespace) return Expr::empty();
    // Bounded as llama.cpp's `space`: a model stuck emitting whitespace must run out of it.
    return shared("ws", [] {
        const Expr indent = Expr::repeat(Expr::charClass({{' ', ' '}, {'\t', '\t'}}), 0, 20);
        return Expr::optional(Expr::choice({Expr::literal(" "), simpleSequence({Expr::literal("\n"), indent})}));
    });
}

Expr JsonGrammarBuilder::stringChar() {
    return shared("char", [] {
        const Expr plain = Expr::charClass({{0, 0x1f}, {'"', '"'}, {'\\', '\\'}}, true);
        const Expr hex = Expr::charClass({{'0', '9'}, {'a', 'f'}, {'A', 'F'}});
        const Expr escaped = simpleSequence({Expr::literal("\\"), Expr::choice({Expr::charClass({{'"', '"'}, {'\\', '\\'}, {'/', '/'}, {'b', 'b'}, {'f', 'f'}, {'n', 'n'}, {'r', 'r'}, {'t', 't'}}),
                                                                            simpleSequence({Expr::literal("u"), Expr::repeat(hex, 4, 4)})})});
        return Expr::choice({plain, escaped});
    });
}

Expr JsonGrammarBuilder::string() {
    return shared("string", [this] { return simpleSequence({Expr::literal("\""), Expr::star(stringChar()), Expr::literal("\"")}); });
}

Expr JsonGrammarBuilder::integer() {
    return shared("integer", [] {
        const Expr digits = Expr::charClass({{'0', '9'}});
        return simpleSequence({Expr::optional(Expr::literal("-")),
                           Expr::choice({Expr::literal("0"), simpleSequence({Expr::charClass({{'1', '9'}}), Expr::star(digits)})})});
    });
}

Expr JsonGrammarBuilder::number() {
    return shared("number", [this] {
        const Expr digits = Expr::charClass({{'0', '9'}});
        const Expr fraction = simpleSequence({Expr::literal("."), Expr::plus(digits)});
        const Expr exponent = simpleSequence({Expr::charClass({{'e', 'e'}, {'E', 'E'}}), Expr::optional(Expr::charClass({{'+', '+'}, {'-', '-'}})), Expr::plus(digits)});
        return simpleSequence({integer(), Expr::optional(fraction), Expr::optional(exponent)});
    });
}

Expr JsonGrammarBuilder::object() {
    return shared("object", [this] {
        const Expr member = simpleSequence({string(), ws(), Expr::literal(":"), ws(), value(), ws()});
        const Expr members = simpleSequence({member, Expr::star(simpleSequence({Expr::literal(","), ws(), member}))});
        return simpleSequence({Expr::literal("{"), ws(), Expr::optional(members), Expr::literal("}")});
    });
}

Expr JsonGrammarBuilder::value() {
    return shared("value", [this] {
        const Expr element = simpleSequence({value(), ws()});
        const Expr elements = simpleSequence({element, Expr::star(simpleSequence({Expr::literal(","), ws(), element}))});
        const Expr array = simpleSequence({Expr::literal("["), ws(), Expr::optional(elements), Expr::literal("]")});
        return Expr::choice({object(), array, string(), number(), Expr::literal("true"), Expr::literal("false"), Expr::literal("null")});
    });
}

Expr JsonGrammarBuilder::constant(const nlohmann::ordered_json& value, int depth) {
    if (depth > kMaxConstantDepth) throw SchemaError{"an enum or const value nests deeper than " + std::to_string(kMaxConstantDepth) + " levels"};
    if (value.is_object()) {
        std::vector<Expr> items{Expr::literal("{"), ws()};
        bool first = true;
        for (const auto& [key, member] : value.items()) {
            if (!first) items.insert(items.end(), {Expr::literal(","), ws()});
            first = false;
            items.insert(items.end(), {Expr::literal(quotedJson(key)), ws(), Expr::literal(":"), ws(), constant(member, depth + 1), ws()});
        }
        items.push_back(Expr::literal("}"));
        return simpleSequence(std::move(items));
    }
    if (value.is_array()) {
        std::vector<Expr> items{Expr::literal("["), ws()};
        for (size_t i = 0; i < value.size(); ++i) {
            if (i > 0) items.insert(items.end(), {Expr::literal(","), ws()});
            items.insert(items.end(), {constant(value[i], depth + 1), ws()});
        }
        items.push_back(Expr::literal("]"));
        return simpleSequence(std::move(items));
    }
    return Expr::literal(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

namespace {
constexpr uint64_t kPlainRepeat = 64;  // counts up to this stay one Repeat
}

Expr JsonGrammarBuilder::repeated(const Expr& item, uint64_t min, std::optional<uint64_t> max) {
    auto block = [&](uint64_t size) {
        const std::string name = freshName("repeat");
        addRule(name, Expr::repeat(item, int(size), int(size)));
        return Expr::ref(name);
    };
    // Exactly `count` items: blocks of about sqrt(count), then the remainder.
    auto exactly = [&](uint64_t count) {
        if (count == 0) return Expr::empty();
        if (count <= kPlainRepeat) return Expr::repeat(item, int(count), int(count));
        const uint64_t size = uint64_t(std::sqrt(double(count)));
        return simpleSequence({Expr::repeat(block(size), int(count / size), int(count / size)), Expr::repeat(item, int(count % size), int(count % size))});
    };
    if (!max) return simpleSequence({exactly(min), Expr::star(item)});
    const uint64_t extra = *max - min;
    if (extra <= kPlainRepeat) return simpleSequence({exactly(min), Expr::repeat(item, 0, int(extra))});
    // 0..extra items as b blocks of `size` and a shorter tail: fewer than `full` blocks and any
    // tail below `size`, or exactly `full` blocks and a tail up to the remainder. Each length
    // has one reading, and the grammar holds about 3 * sqrt(extra) rules.
    const uint64_t size = uint64_t(std::ceil(std::sqrt(double(extra + 1))));
    const uint64_t full = extra / size, remainder = extra % size;
    const Expr blockRule = block(size);
    const Expr upTo = Expr::choice({simpleSequence({Expr::repeat(blockRule, 0, int(full - 1)), Expr::repeat(item, 0, int(size - 1))}),
                                    simpleSequence({Expr::repeat(blockRule, int(full), int(full)), Expr::repeat(item, 0, int(remainder))})});
    return simpleSequence({exactly(min), upTo});
}

Expr JsonGrammarBuilder::compactRepeats(Expr expr) {
    for (Expr& item : expr.items) item = compactRepeats(std::move(item));
    const bool large = expr.kind == Expr::Kind::Repeat &&
                       (uint64_t(expr.minRepeat) > kPlainRepeat || (expr.maxRepeat >= 0 && uint64_t(expr.maxRepeat - expr.minRepeat) > kPlainRepeat));
    if (!large) return expr;
    return repeated(expr.items[0], uint64_t(expr.minRepeat), expr.maxRepeat < 0 ? std::nullopt : std::optional<uint64_t>(expr.maxRepeat));
}

}  // namespace pagoda::structured
