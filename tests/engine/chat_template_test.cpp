// Chat templates against transformers' apply_chat_template, byte for byte, and the sandbox:
// malformed or hostile templates fail with a located error instead of crashing or hanging.
#include <QtTest>

#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/tokenizer/chat_template.h"
#include "engine/tokenizer/jinja/jinja_interpreter.h"
#include "engine/tokenizer/jinja/jinja_parser.h"

using namespace pagoda;
using Json = nlohmann::ordered_json;

namespace {

const std::filesystem::path& fixtureDir() {
    static const std::filesystem::path dir = std::filesystem::path(PAGODA_SOURCE_DIR) / "tests/fixtures/chat_templates";
    return dir;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) qFatal("cannot read %s", path.string().c_str());
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

const Json& cases() {
    static const Json json = Json::parse(readFile(fixtureDir() / "cases.json"));
    return json;
}

const Json& expected() {
    static const Json json = Json::parse(readFile(fixtureDir() / "expected.json"));
    return json;
}

const Json& findNamed(const Json& list, const std::string& name) {
    for (const Json& item : list) {
        if (item["name"] == name) return item;
    }
    qFatal("no fixture entry named %s", name.c_str());
}

// What our error message calls each exception transformers (jinja2, Python) raised.
std::string ourKindName(const std::string& pythonType) {
    if (pythonType == "TemplateError") return "raise_exception";
    if (pythonType == "OverflowError") return "sandbox limit";
    return pythonType;
}

// The truth is either text or an exception; ours must be the same text, or fail with the
// same kind and the same message at the end of ours.
void compareWithTruth(const Json& truth, bool ok, const std::string& textOrError) {
    if (truth.contains("text")) {
        QVERIFY2(ok, textOrError.c_str());
        QCOMPARE(QString::fromStdString(textOrError), QString::fromStdString(truth["text"].get<std::string>()));
        return;
    }
    const std::string suffix = ourKindName(truth["error"]["type"]) + ": " + truth["error"]["message"].get<std::string>();
    QVERIFY2(!ok, ("expected an error ending in: " + suffix + "\nbut rendered: " + textOrError).c_str());
    QVERIFY2(textOrError.size() >= suffix.size() && textOrError.compare(textOrError.size() - suffix.size(), suffix.size(), suffix) == 0,
             ("expected the error to end in: " + suffix + "\ngot: " + textOrError).c_str());
}

// The context apply_chat_template(messages, tools=..., add_generation_prompt=..., **kwargs)
// gives the template, with the tokenizer's special tokens under the kwargs.
Json contextFor(const Json& tmpl, const Json& testCase) {
    Json context = Json::object();
    for (const auto& [key, value] : tmpl["special_tokens"].items()) context[key] = value;
    for (const auto& [key, value] : tmpl["kwargs"].items()) context[key] = value;
    if (testCase.contains("kwargs")) {
        for (const auto& [key, value] : testCase["kwargs"].items()) context[key] = value;
    }
    context["messages"] = testCase["messages"];
    if (testCase.contains("tools")) context["tools"] = testCase["tools"];
    context["add_generation_prompt"] = testCase.value("add_generation_prompt", false);
    return context;
}

const ChatTemplate& parsedTemplate(const std::string& name) {
    static std::map<std::string, ChatTemplate> cache;
    auto it = cache.find(name);
    if (it == cache.end()) {
        const Json& tmpl = findNamed(cases()["templates"], name);
        auto parsed = ChatTemplate::parse(readFile(fixtureDir() / tmpl["file"].get<std::string>()), name);
        if (!parsed) qFatal("%s", parsed.error().message.c_str());
        it = cache.emplace(name, std::move(*parsed)).first;
    }
    return it->second;
}

Result<std::string> renderSource(const std::string& source, const Json& context, const jinja::Limits& limits = {}) {
    auto parsed = ChatTemplate::parse(source, "t");
    if (!parsed) return parsed.error();
    parsed->setLimits(limits);
    return parsed->render(context);
}

Json oneUserMessage() { return Json{{"messages", Json::array({Json{{"role", "user"}, {"content", "hi"}}})}}; }

std::string repeated(const std::string& text, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) out += text;
    return out;
}

// Runs `render` with the address space capped at 1 GiB above what the process maps now, so
// a render that allocates gigabytes fails fast with "out of memory" (ChatTemplate catches
// std::bad_alloc) instead of taking the machine down. Not under ASan, which maps terabytes.
Result<std::string> renderWithMemoryCap(const std::function<Result<std::string>()>& render) {
#if defined(__SANITIZE_ADDRESS__)
    return render();
#else
    long pages = 0;
    std::ifstream("/proc/self/statm") >> pages;
    rlimit saved{};
    getrlimit(RLIMIT_AS, &saved);
    rlimit capped = saved;
    capped.rlim_cur = std::min<rlim_t>(saved.rlim_cur, static_cast<rlim_t>(pages) * sysconf(_SC_PAGESIZE) + (1ull << 30));
    setrlimit(RLIMIT_AS, &capped);
    Result<std::string> result = render();
    setrlimit(RLIMIT_AS, &saved);
    return result;
#endif
}

}  // namespace

class ChatTemplateTest : public QObject {
    Q_OBJECT

private slots:
    void templateCopiesMatchTheirRecordedSha256() {
        for (const Json& tmpl : cases()["templates"]) {
            const QByteArray bytes = QByteArray::fromStdString(readFile(fixtureDir() / tmpl["file"].get<std::string>()));
            const QByteArray sha = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
            QCOMPARE(sha.toStdString(), tmpl["sha256"].get<std::string>());
        }
    }

    void rendersLikeTransformersApplyChatTemplate_data() {
        QTest::addColumn<QString>("templateName");
        QTest::addColumn<QString>("caseName");
        for (const Json& tmpl : cases()["templates"]) {
            for (const Json& testCase : cases()["cases"]) {
                const std::string row = tmpl["name"].get<std::string>() + "/" + testCase["name"].get<std::string>();
                QTest::newRow(row.c_str()) << QString::fromStdString(tmpl["name"]) << QString::fromStdString(testCase["name"]);
            }
        }
    }
    void rendersLikeTransformersApplyChatTemplate() {
        QFETCH(QString, templateName);
        QFETCH(QString, caseName);
        const Json& tmpl = findNamed(cases()["templates"], templateName.toStdString());
        const Json& testCase = findNamed(cases()["cases"], caseName.toStdString());
        auto rendered = parsedTemplate(templateName.toStdString()).render(contextFor(tmpl, testCase));
        compareWithTruth(expected()[templateName.toStdString()][caseName.toStdString()], rendered.ok(),
                         rendered.ok() ? *rendered : rendered.error().message);
    }

    // Jinja features the model templates do not reach, against jinja2 in transformers' environment.
    void featuresRenderLikeJinja2_data() {
        QTest::addColumn<QString>("snippet");
        for (const Json& snippet : cases()["snippets"]) {
            QTest::newRow(snippet["name"].get<std::string>().c_str()) << QString::fromStdString(snippet["name"]);
        }
    }
    void featuresRenderLikeJinja2() {
        QFETCH(QString, snippet);
        const Json& entry = findNamed(cases()["snippets"], snippet.toStdString());
        std::string result;
        bool ok = true;
        try {
            const jinja::Template parsed = jinja::parseTemplate(entry["template"].get<std::string>(), "snippet");
            jinja::Interpreter interpreter;
            result = interpreter.render(parsed, jinja::fromJson(entry["context"]));
        } catch (const jinja::Exception& e) {
            ok = false;
            result = std::string(jinja::errorKindName(e.kind())) + ": " + e.message();
        }
        compareWithTruth(expected()["snippets"][snippet.toStdString()], ok, result);
    }

    void malformedTemplatesFailWithLineAndColumn_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("error");
        auto row = [](const char* name, const std::string& source, const char* error) {
            QTest::newRow(name) << QString::fromStdString(source) << QString(error);
        };
        row("unclosed if", "Hello\n{% if x %}\nworld",
            "t:2:4: unexpected end of template: the 'if' block opened here is never closed (expected 'elif', 'else' or 'endif')");
        row("unclosed for", "{% for m in messages %}{{ m }}", "t:1:4: unexpected end of template: the 'for' block opened");
        row("unterminated string", "{{ 'abc }}", "t:1:4: unterminated string literal");
        row("empty expression", "{{ }}", "t:1:4: expected an expression, got end of print statement '}}'");
        row("unterminated variable tag", "text {{ x", "t:1:6: unterminated variable tag: missing '}}'");
        row("unterminated block tag", "{% if x", "t:1:1: unterminated block tag: missing '%}'");
        row("unterminated comment", "a\n {# note", "t:2:2: missing end of comment tag '#}'");
        row("unknown tag", "{% foo %}", "t:1:4: unknown tag 'foo'");
        row("unknown filter", "line1\n  {{ x | foo }}", "t:2:10: unknown filter 'foo'");
        row("unknown test", "{{ x is foo }}", "t:1:9: unknown test 'foo'");
        row("include is refused", "{% include 'other.jinja' %}", "t:1:4: 'include' is not supported");
        row("import is refused", "{% import 'macros.jinja' as m %}", "t:1:4: 'import' is not supported");
        row("end tag of another block", "{% if x %}{% endfor %}", "t:1:14: unexpected tag 'endfor': expected 'elif', 'else' or 'endif'");
        row("stray character", "{{ x $ y }}", "t:1:6: unexpected character '$'");
        row("mismatched bracket", "{{ [1, 2) }}", "t:1:9: unexpected ')', expected ']'");
        row("break outside a loop", "{% break %}", "t:1:4: 'break' outside of a for loop");
        row("10,000 nested parentheses", "{{ " + std::string(10000, '(') + "1" + std::string(10000, ')') + " }}",
            "t:1:204: template nests too deeply (the limit is 200 levels)");
        row("10,000 nested if blocks", repeated("{% if 1 %}", 10000),
            "t:1:1997: template nests too deeply (the limit is 200 levels)");
        row("10,000 chained filters", "{{ 'x'" + repeated("|trim", 10000) + " }}",
            "t:1:1003: expression nests too deeply (the limit is 200 levels)");
    }
    void malformedTemplatesFailWithLineAndColumn() {
        QFETCH(QString, source);
        QFETCH(QString, error);
        QElapsedTimer timer;
        timer.start();
        auto result = renderSource(source.toStdString(), oneUserMessage());
        QVERIFY(!result.ok());
        QVERIFY2(QString::fromStdString(result.error().message).startsWith(error), result.error().message.c_str());
        QVERIFY(timer.elapsed() < 5000);
    }

    // Columns were counted from the start of the line for every token, so a template on one
    // long line parsed in quadratic time: 100,000 tags took about 45 s, now about 0.1 s.
    void oneLineTemplateParsesInLinearTime() {
        const std::string sets = repeated("{% set x = 1 %}", 100000);
        QElapsedTimer timer;
        timer.start();
        QVERIFY(ChatTemplate::parse(sets, "t").ok());
        // Columns count code points: each "é" is two bytes and one column.
        auto result = ChatTemplate::parse(repeated("é", 1000) + sets + "{{ $ }}", "t");
        QVERIFY(!result.ok());
        QCOMPARE(QString::fromStdString(result.error().message), QString("t:1:1501004: unexpected character '$'"));
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString("took %1 ms").arg(timer.elapsed())));
    }

    void sandboxLimitsFailCleanly_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("error");
        QTest::newRow("nested range loops past the iteration limit")
            << "{% for i in range(100000) %}\n  {% for j in range(100000) %}{% endfor %}{% endfor %}"
            << "t:2:6: sandbox limit: template exceeded the limit of 1000000 loop iterations";
        QTest::newRow("huge output from nested loops")
            << "{% for i in range(100000) %}{% for j in range(100) %}{{ 'x' * 100 }}{% endfor %}{% endfor %}"
            << "t:1:54: sandbox limit: template output exceeds the limit of 16777216 bytes";
        QTest::newRow("huge string repetition") << "{{ 'x' * 100000000 }}"
                                                << "t:1:8: sandbox limit: a repeated string exceeds the size limit";
        QTest::newRow("string doubling")
            << "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
            << "t:1:75: sandbox limit: a string built by '~' exceeds the size limit";
        QTest::newRow("list doubling")
            << "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}"
            << "t:1:75: sandbox limit: a list built by '+' exceeds the limit of 1048576 items";
        QTest::newRow("tojson of a shared structure")
            << "{% set ns = namespace(l=[1]) %}{% for i in range(60) %}{% set ns.l = [ns.l, ns.l] %}{% endfor %}\n{{ ns.l|tojson }}"
            << "t:2:9: sandbox limit: tojson output exceeds the size limit";
        QTest::newRow("recursive macro") << "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n{{ f(0) }}"
                                         << "t:1:21: sandbox limit: macro calls nest deeper than the limit of 200";
        QTest::newRow("deeply nested values")
            << "{% set ns = namespace(l=[]) %}{% for i in range(1000) %}{% set ns.l = [ns.l] %}{% endfor %}"
            << "t:1:60: sandbox limit: values nest deeper than the limit of 256 levels";
        QTest::newRow("namespace containing itself") << "{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}"
                                                     << "t:1:47: sandbox limit: repr() nests deeper";
        QTest::newRow("splitting into too many parts") << "{{ ('a ' * 4000000).split()|length }}"
                                                       << "t:1:26: sandbox limit: split() result exceeds the limit of 1048576 items";
        QTest::newRow("range beyond the sandbox's") << "{{ range(10**9)|length }}"
                                                    << "t:1:9: sandbox limit: Range too big.";
    }
    void sandboxLimitsFailCleanly() {
        QFETCH(QString, source);
        QFETCH(QString, error);
        QElapsedTimer timer;
        timer.start();
        auto result = renderSource(source.toStdString(), oneUserMessage());
        QVERIFY(!result.ok());
        QVERIFY2(QString::fromStdString(result.error().message).startsWith(error), result.error().message.c_str());
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString("took %1 ms").arg(timer.elapsed())));
    }

    // Each of these allocated gigabytes (issue 17, item 4): copies of a shared string, a
    // format precision, padding, output buffers of recursive macros. Now every string, list
    // and dict a render builds is charged to one budget while it lives, and anything sized
    // by a number is checked before it is allocated.
    void memoryBudgetStopsLargeAllocations_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("result");  // the text, or the start of the error
        auto row = [](const char* name, const char* source, const char* result) {
            QTest::newRow(name) << QString(source) << QString(result);
        };
        row("a list of 300 references to a 16 MB string", "{% set s = 'x' * 16000000 %}{{ ([s] * 300)|length }}", "300");
        row("undefined values quoting a 10 MB key", "{% set s = 'x' * 10000000 %}{{ ([{}[s]] * 300)|length }}", "300");
        row("printing 300 references to a 16 MB string", "{% set s = 'x' * 16000000 %}{{ [s] * 300 }}",
            "t:1:29: sandbox limit: the text of a list exceeds the size limit of 16777216");
        row("joining them", "{% set s = 'x' * 16000000 %}{{ ([s] * 300)|join }}",
            "t:1:44: sandbox limit: join() result exceeds the size limit of 16777216");
        row("a format precision", "{{ '%.999999999f' % 1.0 }}", "t:1:19: sandbox limit: a formatted field exceeds the size limit");
        row("a format width", "{{ '%999999999d' % 1 }}", "t:1:18: sandbox limit: a formatted field exceeds the size limit");
        row("the format filter", "{{ '%.999999999e'|format(1.0) }}", "t:1:19: sandbox limit: a formatted field exceeds the size limit");
        row("indenting a million lines", "{{ ('a\\n' * 1000000)|indent(1000) }}",
            "t:1:22: sandbox limit: indent() result exceeds the size limit");
        row("batch padding", "{{ [1]|batch(1000000000, 'x')|list }}",
            "t:1:8: sandbox limit: a batch padded by batch() exceeds the limit of 1048576 items");
        row("a tojson indent string", "{{ [[[[1]]]]|tojson(indent=' ' * 10000000) }}",
            "t:1:14: sandbox limit: tojson output exceeds the size limit");
        row("output buffers of a recursive macro", "{% macro f(n) %}{{ 'x' * 10000000 }}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
            "t:1:17: sandbox limit: template output would take the render past its memory limit of 67108864 bytes");
        row("strings held by '~' in a recursive macro", "{% macro f(n) %}{{ 'x' * 10000000 ~ f(n + 1) }}{% endmacro %}{{ f(0) }}",
            "t:1:24: sandbox limit: a repeated string would take the render past its memory limit");
        row("a big list looped over in a recursive macro",
            "{% set l = (range(100000)|list) * 10 %}"
            "{% macro f(n) %}{% for x in l %}{{ f(n + 1) }}{% break %}{% endfor %}{% endmacro %}{{ f(0) }}",
            "t:1:76: sandbox limit: macro calls nest deeper than the limit of 200");
        row("a million namespaces", "{% for i in range(1000) %}{% for j in range(1000) %}{% set n = namespace() %}{% endfor %}{% endfor %}",
            "t:1:73: sandbox limit: a namespace would take the render past its memory limit");
    }
    void memoryBudgetStopsLargeAllocations() {
        QFETCH(QString, source);
        QFETCH(QString, result);
        const auto rendered = renderWithMemoryCap([&] { return renderSource(source.toStdString(), oneUserMessage()); });
        if (rendered.ok()) {
            QCOMPARE(QString::fromStdString(*rendered), result);
        } else {
            QVERIFY2(QString::fromStdString(rendered.error().message).startsWith(result), rendered.error().message.c_str());
        }
    }

    // Bytes are given back when a value dies: three 400 KB strings fit a 1 MB budget one
    // after another, two at once do not.
    void memoryBudgetCountsWhatTheRenderHolds() {
        jinja::Limits limits;
        limits.maxRenderBytes = 1 << 20;
        auto sequential = renderSource("{% set a = 'x' * 400000 %}{% set a = 'y' * 400000 %}{% set a = 'z' * 400000 %}{{ a|length }}",
                                       oneUserMessage(), limits);
        QVERIFY2(sequential.ok(), sequential.ok() ? "" : sequential.error().message.c_str());
        QCOMPARE(*sequential, std::string("400000"));
        auto together = renderSource("{% set a = 'x' * 400000 %}{% set b = 'y' * 400000 %}{% set c = 'z' * 400000 %}",
                                     oneUserMessage(), limits);
        QVERIFY(!together.ok());
        QCOMPARE(QString::fromStdString(together.error().message),
                 QString("t:1:68: sandbox limit: a repeated string would take the render past its memory limit of 1048576 bytes"));
    }

    void evaluationBudgetStopsLongRenders() {
        jinja::Limits limits;
        limits.maxWork = 100000;  // units; the loop below needs about 5 million
        auto result = renderSource("{% for i in range(50000) %}{{ i }}{% endfor %}", oneUserMessage(), limits);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.find("sandbox limit: template exceeded its work budget of 100000 units") !=
                     std::string::npos,
                 result.error().message.c_str());
    }

    void raiseExceptionMessageIsSurfacedVerbatim() {
        const std::string message = R"(Conversation roles must alternate user/assistant/user/assistant/... 角色 "quoted")";
        auto result = renderSource("{% if messages|length > 0 %}\n  {{- raise_exception('" + message + "') }}\n{% endif %}",
                                   oneUserMessage());
        QVERIFY(!result.ok());
        QCOMPARE(QString::fromStdString(result.error().message), QString::fromStdString("t:2:22: raise_exception: " + message));
    }

    void invalidUtf8TemplateIsRejected() {
        auto parsed = ChatTemplate::parse("ok \xff\xfe", "t");
        QVERIFY(!parsed.ok());
        QVERIFY(parsed.error().message.find("not valid UTF-8 (byte offset 3)") != std::string::npos);
    }

    void strftimeNowRendersTodaysDate() {
        auto result = renderSource("{{ strftime_now('%Y-%m-%d') }}|{{ strftime_now('%d %b %Y') }}", oneUserMessage());
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        const QDate today = QDate::currentDate();
        const QString expectedText = today.toString("yyyy-MM-dd") + "|" +
                                     QLocale::c().toString(today, "dd MMM yyyy");
        QCOMPARE(QString::fromStdString(*result), expectedText);

        // Llama 3.2 calls strftime_now when no date_string is given.
        Json context = oneUserMessage();
        context["bos_token"] = "<|begin_of_text|>";
        auto llama = parsedTemplate("meta-llama-Llama-3.2-3B-Instruct").render(context);
        QVERIFY(llama.ok());
        QVERIFY(QString::fromStdString(*llama).contains("Today Date: " + QLocale::c().toString(today, "dd MMM yyyy")));
    }

    void unorderedJsonContextRendersWithSortedKeys() {
        const nlohmann::json context = {{"messages", {{{"role", "user"}, {"content", "hi"}}}},
                                        {"tools", {{{"type", "function"}, {"function", {{"name", "f"}}}}}}};
        auto result = renderSource("{{ tools[0]|tojson }}|{{ messages[0].content }}", Json{});
        QVERIFY(!result.ok());  // an empty context has no messages
        auto parsed = ChatTemplate::parse("{{ tools[0]|tojson }}|{{ messages[0].content }}", "t");
        QVERIFY(parsed.ok());
        auto rendered = parsed->render(context);
        QVERIFY(rendered.ok());
        QCOMPARE(QString::fromStdString(*rendered), QString(R"({"function": {"name": "f"}, "type": "function"}|hi)"));
    }

    void renderingTwiceGivesTheSameTextEvenAfterAnError() {
        const ChatTemplate& tmpl = parsedTemplate("Qwen3-tokenizer_config");
        const Json context = oneUserMessage();
        auto first = tmpl.render(context);
        QVERIFY(!tmpl.render(Json{{"messages", Json::array()}}).ok());
        auto second = tmpl.render(context);
        QVERIFY(first.ok() && second.ok());
        QCOMPARE(*first, *second);
    }

    void loadChatTemplatePrefersTheJinjaFile() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path modelDir = dir.path().toStdString();
        auto none = loadChatTemplate(modelDir);  // a base model: no template, no error
        QVERIFY(none.ok() && !none->has_value());

        const std::string qwen3 = readFile(fixtureDir() / "templates/Qwen3-tokenizer_config.jinja");
        std::ofstream(modelDir / "tokenizer_config.json") << Json{{"eos_token", "<|im_end|>"}, {"chat_template", qwen3}}.dump();
        auto fromConfig = loadChatTemplate(modelDir);
        QVERIFY2(fromConfig.ok(), fromConfig.ok() ? "" : fromConfig.error().message.c_str());
        QVERIFY(fromConfig->has_value());
        const ChatTemplate& configTemplate = **fromConfig;
        QCOMPARE(configTemplate.origin(), std::string("tokenizer_config.json chat_template"));
        const Json& testCase = findNamed(cases()["cases"], "tool_call_round_trip");
        const Json& tmpl = findNamed(cases()["templates"], "Qwen3-tokenizer_config");
        auto rendered = configTemplate.render(contextFor(tmpl, testCase));
        QVERIFY(rendered.ok());
        QCOMPARE(*rendered, expected()["Qwen3-tokenizer_config"]["tool_call_round_trip"]["text"].get<std::string>());

        std::ofstream(modelDir / "chat_template.jinja") << "{{ 'from the jinja file' }}\n";
        auto fromJinja = loadChatTemplate(modelDir);
        QVERIFY(fromJinja.ok() && fromJinja->has_value());
        QCOMPARE((*fromJinja)->origin(), std::string("chat_template.jinja"));
        QCOMPARE(*(*fromJinja)->render(oneUserMessage()), std::string("from the jinja file"));
    }

    void specialTokensComeFromTokenizerConfig() {
        const Json config = {{"bos_token", nullptr},
                             {"eos_token", "<|im_end|>"},
                             {"pad_token", Json{{"content", "<|endoftext|>"}, {"special", true}}},
                             {"additional_special_tokens", Json::array({"<|im_start|>"})}};
        QCOMPARE(chatTemplateSpecialTokens(config).dump(), std::string(R"({"eos_token":"<|im_end|>","pad_token":"<|endoftext|>"})"));
        // The same map transformers gave the Qwen templates in the fixture.
        QCOMPARE(chatTemplateSpecialTokens(config), findNamed(cases()["templates"], "Qwen3-tokenizer_config")["special_tokens"]);
    }

    void tokenizerConfigTemplateListPicksDefaultThenFirst() {
        const Json listed = {{"chat_template",
                              Json::array({Json{{"name", "tool_use"}, {"template", "tools"}},
                                           Json{{"name", "default"}, {"template", "default"}}})}};
        auto chosen = chatTemplateFromTokenizerConfig(listed, "tokenizer_config.json chat_template");
        QVERIFY(chosen.ok());
        QCOMPARE(chosen->source(), std::string("default"));
        QCOMPARE(chosen->origin(), std::string("tokenizer_config.json chat_template 'default'"));
        auto named = chatTemplateFromTokenizerConfig(listed, "c", "tool_use");
        QVERIFY(named.ok());
        QCOMPARE(named->source(), std::string("tools"));
        const Json noDefault = {{"chat_template", Json::array({Json{{"name", "rag"}, {"template", "rag"}}})}};
        auto first = chatTemplateFromTokenizerConfig(noDefault, "c");
        QVERIFY(first.ok());
        QCOMPARE(first->source(), std::string("rag"));
        QVERIFY(!chatTemplateFromTokenizerConfig(noDefault, "c", "missing").ok());
        QVERIFY(!chatTemplateFromTokenizerConfig(Json{{"chat_template", 5}}, "c").ok());
    }
};

QTEST_APPLESS_MAIN(ChatTemplateTest)
#include "chat_template_test.moc"
