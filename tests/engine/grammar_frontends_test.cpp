// The grammar front ends: regular expressions (whole-output and JSON Schema `pattern` search
// semantics) and llama.cpp GBNF text become Grammars that accept exactly the right strings,
// and toGbnf writes grammars that parse back to the same language. Every string is checked
// twice: by the engine (compileGrammar + TokenGrammar over a one-byte-per-token vocabulary)
// and by a direct reading of the AST, so a front-end bug cannot hide behind a compiler bug.
#include <QtTest>

#include <fmt/format.h>

#include "engine/structured/compiled_grammar.h"
#include "engine/structured/gbnf_parser.h"
#include "engine/structured/regex_grammar.h"
#include "tests/engine/grammar_frontends_support.h"

using namespace pagoda;
using namespace pagoda::structured;
using namespace pagoda::structured::testing;

namespace {

struct RegexCase {
    std::string pattern;
    Strings accepted;
    Strings rejected;
};

struct ErrorCase {
    std::string input;
    std::string message;  // a part the error must contain
};

size_t countNodes(const Expr& e) {
    size_t n = 1;
    for (const Expr& item : e.items) n += countNodes(item);
    return n;
}

std::string nul(std::string_view s) {
    return std::string(s.data(), s.size());
}

}  // namespace

class GrammarFrontendsTest : public QObject {
    Q_OBJECT

private slots:
    void regexWholeMatchSemantics() {
        using namespace std::string_literals;
        const std::vector<RegexCase> cases = {
            {R"(\d{3}-\d{4})", {"555-1234"}, {"5555-123", "555-123", "555-12345", ""}},
            {"abc", {"abc"}, {"xabc", "abcx", "ab"}},
            {"a|bc", {"a", "bc"}, {"abc", ""}},
            {"ab*c", {"ac", "abbbc"}, {"abdc"}},
            {"(ab)+", {"ab", "abab"}, {"aba", ""}},
            {"a{2,3}", {"aa", "aaa"}, {"a", "aaaa"}},
            {"a{2,}", {"aa", "aaaaaaa"}, {"a"}},
            {"a{0}b", {"b"}, {"ab"}},
            {"[a-c]+", {"abcabc"}, {"abd"}},
            {"[^a-c]", {"d", "é", "\n", "😀"}, {"a", "dd"}},
            {".", {"a", "é", "😀", "\t"}, {"\n", "\r", "\u2028", "\u2029", "ab", ""}},
            {"a.c", {"a😀c", "a c"}, {"a\nc"}},
            {R"(\s)",
             {" ", "\t", "\n", "\v", "\f", "\u00a0", "\u1680", "\u2003", "\u3000", "\ufeff", "\u2028"},
             {"a", "\u200b"}},
            {R"(\S)", {"a", "é"}, {" ", "\u2003", "\n"}},
            {R"(\w+)", {"a_9Z"}, {"é", "a-b"}},
            {R"(\W)", {"é", "-", " "}, {"a", "_"}},
            {R"(\d\D)", {"5x"}, {"55", "x5"}},
            {R"([\d\s]+)", {"1 2\t3"}, {"1a"}},
            {R"([^\d\s])", {"a"}, {"1", " "}},
            {R"([\w-]+)", {"a-b_c"}, {"a b"}},
            {"[-a]", {"-", "a"}, {"b"}},
            {R"([a\-z])", {"-", "a", "z"}, {"b"}},
            {R"([\]\\])", {"]", "\\"}, {"["}},
            {R"(\x41\u0042\u{43})", {"ABC"}, {"abc"}},
            {R"(\uD83D\uDE00)", {"😀"}, {"\xED\xA0\xBD\xED\xB8\x80"}},
            {"[é-ë]+", {"éêë"}, {"e", "ì"}},
            {R"([\u{1F600}-\u{1F602}])", {"😀", "😁", "😂"}, {"😃", "\xF0\x9F\x98"}},
            {R"(\p{L}+)", {"héllo", "Ωμέγα", "привет", "日本"}, {"1", "a b"}},
            {R"(\p{Lu}\p{Ll})", {"Éé", "Ωω"}, {"éÉ"}},
            {R"(\P{L})", {"1", "-"}, {"a", "ж"}},
            {R"([\p{Nd}])", {"7", "٣"}, {"x"}},
            {R"(\p{General_Category=Decimal_Number})", {"٣"}, {"x"}},
            {"(?:ab|cd)e", {"abe", "cde"}, {"abcde", "e"}},
            {R"((?<year>\d{4})-(?P<month>\d\d))", {"2024-05"}, {"2024-5"}},
            {"a*?b", {"b", "aab"}, {"a"}},
            {"a+?", {"a", "aaa"}, {""}},
            {"x{", {"x{"}, {"x"}},
            {"a{,", {"a{,"}, {"a"}},
            {"}]", {"}]"}, {}},
            {"^abc$", {"abc"}, {"xabc", "abcx"}},
            {R"(\/\.\*\+\?\(\)\[\]\{\}\|\^\$\\)", {R"(/.*+?()[]{}|^$\)"}, {}},
            {R"(\n\t\r\f\v\0)", {nul("\n\t\r\f\v\0"s)}, {"\n\t\r\f\v"}},
            {R"(\cJ\cm)", {"\n\r"}, {}},
            {R"([\b])", {"\b"}, {"b"}},
            {"[]", {}, {"", "a", "]"}},
            {"[^]", {"\n", "x"}, {""}},
            {"a|", {"", "a"}, {"aa"}},
            {"()", {""}, {"a"}},
            {"(a|b)*c", {"c", "ababc"}, {"abab"}},
            {"(a?){3}", {"", "a", "aaa"}, {"aaaa"}},
            {"(a{2}){2,3}", {"aaaa", "aaaaaa"}, {"aaa", "aaaaa", "aaaaaaaa"}},
        };
        for (const RegexCase& c : cases) {
            const std::string failures = regexVerdicts(c.pattern, RegexMatch::Whole, c.accepted, c.rejected);
            QVERIFY2(failures.empty(), failures.c_str());
        }
    }

    void regexSearchFollowsJsonSchemaPattern() {
        // JSON Schema `pattern` is an unanchored ECMA-262 search: text may surround the match.
        const std::vector<RegexCase> cases = {
            {"abc", {"abc", "xxabcyy", "a\nabc\n"}, {"ab", "", "acb"}},
            {"^abc", {"abc", "abcyy"}, {"xabc"}},
            {"abc$", {"abc", "xxabc"}, {"abcx"}},
            {"^abc$", {"abc"}, {"abcabc", "xabc"}},
            {"^a|b$", {"a", "ax", "xb", "b"}, {"xa", "bx"}},
            {"^(a|b)$", {"a", "b"}, {"ab", "xa"}},
            {R"(\Aab\Z|cd\z)", {"ab", "xcd"}, {"abx", "xab", "cdx"}},
            {"", {"", "anything\n"}, {}},
            {R"(\d)", {"abc1", "1"}, {"abc"}},
            {R"(^[0-9]{5}(-[0-9]{4})?$)", {"12345", "12345-6789"}, {"1234", "12345-", "123456"}},
            {R"(^\+?[1-9]\d{1,14}$)", {"+14155552671", "14155552671"}, {"0123", "+1"}},
            {R"([a-z]+@[a-z]+\.[a-z]{2,})", {"mail: bob@example.com!"}, {"bob@example"}},
            {R"(^\S+$)", {"nospace"}, {"no space", ""}},
            {R"(^[A-Z][a-z]+(?: [A-Z][a-z]+)*$)", {"Ada Lovelace", "Ada"}, {"ada", "Ada lovelace", "Ada "}},
        };
        for (const RegexCase& c : cases) {
            const std::string failures = regexVerdicts(c.pattern, RegexMatch::Search, c.accepted, c.rejected);
            QVERIFY2(failures.empty(), failures.c_str());
        }
    }

    void regexErrorsNameConstructAndOffset() {
        const std::vector<ErrorCase> cases = {
            {"(?=x)", "regex: lookahead '(?=' at offset 0 is not supported"},
            {"ab(?!c)", "negative lookahead '(?!' at offset 2 is not supported"},
            {"(?<=a)b", "lookbehind '(?<=' at offset 0"},
            {"(?<!a)b", "negative lookbehind '(?<!' at offset 0"},
            {R"((a)\1)", "backreference '\\1' at offset 3"},
            {R"((?<n>a)\k<n>)", "named backreference '\\k<' at offset 7"},
            {"(?P<n>a)(?P=n)", "backreference '(?P=' at offset 8"},
            {R"(\bword)", "word boundary '\\b' at offset 0"},
            {R"(a\B)", "non-word-boundary '\\B' at offset 1"},
            {R"(a\Ab)", "anchor '\\A' at offset 1 is not supported"},
            {R"(a\Zb)", "anchor '\\Z' at offset 1 is not supported"},
            {R"(\Ga)", "anchor '\\G' at offset 0"},
            {"a^b", "anchor '^' at offset 1 is not supported"},
            {"a$b", "anchor '$' at offset 1 is not supported"},
            {"(^a)", "anchor '^' at offset 1"},
            {"(?i)abc", "inline flag group '(?i' at offset 0 is not supported"},
            {"a(?s:b)", "inline flag group '(?s' at offset 1"},
            {"(?>a)", "atomic group '(?>' at offset 0"},
            {"a*+", "possessive quantifier '*+' at offset 1"},
            {"(ab", "group '(' opened at offset 0 is never closed"},
            {"ab)", "unbalanced ')' at offset 2"},
            {"[abc", "character class '[' opened at offset 0 is never closed"},
            {"[z-a]", "range 'z-a' at offset 1 is out of order"},
            {"a{3,2}", "quantifier '{3,2}' at offset 1 has its numbers out of order"},
            {"*a", "quantifier '*' at offset 0 has nothing to repeat"},
            {"a|+", "quantifier '+' at offset 2 has nothing to repeat"},
            {"a**", "quantifier '*' at offset 2 has nothing to repeat"},
            {"a{2}{3}", "at offset 4 has nothing to repeat"},
            {"^*", "at offset 1 has nothing to repeat"},
            {"a{10001}", "above the limit of 10000"},
            {"a{2,99999999999}", "above the limit of 10000"},
            {"a{,5}", "ambiguous"},
            {"\\", "lone '\\' at offset 0"},
            {R"(\q)", "escape '\\q' at offset 0 is unknown"},
            {R"(\x4)", "needs 2 hex digits"},
            {R"(\uD800)", "lone surrogate"},
            {R"(\u{110000})", "beyond U+10FFFF"},
            {R"(\p{Foo})", "Unicode property '\\p{Foo}' at offset 0 is unknown"},
            {R"(\p{Script=Greek})", "Unicode property '\\p{Script=Greek}' at offset 0 is not supported"},
            {R"([\d-z])", "has a class such as \\d as an end"},
            {"a\xff", "not valid UTF-8 at offset 1"},
            {std::string(300, '(') + std::string(300, ')'), "nested more than 256 deep"},
            {"(?", "unknown"},
        };
        for (const ErrorCase& c : cases) {
            auto expr = regexToExpr(c.input);
            QVERIFY2(!expr, printable(c.input).c_str());
            QVERIFY2(expr.error().message.find(c.message) != std::string::npos,
                     (printable(c.input) + " gave: " + expr.error().message).c_str());
        }
    }

    void regexAstKeepsRepeatsUnexpanded() {
        auto big = regexToExpr("a{10000}");
        QVERIFY(big);
        QCOMPARE(big->kind, Expr::Kind::Repeat);
        QCOMPARE(big->maxRepeat, 10000);
        auto nested = regexToExpr("((a{100}){100}){100}");
        QVERIFY(nested);
        QVERIFY(countNodes(*nested) <= 4);
        // Folding stops before the count overflows: a{10^8,} repeated at least 10^4 times stays nested.
        auto huge = regexToExpr("((a{10000,}){10000,}){10000,}");
        QVERIFY(huge);
        QCOMPARE(huge->minRepeat, 10000);
        QCOMPARE(huge->items[0].minRepeat, 100000000);
        QVERIFY(!compileGrammar(grammarOf(*huge)));
        // Nested unbounded repeats fold: (a+)+ is a+, so no run of a's has many parses.
        auto folded = regexToExpr("(a+)+b");
        QVERIFY(folded);
        QCOMPARE(toGbnf(grammarOf(*folded)), std::string("root ::= \"a\"+ \"b\"\n"));
        QCOMPARE(toGbnf(grammarOf(*regexToExpr("(a|a)*"))), std::string("root ::= \"a\"*\n"));
        QCOMPARE(toGbnf(grammarOf(*regexToExpr(R"(\d{3}-\d{4})"))), std::string("root ::= [0-9]{3} \"-\" [0-9]{4}\n"));
        QCOMPARE(toGbnf(grammarOf(*regexToExpr("abc", RegexMatch::Search))), std::string("root ::= .* \"abc\" .*\n"));
    }

    void catastrophicRegexesStayFast() {
        // Patterns that make backtracking engines exponential, on 200-character inputs.
        const std::string as(200, 'a');
        const std::string xs(200, 'x');
        const std::vector<RegexCase> cases = {
            {"(a+)+b", {as + "b"}, {as, as + "c"}}, {"(a|a)*", {as}, {as + "b"}},   {"(a*)*b", {as + "b"}, {as}},
            {"(a|aa)+", {as}, {as + "b"}},          {"(x+x+)+y", {xs + "y"}, {xs}}, {"^(a+)+$", {as}, {as + "!"}},
        };
        for (const RegexCase& c : cases) {
            const RegexMatch match = c.pattern[0] == '^' ? RegexMatch::Search : RegexMatch::Whole;
            const std::string failures = regexVerdicts(c.pattern, match, c.accepted, c.rejected);
            QVERIFY2(failures.empty(), failures.c_str());
        }
    }

    void largeAlternationsStayLinear() {
        // Thousands of alternatives (an enum written as GBNF or as a regex) parse without
        // comparing every pair, and still match exactly their members.
        std::string gbnf = "root ::= ";
        std::string pattern;
        for (int i = 0; i < 20000; ++i) {
            gbnf += fmt::format("{}\"w{}\"", i ? " | " : "", i);
            pattern += fmt::format("{}w{}", i ? "|" : "", i);
        }
        const Strings accepted = {"w0", "w12345", "w19999"};
        const Strings rejected = {"w20000", "w", "w0w1", ""};
        std::string failures = gbnfVerdicts(gbnf, accepted, rejected);
        failures += regexVerdicts(pattern, RegexMatch::Whole, accepted, rejected);
        QVERIFY2(failures.empty(), failures.c_str());
        auto withDuplicates = parseGbnf("root ::= \"ab\" x | \"ab\" x | \"cd\" | \"ab\" x\nx ::= \"!\"");
        QVERIFY(withDuplicates);
        QCOMPARE(toGbnf(*withDuplicates), std::string("root ::= \"ab\" x | \"cd\"\nx ::= \"!\"\n"));
    }

    void gbnfArithmeticGrammar() {
        const char* text =
            "# equations, one per line\n"
            "root  ::= (expr \"=\" ws term \"\\n\")+\n"
            "expr  ::= term ([-+*/] term)*\n"
            "term  ::= ident | num | \"(\" ws expr \")\" ws\n"
            "ident ::= [a-z] [a-z0-9_]* ws\n"
            "num   ::= [0-9]+ ws\n"
            "ws    ::= [ \\t\\n]*\n";
        const std::string failures = gbnfVerdicts(text, {"1+2=3\n", "(a +b)*c=x\n", "( a+b )=x \n", "x=1\ny=2\n"},
                                                  {"1+=3\n", "1+2\n", "=3\n", "", "1 + 2=3\n"});
        QVERIFY2(failures.empty(), failures.c_str());
    }

    void gbnfSyntax() {
        struct GbnfCase {
            std::string text;
            Strings accepted;
            Strings rejected;
        };
        const std::vector<GbnfCase> cases = {
            // Escapes name code points: \xe9 is U+00E9 (two UTF-8 bytes), not the byte E9.
            {"root ::= \"\\x41\\u00e9\\U0001F600\\\"\\\\\\n\\t\\r\\[\\]\"", {"Aé😀\"\\\n\t\r[]"}, {"A\xe9"}},
            {R"(root ::= "\xe9")", {"é"}, {"\xe9"}},
            {R"(root ::= [^\]\-\\]+)", {"abc", "é"}, {"]", "-", "\\"}},
            {R"(root ::= [\u0400-\u04FF]+)", {"привет"}, {"hello"}},
            {"root ::= [a-]", {"a", "-"}, {"b"}},
            {"root ::= .", {"\n", "é", "😀"}, {"", "ab"}},
            {R"(root ::= "ab"{2} "c"{1,3} "d"{2,} "e"?)", {"ababcdd", "ababcccdddde"}, {"abcdd", "ababcccc"}},
            {"root ::= \"x\"{ 1 , 2 }", {"x", "xx"}, {"xxx"}},
            {"root ::= item+\nitem ::= \"a\" | \"b\" # trailing comment\n", {"abba"}, {"abc"}},
            {"root ::= \"a\"\r\n  | \"b\"\r\n", {"a", "b"}, {"ab"}},
            {"root ::= (\n  \"a\" # inside a group lines continue\n  \"b\"\n)\n", {"ab"}, {"a"}},
            {"root ::= \"a\" |\n  \"b\"", {"a", "b"}, {}},
            {"root ::=\n  \"x\" ws\nws ::= | \" \" ws", {"x", "x   "}, {" x"}},
            {"root ::= [] | \"ok\"", {"ok"}, {""}},
            {"root ::= [^]", {"z"}, {""}},
            {"root ::= (\"a\"+)*", {"", "aaa"}, {"b"}},
            {"root ::= \"\"", {""}, {"a"}},
            {"root ::= \"\xff\" | \"a\"", {"\xff", "a"}, {"\x07", "\xc3\xbf"}},  // a raw byte stays that byte
            {"root ::= ()", {""}, {"a"}},
            {"root ::= under_score-dash9\nunder_score-dash9 ::= \"ok\"", {"ok"}, {}},
        };
        for (const GbnfCase& c : cases) {
            const std::string failures = gbnfVerdicts(c.text, c.accepted, c.rejected);
            QVERIFY2(failures.empty(), (printable(c.text) + "\n" + failures).c_str());
        }
    }

    void gbnfErrorsCarryLineAndColumn() {
        const std::vector<ErrorCase> cases = {
            {"root ::= foo", "gbnf:1:10: rule 'foo' is used but never defined"},
            {"root ::= a\na ::= b c\nb ::= \"x\"", "gbnf:2:9: rule 'c' is used but never defined"},
            {"a ::= \"x\"", "no rule named 'root'"},
            {"root ::= \"a\" \"b\" ::=", "gbnf:1:18: expected"},
            {"root ::= \"abc", "gbnf:1:10: string is never closed"},
            {"root ::= [abc", "gbnf:1:10: character class is never closed"},
            {"root ::= [z-a]", "gbnf:1:11: range 'z-a' is out of order"},
            {R"(root ::= "\q")", "gbnf:1:11: unknown escape '\\q'"},
            {R"(root ::= "\x4")", "escape '\\x' needs 2 hex digits"},
            {R"(root ::= "\uD800")", "not a Unicode scalar value"},
            {"root ::= a\na ::= \"1\"\na ::= \"2\"", "gbnf:3:1: rule 'a' is defined twice (first at line 2)"},
            {"root ::= \"a\"{3,2}", "gbnf:1:13: repetition {3,2} has its numbers out of order"},
            {"root ::= \"a\"{20000}", "above the limit of 10000"},
            {"root ::= \"a\"{x}", "expected a number after '{'"},
            {"root ::= \"a\"{2", "expected '}' closing the repetition"},
            {"root ::= ( \"a\" | \"b\" )\n   \"c\"", "gbnf:2:4: expected a rule 'name ::= ...'"},
            {"root ::= *", "gbnf:1:10: '*' has nothing to repeat"},
            {"root ::= (\"a\"", "gbnf:1:14: expected ')' closing the group opened at line 1"},
            {"root ::= <[12]>", "token references"},
            {"ro ot ::= x", "gbnf:1:4: expected '::=' after the rule name 'ro', found 'o'"},
            {"root ::= \"é\" ]", "gbnf:1:14: expected"},
            {"root ::= x y ::= z", "starts on the same line"},
            {std::string("root ::= ") + std::string(300, '(') + std::string(300, ')'), "nested more than 256 deep"},
        };
        for (const ErrorCase& c : cases) {
            auto grammar = parseGbnf(c.input);
            QVERIFY2(!grammar, printable(c.input).c_str());
            QVERIFY2(grammar.error().message.find(c.message) != std::string::npos,
                     (printable(c.input) + " gave: " + grammar.error().message).c_str());
        }
    }

    void toGbnfEscapesAndRenames() {
        Grammar g;
        g.root = "main";
        g.add("main", Expr::sequence({Expr::literal("\"\\\n\t" + std::string(1, '\0') + "\u2028é"), Expr::ref("root"),
                                      Expr::ref("a.b"), Expr::ref("a-b")}));
        g.add("root", Expr::charClass({{'-', '-'}, {'^', '^'}, {']', ']'}, {'a', 'c'}, {0xA0, 0xA0}}, true));
        g.add("a.b", Expr::repeat(Expr::repeat(Expr::literal("x"), 2, 3), 0, -1));
        g.add("a-b", Expr::choice({}));
        const std::string expected =
            "root ::= \"\\\"\\\\\\n\\t\\x00\\u2028é\" root-2 a-b a-b-2\n"
            "root-2 ::= [^\\x2D\\]\\x5Ea-c\\xA0]\n"
            "a-b ::= (\"x\"{2,3})*\n"
            "a-b-2 ::= []\n";
        QCOMPARE(toGbnf(g), expected);
    }

    void toGbnfRoundTrips() {
        // parseGbnf(toGbnf(g)) accepts the same strings as g; once parsed (which simplifies,
        // e.g. drops "" from a sequence), writing and parsing again changes nothing.
        struct RoundTrip {
            Grammar grammar;
            Strings accepted;
            Strings rejected;
        };
        std::vector<RoundTrip> cases;
        auto fromRegex = [](std::string_view pattern, RegexMatch match) {
            return grammarOf(*regexToExpr(pattern, match));
        };
        cases.push_back({fromRegex(R"(^\+?[1-9]\d{1,14}$)", RegexMatch::Search), {"+14155552671"}, {"0123"}});
        cases.push_back({fromRegex("[^\\s\"\\\\]+|\\p{Lu}{2}", RegexMatch::Whole), {"abc", "ÉÉ"}, {"a b", "\""}});
        cases.push_back({fromRegex("(ab|cd)*(e{2,}|f?)", RegexMatch::Whole), {"abcdee", "", "f"}, {"e", "abc"}});
        Grammar mixed;
        mixed.root = "start";
        mixed.add("start", Expr::sequence({Expr::literal("\xff\xfe"), Expr::ref("body"), Expr::empty(),
                                           Expr::optional(Expr::literal(std::string("\0\"\\", 3)))}));
        mixed.add(
            "body",
            Expr::choice({Expr::sequence({Expr::literal("["), Expr::optional(Expr::ref("body")), Expr::literal("]")}),
                          Expr::repeat(Expr::anyChar(), 1, 2), Expr::choice({})}));
        cases.push_back({std::move(mixed),
                         {"\xff\xfe[[x]]",
                          "\xff\xfe"
                          "ab",
                          "\xff\xfe[]", "\xff\xfe[]" + std::string("\0\"\\", 3)},
                         {"\xff\xfe", "[x]", "\xff\xfe[]" + std::string("\0\"", 2)}});
        for (const RoundTrip& c : cases) {
            const std::string text = toGbnf(c.grammar);
            auto parsed = parseGbnf(text);
            QVERIFY2(parsed, text.c_str());
            const std::string again = toGbnf(*parsed);
            auto reparsed = parseGbnf(again);
            QVERIFY2(reparsed, again.c_str());
            QCOMPARE(toGbnf(*reparsed), again);
            std::string failures = verdicts(c.grammar, c.accepted, c.rejected);
            failures += verdicts(*parsed, c.accepted, c.rejected);
            QVERIFY2(failures.empty(), (text + failures).c_str());
        }
    }
};

QTEST_GUILESS_MAIN(GrammarFrontendsTest)
#include "grammar_frontends_test.moc"
