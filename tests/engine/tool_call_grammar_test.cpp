// Forced tool calls: the grammar accepts exactly the model's own markup for the offered
// functions with schema-valid arguments, and whatever a random walk through it writes, the chat
// output parser turns into tool calls naming only those functions.
#include <QtTest>

#include <random>

#include <nlohmann/json.hpp>

#include "engine/chat/chat_output_parser.h"
#include "engine/structured/grammar_matcher.h"
#include "engine/structured/tool_call_grammar.h"
#include "tests/support/tokenizer_fixture.h"

using namespace pagoda;
using namespace pagoda::structured;

namespace {

const char* kWeather = R"({"type": "object", "properties": {"city": {"type": "string", "maxLength": 12},
    "days": {"type": "integer", "minimum": 1, "maximum": 7}}, "required": ["city", "days"], "additionalProperties": false})";
const char* kTime = R"({"type": "object", "properties": {"zone": {"enum": ["UTC", "CET"]}}, "required": ["zone"],
    "additionalProperties": false})";

std::vector<ToolSignature> tools() {
    return {{"get_weather", kWeather}, {"get_time", kTime}};
}

// 256 one-byte tokens (id = byte) and an end token 256.
std::shared_ptr<const TokenVocabulary> byteVocabulary() {
    std::vector<std::string> bytes(257);
    for (int b = 0; b < 256; ++b) bytes[size_t(b)] = std::string(1, char(b));
    const int32_t eos[] = {256};
    return std::make_shared<const TokenVocabulary>(std::move(bytes), std::span<const int32_t>(), eos);
}

std::shared_ptr<TokenGrammar> tokenGrammar(const ToolCallGrammarRequest& request,
                                           std::shared_ptr<const TokenVocabulary> vocabulary = byteVocabulary()) {
    auto compiled = compileToolCallGrammar(request);
    if (!compiled) qFatal("tool-call grammar failed: %s", compiled.error().message.c_str());
    return std::make_shared<TokenGrammar>(compiled->grammar, std::move(vocabulary));
}

// True: a complete match; false: a live prefix; nullopt: rejected.
std::optional<bool> match(TokenGrammar& g, std::string_view text) {
    auto s = g.advance(g.initialState(), text);
    if (!s || *s == TokenGrammar::kDead) return std::nullopt;
    return g.accepting(*s);
}

ToolCallGrammarRequest request(ChatOutputFormat format, bool several, std::vector<ToolSignature> offered = tools()) {
    return {format, std::move(offered), several};
}

// What a model with random weights writes under the grammar: a uniformly random allowed token
// each step, the end token (when allowed) one time in eight.
std::string randomWalk(std::shared_ptr<TokenGrammar> grammar, std::mt19937& random, const TokenVocabulary& vocabulary) {
    GrammarMatcher matcher(std::move(grammar));
    std::string text;
    for (int step = 0; step < 4000 && !matcher.terminated(); ++step) {
        auto mask = matcher.nextMask();
        if (!mask) qFatal("mask failed: %s", mask.error().message.c_str());
        std::vector<int32_t> allowed;
        bool eos = false;
        for (int32_t id = 0; id < int32_t(vocabulary.size()); ++id) {
            if (!(*mask)->allows(id)) continue;
            if (vocabulary.isEos(id))
                eos = true;
            else
                allowed.push_back(id);
        }
        if (eos && (allowed.empty() || random() % 8 == 0)) break;
        if (allowed.empty()) qFatal("the grammar allows nothing after %s", text.c_str());
        const int32_t id = allowed[random() % allowed.size()];
        if (!matcher.acceptToken(id).value()) qFatal("an allowed token was refused");
        text += vocabulary.bytes(id);
    }
    return text;
}

ChatOutputOptions parserOptions(ChatOutputFormat format) {
    ChatOutputOptions options;
    options.format = format;
    options.toolNames = {"get_weather", "get_time"};
    return options;
}

void checkCall(const ToolCall& call) {
    const auto arguments = nlohmann::json::parse(call.arguments);
    if (call.name == "get_weather") {
        QVERIFY2(arguments["city"].is_string() && arguments["city"].get<std::string>().size() <= 12 * 4,
                 call.arguments.c_str());
        QVERIFY2(arguments["days"].is_number_integer(), call.arguments.c_str());
        QVERIFY(arguments["days"] >= 1 && arguments["days"] <= 7);
        QCOMPARE(arguments.size(), size_t(2));
    } else {
        QCOMPARE(QString::fromStdString(call.name), QString("get_time"));
        QVERIFY2(arguments == nlohmann::json({{"zone", "UTC"}}) || arguments == nlohmann::json({{"zone", "CET"}}),
                 call.arguments.c_str());
    }
}

}  // namespace

class ToolCallGrammarTest : public QObject {
    Q_OBJECT

private slots:
    void hermesCallsNameOnlyOfferedToolsWithValidArguments() {
        auto g = tokenGrammar(request(ChatOutputFormat::QwenHermes, false));
        const std::string good =
            "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\", \"days\": 3}}\n</tool_call>";
        QCOMPARE(match(*g, good), std::optional<bool>(true));
        QCOMPARE(match(*g, "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"zone\": \"CET\"}}\n</tool_call>"),
                 std::optional<bool>(true));
        QCOMPARE(match(*g, "<tool_call>\n{\"name\": \"rm_rf\""), std::optional<bool>());
        QCOMPARE(match(*g, "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": 5"),
                 std::optional<bool>());
        QCOMPARE(match(*g, "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"zone\": \"PST\""),
                 std::optional<bool>());
        QCOMPARE(match(*g, "Sure! <tool_call>"), std::optional<bool>());  // no content before the call
        QCOMPARE(match(*g, good.substr(0, 40)), std::optional<bool>(false));
        QCOMPARE(match(*g, good + "\n" + good), std::optional<bool>());  // a named choice: one call
    }

    void requiredAllowsSeveralCalls() {
        auto g = tokenGrammar(request(ChatOutputFormat::QwenHermes, true));
        const std::string call =
            "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"zone\": \"UTC\"}}\n</tool_call>";
        QCOMPARE(match(*g, call), std::optional<bool>(true));
        QCOMPARE(match(*g, call + "\n" + call), std::optional<bool>(true));
        QCOMPARE(match(*g, ""), std::optional<bool>(false));  // at least one
    }

    void glmReplyIsNameLineThenArguments() {
        auto g = tokenGrammar(request(ChatOutputFormat::Glm4, true));
        QCOMPARE(match(*g, "get_time\n{\"zone\": \"UTC\"}"), std::optional<bool>(true));
        QCOMPARE(match(*g, "\nget_weather\n{\"city\": \"Rome\", \"days\": 7}"), std::optional<bool>(true));
        QCOMPARE(match(*g, "get_time\n{\"zone\": \"UTC\"}\nget_time"), std::optional<bool>());  // one call per reply
        QCOMPARE(match(*g, "<tool_call>"), std::optional<bool>());
    }

    void namesAreWrittenAsJsonStrings() {
        auto g = tokenGrammar(request(ChatOutputFormat::QwenHermes, false, {{"say \"hi\"", ""}}));
        QCOMPARE(match(*g, "<tool_call>\n{\"name\": \"say \\\"hi\\\"\", \"arguments\": {}}\n</tool_call>"),
                 std::optional<bool>(true));
        // No parameters schema: any JSON object.
        QCOMPARE(
            match(*g, "<tool_call>\n{\"name\": \"say \\\"hi\\\"\", \"arguments\": {\"x\": [1, null]}}\n</tool_call>"),
            std::optional<bool>(true));
    }

    void plainTemplatesAndBadSchemasAreErrorsThatSayWhy() {
        auto plain = toolCallGrammar(request(ChatOutputFormat::Plain, true));
        QVERIFY(!plain);
        QVERIFY2(plain.error().message.find("tool-call markup") != std::string::npos, plain.error().message.c_str());
        auto none = toolCallGrammar(request(ChatOutputFormat::QwenHermes, true, {}));
        QVERIFY(!none);
        auto bad = toolCallGrammar(request(ChatOutputFormat::QwenHermes, true, {{"f", R"({"type": "frobnicate"})"}}));
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.find("tool 'f'") != std::string::npos, bad.error().message.c_str());
    }

    void theSameToolsCompileOnce() {
        auto first = compileToolCallGrammar(request(ChatOutputFormat::QwenHermes, true));
        auto second = compileToolCallGrammar(request(ChatOutputFormat::QwenHermes, true));
        auto named = compileToolCallGrammar(request(ChatOutputFormat::QwenHermes, false));
        QVERIFY(first && second && named);
        QCOMPARE(first->grammar.get(), second->grammar.get());
        QCOMPARE(first->key, second->key);
        QVERIFY(first->key != named->key);
    }

    // The end-to-end promise at unit scale: random walks through the grammar, over bytes and over
    // the real Qwen3 vocabulary, always parse into calls of offered tools with valid arguments.
    void randomWalksParseIntoValidToolCalls_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("qwenVocabulary");
        QTest::newRow("hermes bytes") << int(ChatOutputFormat::QwenHermes) << false;
        QTest::newRow("glm bytes") << int(ChatOutputFormat::Glm4) << false;
        QTest::newRow("hermes qwen3 vocabulary") << int(ChatOutputFormat::QwenHermes) << true;
    }
    void randomWalksParseIntoValidToolCalls() {
        QFETCH(int, format);
        QFETCH(bool, qwenVocabulary);
        const auto outputFormat = ChatOutputFormat(format);
        std::shared_ptr<const TokenVocabulary> vocabulary = byteVocabulary();
        if (qwenVocabulary) {
            const Tokenizer& qwen =
                test::cachedTokenizer(std::filesystem::path(PAGODA_SOURCE_DIR) / "tests/fixtures/tokenizers/qwen3");
            const int32_t eos[] = {*qwen.tokenToId("<|im_end|>")};
            vocabulary = TokenVocabulary::fromTokenizer(qwen, eos);
        }
        auto g = tokenGrammar(request(outputFormat, true), vocabulary);
        std::mt19937 random(19);
        for (int walk = 0; walk < (qwenVocabulary ? 5 : 40); ++walk) {
            const std::string text = randomWalk(g, random, *vocabulary);
            const ParsedChatOutput parsed = parseChatOutput(text, parserOptions(outputFormat));
            QVERIFY2(!parsed.toolCalls.empty(), text.c_str());
            QVERIFY2(parsed.content.empty(), text.c_str());
            for (const ToolCall& call : parsed.toolCalls) checkCall(call);
        }
    }
};

QTEST_APPLESS_MAIN(ToolCallGrammarTest)
#include "tool_call_grammar_test.moc"
