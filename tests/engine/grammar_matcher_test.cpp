// The grammar compiler and matcher: byte-level matching of hand-written grammars, the errors
// a bad grammar gets, and token masks checked against the definition (a token is allowed iff
// its bytes lead somewhere live) over the real Qwen3 and Llama 2 vocabularies.
#include <QtTest>

#include <chrono>
#include <numeric>

#include "engine/structured/compiled_grammar.h"
#include "engine/structured/grammar_matcher.h"
#include "tests/support/tokenizer_fixture.h"

using namespace pagoda;
using namespace pagoda::structured;

namespace {

std::filesystem::path fixture(const char* name) {
    return std::filesystem::path(PAGODA_SOURCE_DIR) / "tests/fixtures/tokenizers" / name;
}

// 256 one-byte tokens (id = byte) and an end token 256.
std::shared_ptr<const TokenVocabulary> byteVocabulary() {
    std::vector<std::string> bytes(257);
    for (int b = 0; b < 256; ++b) bytes[size_t(b)] = std::string(1, char(b));
    const int32_t eos[] = {256};
    return std::make_shared<const TokenVocabulary>(std::move(bytes), std::span<const int32_t>(), eos);
}

std::shared_ptr<TokenGrammar> tokenGrammar(const Grammar& g, std::shared_ptr<const TokenVocabulary> vocab = nullptr) {
    auto compiled = compileGrammar(g);
    if (!compiled) qFatal("compile failed: %s", compiled.error().message.c_str());
    return std::make_shared<TokenGrammar>(*compiled, vocab ? vocab : byteVocabulary());
}

// Whether `text` is a complete match (Some), or a live prefix (false), or rejected (nullopt).
std::optional<bool> match(TokenGrammar& g, std::string_view text) {
    auto s = g.advance(g.initialState(), text);
    if (!s || *s == TokenGrammar::kDead) return std::nullopt;
    return g.accepting(*s);
}

Grammar oneRule(Expr body) {
    Grammar g;
    g.root = "root";
    g.add("root", std::move(body));
    return g;
}

QString errorOf(const Grammar& g) {
    auto compiled = compileGrammar(g);
    return compiled ? QString() : QString::fromStdString(compiled.error().message);
}

}  // namespace

class GrammarMatcherTest : public QObject {
    Q_OBJECT

private slots:
    void literalsChoicesAndRepetitionMatchExactly() {
        using E = Expr;
        auto g = tokenGrammar(oneRule(E::sequence({E::literal("ab"), E::choice({E::literal("c"), E::literal("de")}),
                                                   E::repeat(E::literal("x"), 2, 4)})));
        QCOMPARE(match(*g, "abcxx"), std::optional<bool>(true));
        QCOMPARE(match(*g, "abdexxxx"), std::optional<bool>(true));
        QCOMPARE(match(*g, "abcx"), std::optional<bool>(false));      // live, not complete
        QCOMPARE(match(*g, "abcxxxxx"), std::optional<bool>());       // a fifth x
        QCOMPARE(match(*g, "abd"), std::optional<bool>(false));
        QCOMPARE(match(*g, "abe"), std::optional<bool>());
        QCOMPARE(match(*g, ""), std::optional<bool>(false));
    }

    void unboundedRepetitionAndRecursionThroughRules() {
        using E = Expr;
        Grammar g;
        g.root = "root";
        // Balanced brackets: root ::= ("[" root "]")*
        g.add("root", E::star(E::sequence({E::literal("["), E::ref("root"), E::literal("]")})));
        auto tg = tokenGrammar(g);
        QCOMPARE(match(*tg, ""), std::optional<bool>(true));
        QCOMPARE(match(*tg, "[[]][]"), std::optional<bool>(true));
        QCOMPARE(match(*tg, "[[[]]"), std::optional<bool>(false));
        QCOMPARE(match(*tg, "[]]"), std::optional<bool>());
        std::string deep(2000, '[');
        deep += std::string(2000, ']');
        QCOMPARE(match(*tg, deep), std::optional<bool>(true));
    }

    void characterClassesMatchWholeUtf8Characters() {
        using E = Expr;
        // Any character but a quote or backslash, then a quote.
        auto g = tokenGrammar(oneRule(E::sequence({E::star(E::charClass({{'"', '"'}, {'\\', '\\'}}, true)),
                                                   E::literal("\"")})));
        QCOMPARE(match(*g, "abc\""), std::optional<bool>(true));
        QCOMPARE(match(*g, "é中😀\""), std::optional<bool>(true));
        QCOMPARE(match(*g, "a\\"), std::optional<bool>());
        QCOMPARE(match(*g, "\xC3"), std::optional<bool>(false));       // half of é: live
        QCOMPARE(match(*g, "\xC3\x28"), std::optional<bool>());        // not UTF-8
        QCOMPARE(match(*g, "\xED\xA0\x80\""), std::optional<bool>());  // an encoded surrogate
        QCOMPARE(match(*g, "\xF4\x90\x80\x80\""), std::optional<bool>());  // beyond U+10FFFF
        auto cjk = tokenGrammar(oneRule(E::plus(E::charClass({{0x4E00, 0x9FFF}}))));
        QCOMPARE(match(*cjk, "中文"), std::optional<bool>(true));
        QCOMPARE(match(*cjk, "中a"), std::optional<bool>());
        QCOMPARE(match(*cjk, "é"), std::optional<bool>());
    }

    void nullableLoopsTerminate() {
        using E = Expr;
        // (a*)* and (a|a)*b: the kind of pattern that makes backtracking matchers explode.
        auto g = tokenGrammar(oneRule(E::sequence({E::star(E::star(E::literal("a"))), E::literal("b")})));
        QCOMPARE(match(*g, std::string(500, 'a') + "b"), std::optional<bool>(true));
        auto h = tokenGrammar(oneRule(E::sequence({E::star(E::choice({E::literal("a"), E::literal("a")})), E::literal("b")})));
        QCOMPARE(match(*h, std::string(500, 'a')), std::optional<bool>(false));
        QCOMPARE(match(*h, std::string(500, 'a') + "c"), std::optional<bool>());
    }

    void badGrammarsAreErrorsThatNameTheRule() {
        using E = Expr;
        Grammar left;
        left.root = "root";
        left.add("root", E::choice({E::sequence({E::ref("expr")}), E::literal("x")}));
        left.add("expr", E::choice({E::sequence({E::ref("expr"), E::literal("+"), E::literal("1")}), E::literal("1")}));
        QVERIFY2(errorOf(left).contains("'expr' is left-recursive"), qPrintable(errorOf(left)));
        Grammar hidden;  // left recursion behind a rule that can match nothing
        hidden.root = "root";
        hidden.add("root", E::sequence({E::ref("maybe"), E::ref("root"), E::literal("x")}));
        hidden.add("maybe", E::optional(E::literal("y")));
        QVERIFY2(errorOf(hidden).contains("left-recursive"), qPrintable(errorOf(hidden)));
        Grammar undefined = oneRule(E::ref("missing"));
        QVERIFY(errorOf(undefined).contains("'missing', which is not defined"));
        Grammar twice = oneRule(E::literal("a"));
        twice.add("root", E::literal("b"));
        QVERIFY(errorOf(twice).contains("'root' is defined twice"));
        Grammar noRoot = oneRule(E::literal("a"));
        noRoot.root = "start";
        QVERIFY(errorOf(noRoot).contains("root rule 'start' is not defined"));
        QVERIFY(errorOf(oneRule(E::repeat(E::literal("ab"), 0, 50'000'000))).contains("limit"));
        // Right recursion is fine: it is how repetition is written in GBNF.
        Grammar right;
        right.root = "root";
        right.add("root", E::choice({E::sequence({E::literal("a"), E::ref("root")}), E::empty()}));
        QCOMPARE(errorOf(right), QString());
    }

    void nestedOptionalRepetitionsFailFastInsteadOfStalling() {
        using E = Expr;
        // ((a{0,10000}){0,10000}){0,10000}: the empty string alone is reachable in 10^12 ways.
        const Expr nested = E::repeat(E::repeat(E::repeat(E::literal("a"), 0, 10000), 0, 10000), 0, 10000);
        auto g = tokenGrammar(oneRule(nested));
        GrammarMatcher m(g);
        auto mask = m.nextMask();
        QVERIFY(!mask);
        QVERIFY2(QString::fromStdString(mask.error().message).contains("too ambiguous"), mask.error().message.c_str());
    }

    void byteFallbackTokensStandForTheirByte() {
        const Tokenizer& tok = test::cachedTokenizer(fixture("llama2"));
        auto vocab = TokenVocabulary::fromTokenizer(tok, {});
        const auto e4 = tok.tokenToId("<0xE4>").value();
        QCOMPARE(vocab->bytes(e4), std::string("\xE4"));
        QCOMPARE(vocab->bytes(tok.tokenToId("<0x0A>").value()), std::string("\n"));
        // 中 is E4 B8 AD: three byte tokens spell it and a class of CJK characters takes them.
        auto g = tokenGrammar(oneRule(Expr::plus(Expr::charClass({{0x4E00, 0x9FFF}}))), vocab);
        GrammarMatcher m(g);
        for (const char* piece : {"<0xE4>", "<0xB8>", "<0xAD>"}) QVERIFY(m.acceptToken(tok.tokenToId(piece).value()).value());
        QVERIFY(m.accepting());
    }

    void endOfSequenceIsAllowedExactlyWhenComplete() {
        using E = Expr;
        auto g = tokenGrammar(oneRule(E::sequence({E::literal("yes"), E::optional(E::literal("!"))})));
        GrammarMatcher m(g);
        QVERIFY(!m.nextMask().value()->allows(256));
        QCOMPARE(m.acceptToken(256).value(), false);  // eos before the match is complete
        for (char c : std::string("yes")) QVERIFY(m.acceptToken(uint8_t(c)).value());
        auto mask = m.nextMask().value();
        QVERIFY(mask->allows(256));
        QVERIFY(mask->allows('!'));
        QCOMPARE(mask->count(), size_t(2));
        QVERIFY(!m.terminated());
        QVERIFY(m.acceptToken('!').value());
        QVERIFY(m.terminated());  // nothing may follow
        QCOMPARE(m.nextMask().value()->count(), size_t(1));
    }

    // The mask is checked against its definition token by token over a 151k vocabulary, at
    // states inside a JSON-like grammar: the start, inside a string, after a number.
    void masksEqualTokenByTokenMatchingOnRealVocabularies_data() {
        QTest::addColumn<QString>("tokenizer");
        QTest::newRow("qwen3") << "qwen3";
        QTest::newRow("llama2") << "llama2";
    }
    void masksEqualTokenByTokenMatchingOnRealVocabularies() {
        QFETCH(QString, tokenizer);
        using E = Expr;
        const Tokenizer& tok = test::cachedTokenizer(fixture(tokenizer.toUtf8().constData()));
        const int32_t eos[] = {0};
        auto vocab = TokenVocabulary::fromTokenizer(tok, eos);
        Grammar g;
        g.root = "root";
        g.add("ws", E::repeat(E::charClass({{' ', ' '}, {'\n', '\n'}}), 0, 3));
        g.add("string", E::sequence({E::literal("\""), E::star(E::charClass({{'"', '"'}, {'\\', '\\'}, {0, 0x1F}}, true)),
                                     E::literal("\"")}));
        g.add("number", E::sequence({E::optional(E::literal("-")), E::plus(E::charClass({{'0', '9'}}))}));
        // Bounded runs: every position is a state of its own (no state loops back to itself).
        g.add("bounded", E::sequence({E::literal("<"), E::repeat(E::charClass({{'>', '>'}}, true), 0, 40), E::literal(">")}));
        g.add("hex", E::sequence({E::literal("#"), E::repeat(E::charClass({{'0', '9'}, {'a', 'f'}}), 24, 24)}));
        g.add("value", E::choice({E::ref("string"), E::ref("number"), E::literal("true"), E::literal("null"),
                                  E::ref("bounded"), E::ref("hex")}));
        g.add("root", E::sequence({E::literal("{"), E::ref("ws"), E::ref("string"), E::ref("ws"), E::literal(":"),
                                   E::ref("ws"), E::ref("value"), E::ref("ws"), E::literal("}")}));
        auto tg = tokenGrammar(g, vocab);
        for (const char* prefix : {"", "{", "{ \"na", "{\"key\": -12", "{\"k\":\"é", "{\"k\": true }", "{\"k\": <",
                                   "{\"k\": <ab c", "{\"k\": <é中 ab cd ef gh ij kl mn op qr st", "{\"k\": #", "{\"k\": #0123456789abcdef012"}) {
            const auto state = tg->advance(tg->initialState(), prefix).value();
            QVERIFY2(state != TokenGrammar::kDead, prefix);
            const auto mask = tg->mask(state).value();
            size_t allowed = 0;
            for (size_t id = 0; id < vocab->size(); ++id) {
                bool expected = false;
                if (vocab->matchesText(int32_t(id))) expected = tg->advance(state, vocab->bytes(int32_t(id))).value() != TokenGrammar::kDead;
                else if (vocab->isEos(int32_t(id))) expected = tg->accepting(state);
                if (mask->allows(int32_t(id)) != expected)
                    QFAIL(qPrintable(QString("after '%1': token %2 (%3) allowed=%4, expected %5")
                                         .arg(prefix).arg(id).arg(QString::fromStdString(vocab->bytes(int32_t(id))))
                                         .arg(mask->allows(int32_t(id))).arg(expected)));
                allowed += expected;
            }
            QCOMPARE(mask->count(), allowed);
            QVERIFY(allowed > 0);
        }
    }

    void specialTokensNeverMatchText() {
        const Tokenizer& tok = test::cachedTokenizer(fixture("qwen3"));
        const auto imEnd = tok.tokenToId("<|im_end|>").value();
        const int32_t eos[] = {imEnd};
        auto vocab = TokenVocabulary::fromTokenizer(tok, eos);
        auto tg = tokenGrammar(oneRule(Expr::star(Expr::anyChar())), vocab);
        GrammarMatcher m(tg);
        const auto mask = m.nextMask().value();
        QVERIFY(mask->allows(imEnd));  // as the end of a complete output
        const auto endOfText = tok.tokenToId("<|endoftext|>").value();
        QVERIFY(!mask->allows(endOfText));
        QCOMPARE(m.acceptToken(endOfText).value(), false);
        const auto hello = tok.encode("hello", false).value();
        for (int32_t id : hello) QVERIFY(m.acceptToken(id).value());
    }
};

QTEST_APPLESS_MAIN(GrammarMatcherTest)
#include "grammar_matcher_test.moc"
