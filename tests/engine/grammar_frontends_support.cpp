#include "tests/engine/grammar_frontends_support.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "engine/common/utf8.h"
#include "engine/structured/compiled_grammar.h"
#include "engine/structured/gbnf_parser.h"
#include "engine/structured/grammar_matcher.h"

namespace pagoda::structured::testing {

namespace {

// Whole-string matching read straight off the AST: the set of input positions each
// expression can end at, given the positions it may start at.
class AstMatcher {
public:
    AstMatcher(const Grammar& grammar, std::string_view text) : m_grammar(grammar), m_text(text) {}

    bool accepts() { return run(Expr::ref(m_grammar.root), {0}).count(m_text.size()) > 0; }

private:
    using Positions = std::set<size_t>;

    Positions run(const Expr& e, const Positions& starts) {
        Positions ends;
        switch (e.kind) {
            case Expr::Kind::Literal:
                for (size_t p : starts)
                    if (m_text.substr(p).starts_with(e.text)) ends.insert(p + e.text.size());
                break;
            case Expr::Kind::CharClass:
                for (size_t p : starts) {
                    if (p >= m_text.size()) continue;
                    const size_t length = utf8SequenceLength(static_cast<unsigned char>(m_text[p]));
                    if (p + length > m_text.size() || firstInvalidUtf8Byte(m_text.substr(p, length))) continue;
                    const char32_t c = decodeUtf8(m_text.substr(p, length))[0];
                    bool in = false;
                    for (const CodepointRange& r : e.ranges) in = in || (c >= r.first && c <= r.last);
                    if (in != e.negated) ends.insert(p + length);
                }
                break;
            case Expr::Kind::RuleRef:
                for (size_t p : starts) {
                    const auto key = std::make_pair(e.text, p);
                    if (!m_memo.count(key)) {
                        m_memo[key] = {};  // a left-recursive call sees nothing, enough for these tests
                        const Rule* rule = m_grammar.find(e.text);
                        m_memo[key] = rule ? run(rule->body, {p}) : Positions{};
                    }
                    ends.insert(m_memo[key].begin(), m_memo[key].end());
                }
                break;
            case Expr::Kind::Sequence: {
                Positions at = starts;
                for (const Expr& item : e.items) at = run(item, at);
                return at;
            }
            case Expr::Kind::Choice:
                for (const Expr& item : e.items) {
                    const Positions some = run(item, starts);
                    ends.insert(some.begin(), some.end());
                }
                break;
            case Expr::Kind::Repeat: {
                Positions current = starts;
                if (e.minRepeat == 0) ends = starts;
                for (int count = 1; !current.empty() && (e.maxRepeat < 0 || count <= e.maxRepeat); ++count) {
                    current = run(e.items[0], current);
                    if (count < e.minRepeat) continue;
                    Positions fresh;
                    for (size_t p : current)
                        if (ends.insert(p).second) fresh.insert(p);
                    // Past the minimum a position met before leads nowhere new.
                    if (e.maxRepeat < 0) current = fresh;
                }
                break;
            }
        }
        return ends;
    }

    const Grammar& m_grammar;
    std::string_view m_text;
    std::map<std::pair<std::string, size_t>, Positions> m_memo;
};

}  // namespace

bool astAccepts(const Grammar& grammar, std::string_view text) {
    return AstMatcher(grammar, text).accepts();
}

Grammar grammarOf(Expr root) {
    Grammar g;
    g.root = "root";
    g.add("root", std::move(root));
    return g;
}

std::string printable(std::string_view text) {
    std::string out;
    for (unsigned char c : text) out += (c < 0x20 || c == 0x7F) ? fmt::format("\\x{:02X}", c) : std::string(1, char(c));
    return out;
}

std::shared_ptr<const TokenVocabulary> byteVocabulary() {
    static const auto vocabulary = [] {
        std::vector<std::string> bytes;
        for (int b = 0; b < 256; ++b) bytes.push_back(std::string(1, char(b)));
        return std::make_shared<const TokenVocabulary>(std::move(bytes), std::span<const int32_t>{},
                                                       std::span<const int32_t>{});
    }();
    return vocabulary;
}

// Empty when the engine and the AST reading both accept every string in `accepted` and reject
// every one in `rejected`; otherwise what went wrong.
std::string verdicts(const Grammar& grammar, const Strings& accepted, const Strings& rejected) {
    auto compiled = compileGrammar(grammar);
    if (!compiled) return "compileGrammar failed: " + compiled.error().message;
    TokenGrammar tokens(*compiled, byteVocabulary());
    std::string failures;
    auto check = [&](const std::string& text, bool expected) {
        auto state = tokens.advance(tokens.initialState(), text);
        if (!state) {
            failures += fmt::format("'{}': {}\n", printable(text), state.error().message);
            return;
        }
        const bool engine = *state != TokenGrammar::kDead && tokens.accepting(*state);
        const bool ast = astAccepts(grammar, text);
        if (engine != expected || ast != expected)
            failures += fmt::format("'{}': engine {}, AST {}, expected {}\n", printable(text), engine, ast, expected);
    };
    for (const std::string& text : accepted) check(text, true);
    for (const std::string& text : rejected) check(text, false);
    return failures;
}

std::string regexVerdicts(std::string_view pattern, RegexMatch match, const Strings& accepted,
                          const Strings& rejected) {
    auto expr = regexToExpr(pattern, match);
    if (!expr) return "regexToExpr failed: " + expr.error().message;
    const std::string failures = verdicts(grammarOf(std::move(*expr)), accepted, rejected);
    return failures.empty() ? "" : fmt::format("pattern '{}':\n{}", printable(pattern), failures);
}

std::string gbnfVerdicts(std::string_view text, const Strings& accepted, const Strings& rejected) {
    auto grammar = parseGbnf(text);
    if (!grammar) return "parseGbnf failed: " + grammar.error().message;
    return verdicts(*grammar, accepted, rejected);
}

}  // namespace pagoda::structured::testing
