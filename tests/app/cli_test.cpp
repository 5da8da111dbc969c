// The `pagoda` executable as a user runs it: real process, real arguments, real output.
#include <QTemporaryDir>
#include <QtTest>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

#include "tests/support/chat_model_dir.h"
#include "tests/support/model_fixture.h"
#include "tests/support/process_run.h"

namespace {

using Run = pagoda::test::ProcessRun;

Run runPagoda(const QStringList& arguments, const QByteArray& input = {}) {
    pagoda::test::ProcessOptions options;
    options.input = input;
    return pagoda::test::runProcess(PAGODA_EXECUTABLE, arguments, options);
}

QString fixture(const char* name) { return QString::fromStdString((pagoda::test::modelFixturesDir() / name).string()); }

QString joined(const std::vector<int32_t>& ids) { return QString::fromStdString(fmt::format("{}", fmt::join(ids, ","))); }

}  // namespace

class CliTest : public QObject {
    Q_OBJECT

private slots:
    // No GPU here: selftest says why CUDA cannot run and exits 2 ("could not test"), not 0.
    void selftestWithoutAGpuSaysWhyAndExitsTwo() {
        const Run run = runPagoda({"selftest", "--model", fixture("qwen3-f32")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("CUDA") && run.err.contains("running on the CPU"), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
        QCOMPARE(runPagoda({"selftest"}).exitCode, 2);  // no --model
    }

    void generatePrintsTransformersGreedyContinuation() {
        const auto truth = pagoda::test::loadTruth(pagoda::test::modelFixturesDir() / "qwen3-f32");
        const Run run = runPagoda({"generate", "--model", fixture("qwen3-f32"), "--prompt-ids", joined(truth.promptIds),
                                   "--max-tokens", "32", "--ignore-eos"});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.trimmed(), joined(truth.greedyIdsF32));
        QVERIFY2(run.err.contains("prefill: 13 tokens") && run.err.contains("decode: 31 tokens") &&
                     run.err.contains("tokens/s"),
                 qPrintable(run.err));
    }

    void generateStopsAtEndOfSequence() {
        const auto truth = pagoda::test::loadTruth(pagoda::test::modelFixturesDir() / "glm-f32");
        const Run run = runPagoda({"generate", "--model", fixture("glm-f32"), "--prompt-ids", joined(truth.promptIds)});
        QCOMPARE(run.exitCode, 0);
        const QStringList ids = run.out.trimmed().split(',');
        QCOMPARE(ids.size(), 12);  // eos id 2 is the 12th greedy token
        QCOMPARE(ids.last(), QString("2"));
        QVERIFY(run.err.contains("stopped at end-of-sequence"));
    }

    void badInputGetsAClearErrorAndNonZeroExit_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        const QString model = fixture("qwen2-tied-f32");
        QTest::newRow("no model") << QStringList{"generate", "--prompt-ids", "1"} << "--model is required";
        QTest::newRow("bad id") << QStringList{"generate", "--model", model, "--prompt-ids", "1,x"} << "'x' is not a token id";
        QTest::newRow("no prompt") << QStringList{"generate", "--model", model} << "give either --prompt TEXT or --prompt-ids";
        QTest::newRow("empty ids") << QStringList{"generate", "--model", model, "--prompt-ids", ","} << "give at least one token id";
        QTest::newRow("text without tokenizer") << QStringList{"generate", "--model", model, "--prompt", "hi"}
                                                << "has no tokenizer.json or tokenizer.model";
        QTest::newRow("id past vocab") << QStringList{"generate", "--model", model, "--prompt-ids", "1,99999"}
                                       << "token id 99999 is outside the vocabulary";
        QTest::newRow("bad max tokens") << QStringList{"generate", "--model", model, "--prompt-ids", "1", "--max-tokens", "0"}
                                        << "--max-tokens must be a positive integer";
        QTest::newRow("missing dir") << QStringList{"generate", "--model", "/nonexistent/model", "--prompt-ids", "1"}
                                     << "--model '/nonexistent/model': no such model folder";
        QTest::newRow("unknown id") << QStringList{"generate", "--model", "Qwen/Not-Pulled", "--prompt-ids", "1"}
                                    << "download it with `pagoda pull Qwen/Not-Pulled`";
        QTest::newRow("past context") << QStringList{"generate", "--model", model, "--prompt-ids", "1", "--max-tokens", "5000"}
                                      << "exceeds the model's context of 2048";
    }
    void badInputGetsAClearErrorAndNonZeroExit() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Run run = runPagoda(arguments);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(expected), qPrintable(run.err));
        QVERIFY(run.out.isEmpty());
    }

    void generateTakesTextThroughTheTokenizer() {
        // The SentencePiece fixture has the fixture models' 512-token vocabulary.
        const QString tokenizer =
            QString::fromStdString((pagoda::test::tokenizerFixturesDir() / "sentencepiece").string());
        const Run run = runPagoda({"generate", "--model", fixture("qwen3-f32"), "--tokenizer", tokenizer, "--prompt",
                                   "Hello, world", "--max-tokens", "8", "--ignore-eos"});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(!run.out.trimmed().isEmpty());
        // The text printed is the decode of the ids the same prompt gives in id mode.
        const Run ids = runPagoda({"tokenize", "--model", tokenizer}, "Hello, world");
        QCOMPARE(ids.exitCode, 0);
        const QString idList = ids.out.trimmed().remove('[').remove(']').remove(' ');
        const Run byIds = runPagoda({"generate", "--model", fixture("qwen3-f32"), "--prompt-ids", idList, "--max-tokens",
                                     "8", "--ignore-eos"});
        const Run decoded = runPagoda({"tokenize", "--model", tokenizer, "--decode", "--skip-special-tokens"},
                                      "[" + byIds.out.trimmed().toUtf8() + "]");
        QCOMPARE(run.out, decoded.out + "\n");
    }

    void tokenizeEncodesAndDecodesLikeHuggingFace() {
        const QString qwen3 = QString::fromStdString((pagoda::test::tokenizerFixturesDir() / "qwen3").string());
        const Run encoded = runPagoda({"tokenize", "--model", qwen3}, "Hello world");
        QCOMPARE(encoded.exitCode, 0);
        QCOMPARE(encoded.out, QString("[9707, 1879]\n"));
        const Run decoded = runPagoda({"tokenize", "--model", qwen3, "--decode"}, "[9707, 1879, 151645]");
        QCOMPARE(decoded.out, QString("Hello world<|im_end|>"));
        const Run skipped = runPagoda({"tokenize", "--model", qwen3, "--decode", "--skip-special-tokens"}, "[9707, 151645]");
        QCOMPARE(skipped.out, QString("Hello"));
        const Run badText = runPagoda({"tokenize", "--model", qwen3}, QByteArray("ab\xff"));
        QCOMPARE(badText.exitCode, 1);
        QVERIFY2(badText.err.contains("not valid UTF-8 (byte 2 of 3)"), qPrintable(badText.err));
        const Run badIds = runPagoda({"tokenize", "--model", qwen3, "--decode"}, "[1, \"x\"]");
        QCOMPARE(badIds.exitCode, 1);
        QVERIFY2(badIds.err.contains("\"x\" is not a token id"), qPrintable(badIds.err));
    }

    void tokenizeChatRendersTheModelsTemplate() {
        const QString qwen3 = QString::fromStdString((pagoda::test::tokenizerFixturesDir() / "qwen3").string());
        QTemporaryDir dir;
        const QString file = dir.filePath("messages.json");
        std::ofstream(file.toStdString())
            << "{\"messages\": [{\"role\": \"user\", \"content\": \"你好\"}], "
               "\"chat_template_kwargs\": {\"enable_thinking\": false}}";
        const Run run = runPagoda({"tokenize", "--model", qwen3, "--chat", file});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QString("<|im_start|>user\n你好<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n"));
        std::ofstream(file.toStdString()) << "{\"messages\": ";
        const Run broken = runPagoda({"tokenize", "--model", qwen3, "--chat", file});
        QCOMPARE(broken.exitCode, 1);
        QVERIFY2(broken.err.contains("not valid JSON"), qPrintable(broken.err));
    }

    void chatStreamsAnswersKeepsHistoryAndResets() {
        // A chat-capable directory: a fixture model, the SentencePiece tokenizer sharing its
        // 512-token vocabulary, and a Llama-2-style template.
        QTemporaryDir dir;
        const std::filesystem::path d = dir.path().toStdString();
        for (const char* f : {"config.json", "generation_config.json", "model.safetensors"})
            std::filesystem::copy_file(pagoda::test::modelFixturesDir() / "qwen3-f32" / f, d / f);
        const auto tokenizerDir = pagoda::test::tokenizerFixturesDir() / "sentencepiece";
        std::filesystem::copy_file(tokenizerDir / "tokenizer.model", d / "tokenizer.model");
        auto config = nlohmann::json::parse(std::ifstream(tokenizerDir / "tokenizer_config.json"));
        config["chat_template"] =
            "{% for m in messages %}{{ bos_token if loop.first }}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}"
            "{% if add_generation_prompt %}[assistant] {% endif %}";
        std::ofstream(d / "tokenizer_config.json") << config.dump();

        const Run run = runPagoda({"chat", "--model", dir.path(), "--max-tokens", "6", "--temperature", "0"},
                                  "hello there\n/reset\nsecond question\n/exit\n");
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.count("ASSISTANT: "), 2);
        QVERIFY(run.out.contains("(history cleared)"));
        QVERIFY2(run.err.isEmpty(), qPrintable(run.err));
        // Greedy and reset: the same question gives the same answer.
        const Run again = runPagoda({"chat", "--model", dir.path(), "--max-tokens", "6", "--temperature", "0"},
                                    "second question\n");
        const auto answerOf = [](const QString& out, int which) {
            return out.split("ASSISTANT: ").at(which).split('\n').first();
        };
        QCOMPARE(answerOf(again.out, 1), answerOf(run.out, 2));
    }

    // --json-schema, --grammar, --regex and --choice on a model whose free output is gibberish:
    // what comes out fits, and a bad file is named in the error.
    void generateAndChatFollowAConstraint() {
        QTemporaryDir dir;
        const QString model = QString::fromStdString(pagoda::test::makeChatModelDir(dir.path().toStdString()).string());
        const QString schema = dir.filePath("person.json");
        std::ofstream(schema.toStdString()) << R"({"type": "object", "properties": {"name": {"type": "string", "maxLength": 5},
            "age": {"type": "integer", "minimum": 1, "maximum": 99}}, "required": ["name", "age"], "additionalProperties": false})";
        const Run json = runPagoda({"generate", "--model", model, "--prompt", "hi", "--max-tokens", "200", "--json-schema", schema});
        QCOMPARE(json.exitCode, 0);
        const auto person = nlohmann::json::parse(json.out.toStdString());
        QVERIFY2(person.size() == 2 && person["name"].is_string() && person["age"] >= 1 && person["age"] <= 99,
                 qPrintable(json.out));

        const QString grammar = dir.filePath("sum.gbnf");
        std::ofstream(grammar.toStdString()) << "root ::= num (\" + \" num)*\nnum ::= [1-9] [0-9]?\n";
        const Run sum = runPagoda({"generate", "--model", model, "--prompt", "hi", "--max-tokens", "200", "--grammar", grammar});
        QCOMPARE(sum.exitCode, 0);
        QVERIFY2(QRegularExpression("^[1-9][0-9]?( \\+ [1-9][0-9]?)*\n$").match(sum.out).hasMatch(), qPrintable(sum.out));
        const Run regex = runPagoda({"generate", "--model", model, "--prompt", "hi", "--regex", "[a-z]{2,4}-[0-9]{2}"});
        QVERIFY2(QRegularExpression("^[a-z]{2,4}-[0-9]{2}\n$").match(regex.out).hasMatch(), qPrintable(regex.out));

        const Run chat = runPagoda({"chat", "--model", model, "--choice", "yes", "--choice", "no"}, "one\ntwo\n/exit\n");
        QCOMPARE(chat.exitCode, 0);
        const QStringList answers = chat.out.split("ASSISTANT: ").mid(1);
        QCOMPARE(answers.size(), 2);
        for (const QString& answer : answers) QVERIFY2(QRegularExpression("^(yes|no)\n").match(answer).hasMatch(), qPrintable(answer));

        const auto failure = [&](const QStringList& flags) {
            const Run run = runPagoda(QStringList{"generate", "--model", model, "--prompt", "hi"} + flags);
            return run.exitCode == 1 ? run.err : QString("exit %1").arg(run.exitCode);
        };
        QVERIFY(failure({"--json-schema", dir.filePath("none.json")}).contains(dir.filePath("none.json") + ": cannot read it"));
        std::ofstream(dir.filePath("list.json").toStdString()) << "[1]";
        QVERIFY(failure({"--json-schema", dir.filePath("list.json")}).contains("list.json: the file is not a JSON object"));
        std::ofstream(dir.filePath("bad.gbnf").toStdString()) << "start ::= \"a\"";
        QVERIFY(failure({"--grammar", dir.filePath("bad.gbnf")}).contains("bad.gbnf: gbnf: no rule named 'root'"));
        QVERIFY(failure({"--regex", "(a"}).contains("--regex: regex:"));
        QVERIFY(failure({"--regex", "a", "--choice", "b"}).contains("give only one of"));
    }

    void chatRefusesAModelWithoutTemplate() {
        const Run run = runPagoda({"chat", "--model", fixture("qwen3-f32")}, "hi\n");
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("cannot chat"), qPrintable(run.err));
    }

    void benchPrintsThroughputAndLatency() {
        const Run run = runPagoda({"bench", "--model", fixture("qwen2-tied-f32"), "--input-len", "16", "--output-len",
                                   "8", "--num-prompts", "6", "--concurrency", "3", "--json"});
        QCOMPARE(run.exitCode, 0);
        const auto j = nlohmann::json::parse(run.out.toStdString());
        QCOMPARE(j["num_prompts"].get<int>(), 6);
        QVERIFY(j["requests_per_s"].get<double>() > 0);
        // 6 x (16 + 8) tokens over the elapsed time is the total rate.
        QVERIFY(std::abs(j["total_tokens_per_s"].get<double>() * j["elapsed_s"].get<double>() - 144) < 1.5);
        QVERIFY(j["ttft_mean_s"].get<double>() > 0 && j["tpot_mean_s"].get<double>() > 0);
        const Run tooLong = runPagoda({"bench", "--model", fixture("qwen2-tied-f32"), "--input-len", "4000"});
        QCOMPARE(tooLong.exitCode, 1);
        QVERIFY(tooLong.err.contains("exceeds max_model_len"));
    }

    // Greedy bench (cpu_bench.py runs every engine greedy) and warm-up requests that are not timed or counted.
    void benchTakesTemperatureAndLeavesWarmupOutOfTheCounts() {
        const Run run = runPagoda({"bench", "--model", fixture("qwen2-tied-f32"), "--input-len", "16", "--output-len",
                                   "8", "--num-prompts", "6", "--concurrency", "3", "--temperature", "0", "--warmup",
                                   "2", "--json"});
        QCOMPARE(run.exitCode, 0);
        const auto j = nlohmann::json::parse(run.out.toStdString());
        QCOMPARE(j["temperature"].get<double>(), 0.0);
        QCOMPARE(j["warmup"].get<int>(), 2);
        QVERIFY(std::abs(j["total_tokens_per_s"].get<double>() * j["elapsed_s"].get<double>() - 144) < 1.5);
        for (const char* bad : {"-1", "hot"}) {
            const Run rejected = runPagoda({"bench", "--model", fixture("qwen2-tied-f32"), "--temperature", bad});
            QCOMPARE(rejected.exitCode, 1);
            QVERIFY2(rejected.err.contains("--temperature must be a number >= 0"), qPrintable(rejected.err));
        }
        const Run help = runPagoda({"bench", "--help"});
        QVERIFY(help.out.contains("--temperature") && help.out.contains("--warmup"));
    }

    void unknownCommandPrintsUsage() {
        const Run run = runPagoda({"frobnicate"});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("unknown command 'frobnicate'") && run.err.contains("generate"));
        QCOMPARE(runPagoda({"--help"}).exitCode, 0);
    }

    void versionPrintsTheProjectVersion() {
        const Run run = runPagoda({"--version"});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QString("pagoda " PAGODA_VERSION "\n"));
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "cli_test.moc"
