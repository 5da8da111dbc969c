// Generated text becomes OpenAI message parts (reasoning, content, tool calls) as the target
// models' formats define them, and a stream cut anywhere adds up to the whole-text parse.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "engine/chat/chat_output_parser.h"
#include "engine/chat/python_json.h"
#include "engine/common/utf8.h"
#include "engine/tokenizer/chat_template.h"
#include "tests/engine/chat_output_cases.h"

using namespace pagoda;
using pagoda::test::chatOutputCases;

namespace {

const test::ChatOutputCase& caseNamed(const QString& name) {
    for (const auto& c : chatOutputCases())
        if (QString::fromUtf8(c.name.data(), qsizetype(c.name.size())) == name) return c;
    qFatal("no chat output case %s", qPrintable(name));
}

QByteArray bytes(std::string_view text) { return QByteArray(text.data(), qsizetype(text.size())); }

// Byte offsets where a cut does not split a UTF-8 character (the detokenizer never does).
std::vector<size_t> characterBoundaries(std::string_view text) {
    std::vector<size_t> cuts;
    for (size_t i = 0; i < text.size(); i += utf8SequenceLength(static_cast<unsigned char>(text[i]))) cuts.push_back(i);
    cuts.push_back(text.size());
    return cuts;
}

// What a client reassembles from a stream; it also checks the delta protocol: a call's first
// delta (and only that one) carries its id and name, and calls start in index order.
struct Reassembled {
    ParsedChatOutput parsed;
    bool sawToolCall = false;
    QString protocolError;

    void add(ChatOutputDelta delta) {
        parsed.content += delta.content;
        parsed.reasoning += delta.reasoning;
        for (auto& call : delta.toolCalls) {
            if (call.index == int(parsed.toolCalls.size())) {
                if (call.id.empty() || call.name.empty()) protocolError = "a call's first delta lacks its id or name";
                parsed.toolCalls.push_back({call.id, call.name, {}});
            } else if (call.index != int(parsed.toolCalls.size()) - 1 || !call.id.empty() || !call.name.empty()) {
                protocolError = QString("unexpected delta for tool call %1").arg(call.index);
                continue;
            }
            parsed.toolCalls.back().arguments += call.argumentsFragment;
        }
    }
};

// Feeds `text` cut at `cuts` (sorted byte offsets), then finishes.
Reassembled streamed(std::string_view text, const std::vector<size_t>& cuts, const ChatOutputOptions& options,
                     bool withEmptyPushes = false) {
    ChatOutputStream stream(options);
    Reassembled out;
    size_t from = 0;
    for (size_t cut : cuts) {
        out.add(stream.push(text.substr(from, cut - from)));
        if (withEmptyPushes) out.add(stream.push({}));
        from = cut;
    }
    out.add(stream.push(text.substr(from)));
    out.add(stream.finish());
    out.sawToolCall = stream.sawToolCall();
    return out;
}

// Empty when `got` equals `want` field by field, else what differs.
QString difference(const ParsedChatOutput& got, const ParsedChatOutput& want) {
    if (got.content != want.content)
        return QString("content %1, expected %2").arg(bytes(got.content).toPercentEncoding(" "),
                                                       bytes(want.content).toPercentEncoding(" "));
    if (got.reasoning != want.reasoning)
        return QString("reasoning %1, expected %2").arg(bytes(got.reasoning).toPercentEncoding(" "),
                                                         bytes(want.reasoning).toPercentEncoding(" "));
    if (got.toolCalls.size() != want.toolCalls.size())
        return QString("%1 tool calls, expected %2").arg(got.toolCalls.size()).arg(want.toolCalls.size());
    for (size_t i = 0; i < got.toolCalls.size(); ++i) {
        const auto &g = got.toolCalls[i], &w = want.toolCalls[i];
        if (g.id != w.id || g.name != w.name || g.arguments != w.arguments)
            return QString("tool call %1 is %2 %3 %4, expected %5 %6 %7")
                .arg(i)
                .arg(QString::fromStdString(g.id), QString::fromStdString(g.name), QString::fromStdString(g.arguments),
                     QString::fromStdString(w.id), QString::fromStdString(w.name), QString::fromStdString(w.arguments));
    }
    return {};
}

QString describeCuts(const std::vector<size_t>& cuts) {
    QStringList parts;
    for (size_t cut : cuts) parts << QString::number(cut);
    return "cuts at [" + parts.join(",") + "]";
}

// Checks one cutting of a case against the whole-text parse; returns what went wrong, if anything.
QString checkCuts(const test::ChatOutputCase& c, const ParsedChatOutput& whole, const std::vector<size_t>& cuts,
                  bool withEmptyPushes = false) {
    const Reassembled got = streamed(c.text, cuts, c.options, withEmptyPushes);
    if (!got.protocolError.isEmpty()) return got.protocolError + ", " + describeCuts(cuts);
    if (got.sawToolCall != !whole.toolCalls.empty()) return "sawToolCall disagrees, " + describeCuts(cuts);
    const QString diff = difference(got.parsed, whole);
    return diff.isEmpty() ? diff : diff + ", " + describeCuts(cuts);
}

std::string readFixture(const std::string& relative) {
    std::ifstream in(std::filesystem::path(PAGODA_SOURCE_DIR) / "tests/fixtures/chat_templates/templates" / relative,
                     std::ios::binary);
    if (!in) qFatal("cannot read template %s", relative.c_str());
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void caseRows() {
    QTest::addColumn<QString>("name");
    for (const auto& c : chatOutputCases()) {
        const QString name = QString::fromUtf8(c.name.data(), qsizetype(c.name.size()));
        QTest::newRow(qPrintable(name)) << name;
    }
}

bool isToolCallId(const std::string& id) {
    static const QRegularExpression pattern("^call_[0-9a-f]{24}$");
    return pattern.match(QString::fromStdString(id)).hasMatch();
}

}  // namespace

class ChatOutputParserTest : public QObject {
    Q_OBJECT

private slots:
    void parsesEachFormatAsSpecified_data() { caseRows(); }
    void parsesEachFormatAsSpecified() {
        QFETCH(QString, name);
        const auto& c = caseNamed(name);
        const ParsedChatOutput got = parseChatOutput(c.text, c.options);
        ParsedChatOutput want{std::string(c.content), std::string(c.reasoning), {}};
        for (size_t i = 0; i < c.toolCalls.size() && i < got.toolCalls.size(); ++i)
            want.toolCalls.push_back({got.toolCalls[i].id, std::string(c.toolCalls[i].name),
                                      std::string(c.toolCalls[i].arguments)});
        if (got.toolCalls.size() != c.toolCalls.size())
            QFAIL(qPrintable(QString("%1 tool calls, expected %2").arg(got.toolCalls.size()).arg(c.toolCalls.size())));
        const QString diff = difference(got, want);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        std::set<std::string> ids;
        for (const auto& call : got.toolCalls) {
            QVERIFY2(isToolCallId(call.id), call.id.c_str());
            ids.insert(call.id);
        }
        QCOMPARE(ids.size(), got.toolCalls.size());
    }

    void streamOneCharacterAtATimeEqualsWholeParse_data() { caseRows(); }
    void streamOneCharacterAtATimeEqualsWholeParse() {
        QFETCH(QString, name);
        const auto& c = caseNamed(name);
        const auto whole = parseChatOutput(c.text, c.options);
        auto cuts = characterBoundaries(c.text);
        cuts.pop_back();
        if (!cuts.empty()) cuts.erase(cuts.begin());
        const QString diff = checkCuts(c, whole, cuts);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        const QString withEmpty = checkCuts(c, whole, cuts, true);
        QVERIFY2(withEmpty.isEmpty(), qPrintable(withEmpty));
    }

    // Every way to cut the text once or twice (all pairs of cuts where the text is short
    // enough to afford it), so every marker is split at every position against every other.
    void streamCutAnywhereEqualsWholeParse_data() { caseRows(); }
    void streamCutAnywhereEqualsWholeParse() {
        QFETCH(QString, name);
        const auto& c = caseNamed(name);
        const auto whole = parseChatOutput(c.text, c.options);
        const auto cuts = characterBoundaries(c.text);
        constexpr size_t kMaxForPairs = 200;
        for (size_t i = 0; i < cuts.size(); ++i) {
            const QString one = checkCuts(c, whole, {cuts[i]});
            QVERIFY2(one.isEmpty(), qPrintable(one));
            if (cuts.size() > kMaxForPairs) continue;
            for (size_t j = i; j < cuts.size(); ++j) {
                const QString two = checkCuts(c, whole, {cuts[i], cuts[j]});
                QVERIFY2(two.isEmpty(), qPrintable(two));
            }
        }
    }

    void streamRandomChunksEqualsWholeParse_data() { caseRows(); }
    void streamRandomChunksEqualsWholeParse() {
        QFETCH(QString, name);
        const auto& c = caseNamed(name);
        const auto whole = parseChatOutput(c.text, c.options);
        const auto boundaries = characterBoundaries(c.text);
        std::mt19937 rng(20240611u);
        for (int trial = 0; trial < 300; ++trial) {
            std::uniform_int_distribution<size_t> step(1, trial % 3 == 0 ? 3 : 12);
            std::vector<size_t> cuts;
            for (size_t k = step(rng); k + 1 < boundaries.size(); k += step(rng)) cuts.push_back(boundaries[k]);
            const QString diff = checkCuts(c, whole, cuts, trial % 5 == 0);
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
        }
    }

    void streamHoldsBackOnlyWhatMayBecomeMarkup() {
        ChatOutputOptions hermes = test::outputOptions(ChatOutputFormat::QwenHermes, test::qwenTools());
        ChatOutputStream stream(hermes);
        QCOMPARE(stream.push("Hello <").content, std::string("Hello "));
        QCOMPARE(stream.push("b> x").content, std::string("<b> x"));
        QCOMPARE(stream.push(" <tool_").content, std::string(" "));  // "<tool_" may become the marker
        QVERIFY(stream.push("call>\n{\"name\": \"search\", ").empty());
        QVERIFY(stream.push("\"arguments\": {\"q\": \"猫\"}}\n</tool_call").empty());
        QVERIFY(!stream.sawToolCall());
        const auto call = stream.push(">\n");
        QCOMPARE(call.toolCalls.size(), size_t(1));
        QCOMPARE(call.toolCalls[0].index, 0);
        QCOMPARE(call.toolCalls[0].name, std::string("search"));
        QCOMPARE(call.toolCalls[0].argumentsFragment, std::string("{\"q\": \"猫\"}"));
        QVERIFY(isToolCallId(call.toolCalls[0].id));
        QVERIFY(call.content.empty());
        QVERIFY(stream.sawToolCall());
        QVERIFY(stream.finish().empty());

        ChatOutputStream thinking(test::outputOptions(ChatOutputFormat::QwenHermes, {}, true));
        QCOMPARE(thinking.push("<think>\nfoo").reasoning, std::string("foo"));
        QVERIFY(thinking.push("\n").empty());  // may be the newline before "</think>"
        QCOMPARE(thinking.push("bar").reasoning, std::string("\nbar"));
        QVERIFY(thinking.push("\n</think>").empty());
        const auto answer = thinking.push("\n\nHi");
        QCOMPARE(answer.content, std::string("Hi"));
        QVERIFY(answer.reasoning.empty());

        ChatOutputStream glm(test::outputOptions(ChatOutputFormat::Glm4, test::glmTools()));
        QVERIFY(glm.push("\nget_").empty());
        QVERIFY(glm.push("weather\n{\"city\": ").empty());
        QVERIFY(glm.push("\"Beijing\"}").empty());
        const auto glmCall = glm.finish();
        QCOMPARE(glmCall.toolCalls.size(), size_t(1));
        QCOMPARE(glmCall.toolCalls[0].argumentsFragment, std::string("{\"city\": \"Beijing\"}"));

        ChatOutputStream glmText(test::outputOptions(ChatOutputFormat::Glm4, test::glmTools()));
        QCOMPARE(glmText.push("\nget_w").content, std::string());
        QCOMPARE(glmText.push("ind").content, std::string("get_wind"));  // no tool starts so
        QCOMPARE(glmText.push("\n{}").content, std::string("\n{}"));
    }

    void finishReleasesHeldBackText() {
        ChatOutputStream hermes(test::outputOptions(ChatOutputFormat::QwenHermes, test::qwenTools()));
        QCOMPARE(hermes.push("x <tool_c").content, std::string("x "));
        QCOMPARE(hermes.finish().content, std::string("<tool_c"));

        ChatOutputStream reasoning(test::outputOptions(ChatOutputFormat::Plain, {}, true, true));
        QCOMPARE(reasoning.push("abc\n\n</thi").reasoning, std::string("abc"));
        QCOMPARE(reasoning.finish().reasoning, std::string("\n\n</thi"));

        ChatOutputStream opening(test::outputOptions(ChatOutputFormat::Plain, {}, true));
        QVERIFY(opening.push("<thi").empty());
        QCOMPARE(opening.finish().content, std::string("<thi"));

        ChatOutputStream unterminated(test::outputOptions(ChatOutputFormat::QwenHermes, test::qwenTools()));
        QVERIFY(unterminated.push("<tool_call>{\"name\": \"search\"").empty());
        QCOMPARE(unterminated.finish().content, std::string("<tool_call>{\"name\": \"search\""));
        QVERIFY(!unterminated.sawToolCall());
    }

    // A call whose arguments hold a whole file arrives in thousands of small deltas; the
    // search for its closing tag resumes where it stopped instead of rescanning.
    void longToolCallStreamsInSmallDeltas() {
        std::string payload;
        for (int i = 0; payload.size() < 200000; ++i) payload += fmt::format("line {} </tool_call\\n", i);
        const std::string hermesText = "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"q\": \"" + payload + "\"}}\n</tool_call>";
        const std::string glmText = "get_time\n{\"q\": \"" + payload + "\"}";
        const std::string arguments = "{\"q\": \"" + payload + "\"}";
        const std::pair<std::string, ChatOutputOptions> runs[] = {
            {hermesText, test::outputOptions(ChatOutputFormat::QwenHermes, test::qwenTools())},
            {glmText, test::outputOptions(ChatOutputFormat::Glm4, test::glmTools())},
        };
        for (const auto& [text, options] : runs) {
            std::vector<size_t> cuts;
            for (size_t at = 7; at < text.size(); at += 7) cuts.push_back(at);
            QElapsedTimer timer;
            timer.start();
            const Reassembled got = streamed(text, cuts, options);
            QVERIFY2(timer.elapsed() < 5000, "quadratic rescanning?");
            QCOMPARE(got.parsed.toolCalls.size(), size_t(1));
            QVERIFY(got.parsed.toolCalls[0].arguments == arguments);
            QVERIFY(got.parsed.content.empty());
        }
    }

    void toolCallIdsAreUniqueAndDifferPerResponse() {
        ChatOutputOptions options = test::outputOptions(ChatOutputFormat::QwenHermes, test::qwenTools());
        options.toolCallIdSeed = 0;  // random, as in production
        const std::string text = "<tool_call>{\"name\": \"search\", \"arguments\": {}}</tool_call>"
                                 "<tool_call>{\"name\": \"search\", \"arguments\": {}}</tool_call>";
        const auto first = parseChatOutput(text, options);
        const auto second = parseChatOutput(text, options);
        QCOMPARE(first.toolCalls.size(), size_t(2));
        std::set<std::string> ids;
        for (const auto* parsed : {&first, &second})
            for (const auto& call : parsed->toolCalls) {
                QVERIFY2(isToolCallId(call.id), call.id.c_str());
                ids.insert(call.id);
            }
        QCOMPARE(ids.size(), size_t(4));
    }

    void dumpsNumbersLikePython() {
        // python3 -c 'import json; print(json.dumps(json.loads(SRC), ensure_ascii=False))'
        const std::string source =
            "[1e22, 1.7976931348623157e308, 2.2250738585072014e-308, 123456789012345680.0, 0.5, 100.0, 1e-4, "
            "9999999999999998.0, 1e16, 0.001234, -1.5e-10, 3.14159, 18446744073709551616, -9223372036854775809, "
            "18446744073709551615, 0, -0, 1E+2, 12.0e-3]";
        const std::string python =
            "[1e+22, 1.7976931348623157e+308, 2.2250738585072014e-308, 1.2345678901234568e+17, 0.5, 100.0, 0.0001, "
            "9999999999999998.0, 1e+16, 0.001234, -1.5e-10, 3.14159, 18446744073709551616, -9223372036854775809, "
            "18446744073709551615, 0, 0, 100.0, 0.012]";
        auto parsed = parsePythonJson(source, "numbers");
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(dumpPythonJson(*parsed), python);
    }

    void malformedJsonErrorNamesTheInput() {
        auto parsed = parsePythonJson("{\"a\": }", "tool call");
        QVERIFY(!parsed.ok());
        QVERIFY2(QString::fromStdString(parsed.error().message).startsWith("tool call: invalid JSON"),
                 parsed.error().message.c_str());
        std::string deep(2000, '[');
        deep += std::string(2000, ']');
        QVERIFY(!parsePythonJson(deep, "deep").ok());
    }

    void optionsFollowTheTemplateAndPrompt_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("enableThinking");
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("reasoning");
        QTest::addColumn<bool>("startsOpen");
        const int plain = int(ChatOutputFormat::Plain), hermes = int(ChatOutputFormat::QwenHermes),
                  glm = int(ChatOutputFormat::Glm4);
        QTest::newRow("qwen2.5") << "Qwen-Qwen2.5-7B-Instruct.jinja" << true << hermes << false << false;
        QTest::newRow("qwen3 thinking") << "Qwen3-tokenizer_config.jinja" << true << hermes << true << false;
        QTest::newRow("qwen3 no thinking") << "Qwen3-tokenizer_config.jinja" << false << hermes << false << false;
        QTest::newRow("qwq") << "Qwen-QwQ-32B.jinja" << true << hermes << true << true;
        QTest::newRow("r1 distill") << "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja" << true << plain << true << true;
        QTest::newRow("glm-4-9b-chat") << "THUDM-glm-4-9b-chat.jinja" << true << glm << false << false;
        QTest::newRow("glm-4-0414") << "THUDM-GLM-4-9B-0414.jinja" << true << glm << false << false;
        QTest::newRow("llama 3.1") << "meta-llama-Llama-3.1-8B-Instruct.jinja" << true << plain << false << false;
    }
    void optionsFollowTheTemplateAndPrompt() {
        QFETCH(QString, file);
        QFETCH(bool, enableThinking);
        QFETCH(int, format);
        QFETCH(bool, reasoning);
        QFETCH(bool, startsOpen);
        const std::string source = readFixture(file.toStdString());
        auto chatTemplate = ChatTemplate::parse(source, file.toStdString());
        QVERIFY2(chatTemplate.ok(), chatTemplate.ok() ? "" : chatTemplate.error().message.c_str());
        nlohmann::ordered_json context = {
            {"messages", {{{"role", "user"}, {"content", "What's the weather in Beijing?"}}}},
            {"add_generation_prompt", true},
            {"enable_thinking", enableThinking},
            {"bos_token", "<｜begin▁of▁sentence｜>"},
            {"eos_token", "<|im_end|>"},
            {"date_string", "26 Jul 2024"},
        };
        auto prompt = chatTemplate->render(context);
        QVERIFY2(prompt.ok(), prompt.ok() ? "" : prompt.error().message.c_str());
        const auto options = chatOutputOptionsFor(source, *prompt, {"get_weather"});
        QCOMPARE(int(options.format), format);
        QCOMPARE(options.reasoning, reasoning);
        QCOMPARE(options.reasoningStartsOpen, startsOpen);
        QCOMPARE(options.toolNames, std::vector<std::string>{"get_weather"});
    }

    // Qwen3 with enable_thinking=false: the prompt's empty think block means the reply is all
    // content (vLLM #17609 returned content: null here).
    void thinkingSwitchedOffYieldsContent() {
        const auto options = chatOutputOptionsFor("{{ '<think>' }}", "<|im_start|>assistant\n<think>\n\n</think>\n\n", {});
        QVERIFY(!options.reasoning);
        const auto parsed = parseChatOutput("Hello there.", options);
        QCOMPARE(parsed.content, std::string("Hello there."));
        QVERIFY(parsed.reasoning.empty());
    }
};

QTEST_APPLESS_MAIN(ChatOutputParserTest)
#include "chat_output_parser_test.moc"
