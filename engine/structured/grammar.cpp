#include "engine/structured/grammar.h"

namespace pagoda::structured {

Expr Expr::literal(std::string bytes) {
    Expr e;
    e.kind = Kind::Literal;
    e.text = std::move(bytes);
    return e;
}

Expr Expr::charClass(std::vector<CodepointRange> ranges, bool negated) {
    Expr e;
    e.kind = Kind::CharClass;
    e.ranges = std::move(ranges);
    e.negated = negated;
    return e;
}

Expr Expr::anyChar() { return charClass({}, true); }

Expr Expr::ref(std::string ruleName) {
    Expr e;
    e.kind = Kind::RuleRef;
    e.text = std::move(ruleName);
    return e;
}

Expr Expr::sequence(std::vector<Expr> items) {
    Expr e;
    e.kind = Kind::Sequence;
    e.items = std::move(items);
    return e;
}

Expr Expr::choice(std::vector<Expr> items) {
    Expr e;
    e.kind = Kind::Choice;
    e.items = std::move(items);
    return e;
}

Expr Expr::repeat(Expr item, int minRepeat, int maxRepeat) {
    Expr e;
    e.kind = Kind::Repeat;
    e.items.push_back(std::move(item));
    e.minRepeat = minRepeat;
    e.maxRepeat = maxRepeat;
    return e;
}

const Rule* Grammar::find(const std::string& name) const {
    for (const Rule& rule : rules)
        if (rule.name == name) return &rule;
    return nullptr;
}

}  // namespace pagoda::structured
