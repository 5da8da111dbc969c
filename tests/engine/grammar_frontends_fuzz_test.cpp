// Randomized checks of the grammar front ends, with fixed seeds: random regular expressions
// must accept exactly what std::regex (ECMAScript) accepts, random grammars must survive
// toGbnf → parseGbnf with their language intact, and arbitrary input must give a grammar or
// an error, never a crash.
#include <QtTest>

#include <fmt/format.h>

#include <random>
#include <regex>

#include "engine/structured/gbnf_parser.h"
#include "engine/structured/regex_grammar.h"
#include "tests/engine/grammar_frontends_support.h"

using namespace pagoda;
using namespace pagoda::structured;
using namespace pagoda::structured::testing;

namespace {

using Rng = std::mt19937;

int uniform(Rng& rng, int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}

template <class T>
const T& pick(Rng& rng, const std::vector<T>& items) {
    return items[size_t(uniform(rng, 0, int(items.size()) - 1))];
}

// ASCII patterns in the subset std::regex and regexToExpr share, over the letters of kText.
std::string randomRegex(Rng& rng, int depth);

std::string randomAtom(Rng& rng, int depth) {
    static const std::vector<std::string> atoms = {
        "a",      "b",     "1",     " ",     ".",     "[ab]",  "[^a]",  "[a-b1]",
        "[^\\s]", R"(\d)", R"(\w)", R"(\s)", R"(\S)", R"(\W)", R"(\n)",
    };
    if (depth < 3 && uniform(rng, 0, 5) == 0)
        return (uniform(rng, 0, 1) ? "(" : "(?:") + randomRegex(rng, depth + 1) + ")";
    return pick(rng, atoms);
}

std::string randomRegex(Rng& rng, int depth) {
    static const std::vector<std::string> quantifiers = {"*", "+", "?", "{2}", "{0,2}", "{1,}", "{1,3}"};
    std::string pattern;
    const int alternatives = uniform(rng, 0, 4) == 0 ? 2 : 1;
    for (int a = 0; a < alternatives; ++a) {
        if (a) pattern += '|';
        const int pieces = uniform(rng, 0, 3);
        for (int p = 0; p < pieces; ++p) {
            pattern += randomAtom(rng, depth);
            if (uniform(rng, 0, 2) == 0) {
                pattern += pick(rng, quantifiers);
                if (uniform(rng, 0, 4) == 0) pattern += '?';  // lazy
            }
        }
    }
    return pattern;
}

// Top-level alternatives, each possibly anchored at either end.
std::string randomAnchoredRegex(Rng& rng) {
    std::string pattern;
    const int alternatives = uniform(rng, 1, 2);
    for (int a = 0; a < alternatives; ++a) {
        if (a) pattern += '|';
        if (uniform(rng, 0, 2) == 0) pattern += '^';
        pattern += randomRegex(rng, 1);
        if (uniform(rng, 0, 2) == 0) pattern += '$';
    }
    return pattern;
}

std::string randomText(Rng& rng, std::string_view alphabet, int maxLength) {
    std::string text;
    for (int n = uniform(rng, 0, maxLength); n > 0; --n)
        text += alphabet[size_t(uniform(rng, 0, int(alphabet.size()) - 1))];
    return text;
}

Expr randomExpr(Rng& rng, int depth) {
    const int kind = depth >= 4 ? uniform(rng, 0, 2) : uniform(rng, 0, 7);
    switch (kind) {
        case 0: {
            static const std::vector<std::string> literals = {"a", "ab", "\"", "\\", "\n",  std::string(1, '\0'),
                                                              "é", "",   "-]", "😀",  "\xff"};
            return Expr::literal(pick(rng, literals));
        }
        case 1: {
            std::vector<CodepointRange> ranges;
            for (int n = uniform(rng, 0, 2); n > 0; --n) {
                const char32_t first = pick(rng, std::vector<char32_t>{'a', 'b', '-', '^', ']', '\\', 0xE9, 0x1F600});
                ranges.push_back({first, first + char32_t(uniform(rng, 0, 1))});
            }
            return Expr::charClass(std::move(ranges), uniform(rng, 0, 3) == 0);
        }
        case 2:
            return uniform(rng, 0, 3) == 0 ? Expr::anyChar() : Expr::empty();
        case 3:
        case 4: {
            std::vector<Expr> items;
            for (int n = uniform(rng, 0, 3); n > 0; --n) items.push_back(randomExpr(rng, depth + 1));
            return kind == 3 ? Expr::sequence(std::move(items)) : Expr::choice(std::move(items));
        }
        default: {
            const int min = uniform(rng, 0, 2);
            const int max = uniform(rng, 0, 2) == 0 ? -1 : min + uniform(rng, 0, 2);
            return Expr::repeat(randomExpr(rng, depth + 1), min, max);
        }
    }
}

}  // namespace

class GrammarFrontendsFuzzTest : public QObject {
    Q_OBJECT

private slots:
    void randomRegexesAgreeWithStdRegex() {
        Rng rng(20261207);
        int compared = 0;
        size_t acceptedTotal = 0, rejectedTotal = 0;
        for (int round = 0; round < 400; ++round) {
            const bool search = round % 2 == 1;
            const std::string pattern = search ? randomAnchoredRegex(rng) : randomRegex(rng, 0);
            std::regex reference;
            try {
                reference = std::regex(pattern, std::regex::ECMAScript);
            } catch (const std::regex_error&) {
                continue;  // libstdc++ refuses a few valid patterns; they prove nothing either way
            }
            Strings accepted, rejected;
            for (int k = 0; k < 24; ++k) {
                const std::string text = randomText(rng, "ab1 \n", 6);
                const bool matches = search ? std::regex_search(text, reference) : std::regex_match(text, reference);
                (matches ? accepted : rejected).push_back(text);
            }
            const std::string failures =
                regexVerdicts(pattern, search ? RegexMatch::Search : RegexMatch::Whole, accepted, rejected);
            QVERIFY2(failures.empty(), failures.c_str());
            ++compared;
            acceptedTotal += accepted.size();
            rejectedTotal += rejected.size();
        }
        // Enough patterns, and strings on both sides of them, for agreement to mean something.
        QVERIFY(compared > 350);
        QVERIFY2(acceptedTotal > 1000 && rejectedTotal > 1000,
                 fmt::format("{} accepted, {} rejected", acceptedTotal, rejectedTotal).c_str());
    }

    void randomGrammarsSurviveGbnfRoundTrip() {
        Rng rng(7);
        for (int round = 0; round < 300; ++round) {
            Grammar grammar;
            grammar.root = "start.rule";  // not a GBNF name: toGbnf must rename it
            grammar.add("start.rule", Expr::sequence({randomExpr(rng, 0), Expr::optional(Expr::ref("root"))}));
            grammar.add("root", randomExpr(rng, 1));
            const std::string text = toGbnf(grammar);
            auto parsed = parseGbnf(text);
            QVERIFY2(parsed, (text + (parsed ? "" : parsed.error().message)).c_str());
            for (int k = 0; k < 30; ++k) {
                const std::string sample = randomText(rng, "ab\"\\\n-]^\xff", 5);
                const bool original = astAccepts(grammar, sample), reread = astAccepts(*parsed, sample);
                QVERIFY2(original == reread,
                         fmt::format("{}'{}': {} before, {} after", text, printable(sample), original, reread).c_str());
            }
        }
    }

    void arbitraryInputNeverCrashes() {
        Rng rng(99);
        int parsed = 0;
        for (int round = 0; round < 5000; ++round) {
            const std::string regex = randomText(rng, "ab()[]{}|^$.*+?\\-,0123dDwsSpPuxkb<>=!:", 12);
            auto expr = regexToExpr(regex, round % 2 ? RegexMatch::Search : RegexMatch::Whole);
            parsed += expr.ok();
            const std::string gbnf = "root ::= " + randomText(rng, "ab()[]{}|\"\\.*+?-^,0123xu\n #:=", 16);
            auto grammar = parseGbnf(gbnf);
            parsed += grammar.ok();
            if (grammar) QVERIFY(parseGbnf(toGbnf(*grammar)).ok());
        }
        QVERIFY(parsed > 0);
    }
};

QTEST_GUILESS_MAIN(GrammarFrontendsFuzzTest)
#include "grammar_frontends_fuzz_test.moc"
