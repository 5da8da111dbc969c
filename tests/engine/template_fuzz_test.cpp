// Fuzzes the chat-template sandbox: random templates from the grammar (every statement,
// expression, filter, test, method and literal kind, with type confusion, huge numbers and
// deep nesting), and the real templates of tests/fixtures/chat_templates mutated by byte
// flips, truncation, splicing and token insertion. Each case is parsed and rendered with
// realistic messages. The process surviving is the first assertion; the second is that
// every failure is a jinja::Exception, the one error ChatTemplate maps to an error value by
// kind (std::bad_alloc or std::out_of_range escaping would be a bug).
// Deterministic: a fixed seed and our own integer draws, so a failure replays anywhere.
#include <QtTest>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/common/mapped_file.h"
#include "engine/tokenizer/jinja/jinja_interpreter.h"
#include "engine/tokenizer/jinja/jinja_parser.h"

using namespace pagoda;
using Json = nlohmann::ordered_json;

namespace {

// About two seconds in a Release build. PAGODA_FUZZ_SEED and PAGODA_FUZZ_SCALE (a
// multiplier of the case counts) run other or longer campaigns by hand.
constexpr int kGeneratedCases = 20000;
constexpr int kMutatedCases = 10000;
constexpr uint64_t kSeed = 0x5eed17;

uint64_t environmentNumber(const char* name, uint64_t fallback) {
    const char* text = std::getenv(name);
    return text ? std::strtoull(text, nullptr, 0) : fallback;
}

std::string readFile(const std::filesystem::path& path) {
    auto text = readRegularFile(path);
    if (!text) qFatal("%s", text.error().message.c_str());
    return std::move(text).value();
}

const std::filesystem::path& fixtureDir() {
    static const std::filesystem::path dir = std::filesystem::path(PAGODA_SOURCE_DIR) / "tests/fixtures/chat_templates";
    return dir;
}

// splitmix64: the same sequence on every standard library, unlike std::uniform_int_distribution.
class Random {
public:
    explicit Random(uint64_t seed) : m_state(seed) {}
    uint64_t next() {
        uint64_t z = (m_state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
    bool chance(int percent) { return below(100) < static_cast<size_t>(percent); }
    template <class T>
    const T& pick(const std::vector<T>& items) { return items[below(items.size())]; }

private:
    uint64_t m_state;
};

// Writes random templates from jinja2's grammar. Names come from a small pool, so that
// variables set in one place are read in another and values of every type meet every use.
class Generator {
public:
    explicit Generator(Random& random) : m_random(random) {}

    std::string templateText() {
        std::string out;
        const size_t count = 1 + m_random.below(m_random.chance(70) ? 1 : 4);  // each statement may fail
        for (size_t i = 0; i < count; ++i) out += statement(0);
        return out;
    }

private:
    std::string statement(int depth) {
        const bool leaf = depth >= 3;
        if (m_random.chance(45)) return "{{ " + operation(simpleValue()) + " }}";
        switch (m_random.below(leaf ? 4 : 16)) {
            case 0: return m_random.pick(kTexts);
            case 1: return open("{{") + expression(0) + close("}}");
            case 2: return tag("set " + m_random.pick(kNames) + " = " + expression(0));
            case 3: return m_random.chance(90) ? "{# note #}" : tag(m_random.pick(kBareTags));
            case 4: return tag("if " + expression(0)) + body(depth) + (m_random.chance(40) ? tag("elif " + expression(0)) + body(depth) : "") +
                           (m_random.chance(40) ? tag("else") + body(depth) : "") + tag("endif");
            case 5: {
                const std::string target = m_random.chance(30) ? "k, v" : m_random.pick(kNames);
                return tag("for " + target + " in " + expression(0) + (m_random.chance(20) ? " if " + expression(0) : "")) +
                       body(depth, true) + (m_random.chance(20) ? tag("else") + body(depth) : "") + tag("endfor");
            }
            case 6: return tag("set ns = namespace(a=" + expression(1) + ")") + tag("set ns.a = " + expression(0)) + "{{ ns.a }}";
            case 7: return tag("set " + m_random.pick(kNames)) + body(depth) + tag("endset");
            case 8: return tag("macro m(a, b=" + expression(1) + ")") + body(depth) + "{{ caller() if caller is defined }}" + tag("endmacro") +
                           "{{ m(" + expression(1) + ") }}";
            case 9: return tag("macro m(a)") + "[{{ a }}{{ caller(a) if caller is defined }}]" + tag("endmacro") + tag("call(x) m(" + expression(1) + ")") +
                           body(depth) + tag("endcall");
            case 10: return tag("filter " + m_random.pick(kFilterBlocks)) + body(depth) + tag("endfilter");
            case 11: return tag("with x = " + expression(0)) + body(depth) + tag("endwith");
            case 12: return tag("raw") + "{{ not parsed }}" + tag("endraw");
            case 13: return "{%- if " + expression(0) + " +%}\n  text\n{%- endif -%}";
            case 14: return tag("generation") + body(depth) + tag("endgeneration");
            default: return tag("for m in messages") + "{{ m.role }}: {{ " + expression(0) + " }}" + tag("endfor");
        }
    }

    std::string body(int depth, bool inLoop = false) {
        std::string out;
        const size_t count = m_random.below(3);
        for (size_t i = 0; i < count; ++i) out += statement(depth + 1);
        if (inLoop && m_random.chance(15)) out += tag(m_random.chance(50) ? "break" : "continue");
        return out;
    }

    std::string open(const char* marker) { return std::string(marker) + (m_random.chance(15) ? "-" : "") + " "; }
    std::string close(const char* marker) { return std::string(m_random.chance(15) ? " -" : " ") + marker; }
    std::string tag(const std::string& inside) { return open("{%") + inside + close("%}"); }

    std::string expression(int depth) {
        if (depth >= 3) return primary(depth);
        switch (m_random.below(14)) {
            case 0:
            case 1:
            case 2: return primary(depth);
            case 12:
            case 13: return operation(simpleValue());
            case 3: return expression(depth + 1) + " " + m_random.pick(kBinary) + " " + expression(depth + 1);
            case 4: return expression(depth + 1) + " " + m_random.pick(kCompare) + " " + expression(depth + 1);
            case 5: return m_random.pick(kUnary) + expression(depth + 1);
            case 6: return expression(depth + 1) + " if " + expression(depth + 1) + (m_random.chance(70) ? " else " + expression(depth + 1) : "");
            case 7: return expression(depth + 1) + "|" + filter(depth);
            case 8: return expression(depth + 1) + " is " + (m_random.chance(30) ? "not " : "") + test(depth);
            case 9: return postfix(depth);
            case 10: return "(" + expression(depth + 1) + ")";
            default: return m_random.pick(kCallables) + "(" + arguments(depth) + ")";
        }
    }

    std::string postfix(int depth) {
        const std::string base = primary(depth + 1);
        switch (m_random.below(4)) {
            case 0: return base + "." + m_random.pick(kAttributes);
            case 1: return base + "[" + expression(depth + 1) + "]";
            case 2: return base + "[" + optional(depth) + ":" + optional(depth) + (m_random.chance(50) ? ":" + optional(depth) : "") + "]";
            default: return base + "." + m_random.pick(kMethods) + "(" + arguments(depth) + ")";
        }
    }

    std::string optional(int depth) { return m_random.chance(40) ? "" : expression(depth + 1); }

    // Positional arguments, then keywords, as a call must have them.
    std::string arguments(int depth) {
        std::string out;
        const size_t count = m_random.below(4);
        const size_t keywordsFrom = m_random.below(count + 1);
        for (size_t i = 0; i < count; ++i) {
            if (i > 0) out += ", ";
            if (i >= keywordsFrom) out += m_random.pick(kKeywords) + "=";
            out += depth >= 2 ? m_random.pick(kLiterals) : expression(depth + 1);
        }
        return out;
    }

    // A simple value put through one to three operations: deep enough to reach the
    // built-ins with every type, shallow enough that most cases get that far.
    std::string operation(std::string value) {
        const size_t count = 1 + m_random.below(3);
        for (size_t i = 0; i < count; ++i) {
            switch (m_random.below(7)) {
                case 0:
                case 1: value = "(" + value + ")|" + filter(2); break;
                case 2: value = "(" + value + ")." + m_random.pick(kMethods) + "(" + arguments(2) + ")"; break;
                case 3: value = "(" + value + ") " + m_random.pick(kBinary) + " " + simpleValue(); break;
                case 4: value = "(" + value + ")[" + simpleValue() + "]"; break;
                case 5: value = "(" + value + ")[" + optionalLiteral() + ":" + optionalLiteral() + ":" + optionalLiteral() + "]"; break;
                default: value = "(" + value + ") is " + test(3); break;
            }
        }
        return value;
    }

    std::string optionalLiteral() { return m_random.chance(40) ? "" : m_random.pick(kIndexes); }
    std::string simpleValue() { return m_random.chance(50) ? m_random.pick(kLiterals) : m_random.pick(kValues); }

    std::string filter(int depth) {
        const std::string& name = m_random.pick(kFilters);
        return m_random.chance(50) ? name : name + "(" + arguments(depth) + ")";
    }

    std::string test(int depth) {
        const std::string& name = m_random.pick(kTests);
        return m_random.chance(70) ? name : name + "(" + expression(depth + 1) + ")";
    }

    std::string primary(int depth) {
        switch (m_random.below(depth >= 4 ? 3 : 6)) {
            case 0: return m_random.pick(kLiterals);
            case 1:
            case 2: return m_random.pick(kNames);
            case 3: {
                std::string out = m_random.chance(30) ? "(" : "[";
                const bool tuple = out == "(";
                const size_t count = m_random.below(4);
                for (size_t i = 0; i < count; ++i) out += expression(depth + 1) + ", ";
                return out + (tuple ? ")" : "]");
            }
            case 4: {
                std::string out = "{";
                const size_t count = m_random.below(3);
                for (size_t i = 0; i < count; ++i) out += (i ? ", " : "") + expression(depth + 1) + ": " + expression(depth + 1);
                return out + "}";
            }
            default: return m_random.pick(kLiterals) + " * " + m_random.pick(kCounts);
        }
    }

    Random& m_random;

    inline static const std::vector<std::string> kTexts = {"hello ", "\n", "  \n\t", "<|im_start|>", "é漢🙂", "{", "}", "%"};
    inline static const std::vector<std::string> kBareTags = {"break", "continue", "endif", "endfor", "else", "unknown", "include 'x'"};
    inline static const std::vector<std::string> kNames = {
        "messages", "message", "m", "x", "y", "k", "v", "loop", "ns", "tools", "add_generation_prompt", "bos_token",
        "undefined_name", "range", "namespace", "dict", "joiner", "caller", "varargs", "kwargs", "enable_thinking"};
    inline static const std::vector<std::string> kLiterals = {
        "0", "1", "-1", "2", "7", "9223372036854775807", "-9223372036854775807", "0x7fffffffffffffff", "1_000", "3.5", "-0.0",
        "1e308", "1e-308", "1.7976931348623157e308", "1e400", "''", "'a'", "'hello world'", "'%s %d %f %r %c'",
        "'%.999999999f'", "'%999999999d'", "'{} {0} {name}'", "'\\u00e9\\U0001F600\\x00\\n'", "\"double 'quoted'\"",
        "'line\\nline\\n'", "'   padded   '", "'<tag>&\"'", "'SHOUT'", "'a,b,,c'", "true", "false", "none", "True",
        "None", "[]", "[1, 'a', none]", "()", "(1,)", "{}", "{'role': 'user', 'content': 'hi'}", "{1: 2, 1.0: 3, true: 4}",
        "[[[[[1]]]]]", "'nan'|float", "'inf'|float", "'-inf'|float"};
    inline static const std::vector<std::string> kValues = {
        "messages", "messages[0]", "messages[0].content", "messages[-1]['role']", "tools", "tools[0]", "ns", "loop",
        "range(5)", "range(3)|list", "namespace(a=1)", "dict(a=1, b=[2])", "messages|map(attribute='role')|list",
        "messages[0].items()|list", "'a b c'.split()", "(1, 'x')", "undefined_name", "joiner(', ')", "loop.index"};
    inline static const std::vector<std::string> kIndexes = {"0", "1", "-1", "2", "-2", "100", "9223372036854775807",
                                                             "-9223372036854775807", "none", "'a'", "1.5"};
    inline static const std::vector<std::string> kCounts = {"0", "-3", "3", "100", "1000000", "100000000", "9223372036854775807"};
    inline static const std::vector<std::string> kBinary = {"+", "-", "*", "/", "//", "%", "**", "~", "and", "or"};
    inline static const std::vector<std::string> kCompare = {"==", "!=", "<", "<=", ">", ">=", "in", "not in"};
    inline static const std::vector<std::string> kUnary = {"-", "+", "not "};
    inline static const std::vector<std::string> kCallables = {"range", "dict", "namespace", "joiner", "raise_exception",
                                                               "strftime_now", "loop.cycle", "loop.changed", "m", "caller"};
    inline static const std::vector<std::string> kAttributes = {"role", "content", "tool_calls", "index", "length", "first",
                                                                "last", "previtem", "nextitem", "a", "upper", "items", "__class__"};
    inline static const std::vector<std::string> kMethods = {
        "startswith", "endswith", "split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "replace", "upper", "lower",
        "title", "capitalize", "swapcase", "find", "rfind", "index", "rindex", "count", "join", "format", "isdigit", "isalpha",
        "isspace", "isupper", "islower", "removeprefix", "removesuffix", "center", "partition", "rpartition", "get", "items",
        "keys", "values", "copy", "append", "pop", "update", "casefold", "isalnum"};
    inline static const std::vector<std::string> kKeywords = {"attribute", "default", "indent", "width", "first", "blank",
                                                              "case_sensitive", "reverse", "sep", "maxsplit", "a", "b", "count"};
    inline static const std::vector<std::string> kFilters = {
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "first", "float",
        "forceescape", "format", "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min",
        "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "sort", "string", "sum",
        "title", "tojson", "trim", "unique", "upper", "wordcount"};
    inline static const std::vector<std::string> kFilterBlocks = {"upper", "trim", "indent(2)", "replace('a', 'b')", "center(30)", "e"};
    inline static const std::vector<std::string> kTests = {
        "defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "true", "false", "mapping",
        "sequence", "iterable", "callable", "odd", "even", "divisibleby", "eq", "ne", "lt", "gt", "in", "sameas", "upper", "lower"};
};

// The real templates, mutated as a corrupted download or a hostile edit would be.
class Mutator {
public:
    Mutator(Random& random, std::vector<std::string> templates) : m_random(random), m_templates(std::move(templates)) {}

    std::string mutated() {
        std::string text = m_random.pick(m_templates);
        const size_t edits = 1 + m_random.below(4);
        for (size_t i = 0; i < edits && !text.empty(); ++i) {
            const size_t at = m_random.below(text.size());
            switch (m_random.below(7)) {
                case 0: text[at] = static_cast<char>(text[at] ^ (1 << m_random.below(8))); break;  // may break UTF-8 too
                case 1: text.resize(at); break;
                case 2: {  // splice the tail of another template in
                    const std::string& other = m_random.pick(m_templates);
                    text = text.substr(0, at) + other.substr(m_random.below(other.size()));
                    break;
                }
                case 3: text.erase(at, 1 + m_random.below(40)); break;
                case 4: text.insert(at, text.substr(at, 1 + m_random.below(200))); break;  // duplicate a stretch
                case 5: text.insert(at, m_random.pick(kTokens)); break;
                default: std::swap(text[at], text[m_random.below(text.size())]); break;
            }
        }
        return text;
    }

private:
    Random& m_random;
    std::vector<std::string> m_templates;
    inline static const std::vector<std::string> kTokens = {
        "{{", "}}", "{%", "%}", "{#", "#}", "{%-", "-%}", "{% endif %}", "{% endfor %}", "{% else %}", "(", ")", "[", "]",
        "|", "|tojson", "|length", " is defined", " ~ ", " * 1000000", " if ", "'", "\"", "\\", ".", ",", ":", "=",
        "loop.", "ns.", "messages[0]", "[::-1]", "[9223372036854775807]", "%", "\xff", "\xc3", "\xe2\x80\xa8", "\0"};
};

// The context apply_chat_template gives, for each conversation in the fixture's cases.
std::vector<jinja::Value> contexts() {
    const Json cases = Json::parse(readFile(fixtureDir() / "cases.json"));
    std::vector<jinja::Value> out;
    for (const Json& testCase : cases["cases"]) {
        Json context = {{"bos_token", "<s>"}, {"eos_token", "</s>"}, {"add_generation_prompt", true}};
        context["messages"] = testCase["messages"];
        if (testCase.contains("tools")) context["tools"] = testCase["tools"];
        if (testCase.contains("kwargs")) {
            for (const auto& [key, value] : testCase["kwargs"].items()) context[key] = value;
        }
        out.push_back(jinja::fromJson(context));
    }
    return out;
}

std::vector<std::string> fixtureTemplates() {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(fixtureDir() / "templates")) {
        if (entry.path().extension() == ".jinja") out.push_back(readFile(entry.path()));
    }
    std::sort(out.begin(), out.end());  // directory order differs between machines
    return out;
}

// Tight enough that a case takes milliseconds, so thousands fit in seconds.
jinja::Limits fuzzLimits() {
    jinja::Limits limits;
    limits.maxLoopIterations = 20000;
    limits.maxOutputBytes = 1 << 20;
    limits.maxListItems = 1 << 16;
    limits.maxRenderBytes = 8 << 20;
    limits.maxWork = 1 << 23;
    return limits;
}

struct Tally {
    qint64 slowestMs = 0;
    std::string slowest;
    int cases = 0;
    int rendered = 0;
    int parseErrors = 0;
    int renderErrors = 0;
    std::vector<std::string> escapes;  // "what escaped: the template"
};

// Parses and renders one case; anything but a jinja::Exception escaping is recorded.
void runCase(const std::string& source, const jinja::Value& context, Tally& tally) {
    ++tally.cases;
    QElapsedTimer timer;
    timer.start();
    struct Slowest {
        ~Slowest() {
            if (timer.elapsed() > tally.slowestMs) {
                tally.slowestMs = timer.elapsed();
                tally.slowest = source.substr(0, 500);
            }
        }
        const QElapsedTimer& timer;
        Tally& tally;
        const std::string& source;
    } slowest{timer, tally, source};
    std::optional<jinja::Template> parsed;
    try {
        parsed = jinja::parseTemplate(source, "fuzz");
        jinja::Interpreter interpreter(fuzzLimits());
        interpreter.render(*parsed, context);
        ++tally.rendered;
    } catch (const jinja::Exception& e) {
        ++(parsed ? tally.renderErrors : tally.parseErrors);
    } catch (const std::exception& e) {
        tally.escapes.push_back(std::string(typeid(e).name()) + " (" + e.what() + "): " + source.substr(0, 2000));
    }
}

}  // namespace

class TemplateFuzzTest : public QObject {
    Q_OBJECT

private slots:
    // What fuzzing (and reading the code it pointed at) found, each rendered as jinja2 does.
    void findingsRenderLikeJinja2_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("result");  // the text, or "ErrorKind: message"
        // Empty sequences repeated a huge number of times looped that many times.
        QTest::newRow("empty repeated 2**63-1 times") << "{{ ('' * 9223372036854775807)|length }}{{ ([] * 9223372036854775807)|length }}"
                                                      << "00";
        // strtoll left its end pointer unset for a bad base, and the filter read it: a crash.
        QTest::newRow("int filter with a bad base") << "{{ '12'|int(base=1) }}|{{ '12'|int(base=37) }}|{{ 'z'|int(base=36) }}"
                                                    << "12|12|35";
        // The slice index was stepped, and overflowed for a step near the int64 limits.
        QTest::newRow("slice steps at the int64 limits")
            << "{{ [1, 2, 3][2::9223372036854775807] }}|{{ 'abc'[::-9223372036854775807 - 1] }}" << "[3]|c";
        // Casting nan or 1e300 to an integer was undefined behaviour.
        QTest::newRow("%d of nan") << "{{ '%d' % ('nan'|float) }}" << "ValueError: cannot convert float NaN to integer";
        // A loop remembering itself in loop.changed() was a reference cycle, leaked after the render.
        QTest::newRow("loop.changed(loop)") << "{% for x in [1, 2] %}{{ loop.changed(loop) }}{% endfor %}" << "TrueFalse";
        QTest::newRow("%d of 1e300") << "{{ '%d' % 1e300 }}" << "ValueError: integer result does not fit in 64 bits";
    }
    void findingsRenderLikeJinja2() {
        QFETCH(QString, source);
        QFETCH(QString, result);
        std::string text;
        try {
            jinja::Interpreter interpreter;
            text = interpreter.render(jinja::parseTemplate(source.toStdString(), "t"), jinja::Value::dict(jinja::Dict()));
        } catch (const jinja::Exception& e) {
            text = std::string(jinja::errorKindName(e.kind())) + ": " + e.message();
        }
        QCOMPARE(QString::fromStdString(text), result);
    }

    void generatedAndMutatedTemplatesFailOnlyWithTemplateErrors() {
        Random random(environmentNumber("PAGODA_FUZZ_SEED", kSeed));
        const int scale = static_cast<int>(environmentNumber("PAGODA_FUZZ_SCALE", 1));
        const std::vector<jinja::Value> conversations = contexts();
        Generator generator(random);
        Mutator mutator(random, fixtureTemplates());
        Tally tally;
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < kGeneratedCases * scale; ++i) runCase(generator.templateText(), random.pick(conversations), tally);
        for (int i = 0; i < kMutatedCases * scale; ++i) runCase(mutator.mutated(), random.pick(conversations), tally);
        qInfo("%d cases in %lld ms: %d rendered; clean template errors: %d while parsing, %d while rendering; "
              "%zu other exceptions",
              tally.cases, static_cast<long long>(timer.elapsed()), tally.rendered, tally.parseErrors, tally.renderErrors,
              tally.escapes.size());
        qInfo("slowest case, %lld ms: %s", static_cast<long long>(tally.slowestMs), tally.slowest.c_str());
        for (size_t i = 0; i < tally.escapes.size() && i < 5; ++i) qWarning("%s", tally.escapes[i].c_str());
        QCOMPARE(tally.escapes.size(), size_t{0});
        // The cases must reach the interpreter and its built-ins, not stop at syntax errors.
        QVERIFY(tally.rendered + tally.renderErrors > tally.cases / 2);
        QVERIFY(tally.rendered > tally.cases / 10);
    }
};

QTEST_APPLESS_MAIN(TemplateFuzzTest)
#include "template_fuzz_test.moc"
