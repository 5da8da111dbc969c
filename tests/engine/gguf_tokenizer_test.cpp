// Tokenizers and chat templates read from GGUF files (tokenizer.ggml.*, tokenizer.chat_template)
// against Hugging Face: the files are made by llama.cpp's own converter from the real
// tokenizers in tests/fixtures/tokenizers (tests/tools/make_gguf_tokenizer_fixtures.py),
// and must give the ids HF tokenizers gives on the tokenizer corpus. Malformed metadata is
// a clear error naming the key and the file.
#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <random>

#include "engine/common/mapped_file.h"
#include "engine/common/utf8.h"
#include "engine/tokenizer/chat_template.h"
#include "engine/tokenizer/detokenizer.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/unicode.h"
#include "tests/support/jsonl.h"
#include "tests/support/model_fixture.h"
#include "tests/support/tokenizer_fixture.h"

using namespace pagoda;
namespace fs = std::filesystem;
using nlohmann::json;
using test::cachedTokenizer;
using test::idsOf;
using test::show;

namespace {

const char* const kFixtures[] = {"qwen3", "llama3", "llama2"};

fs::path fixtureDir() { return fs::path(PAGODA_SOURCE_DIR) / "tests/fixtures/gguf-tokenizers"; }

// The fixtures are committed gzipped (about a quarter of their size); each suite run
// inflates them once into its own temporary folder.
const fs::path& inflatedDir() {
    static QTemporaryDir dir;
    static const bool inflated = [] {
        for (const char* name : kFixtures) {
            const fs::path from = fixtureDir() / (std::string(name) + ".gguf.gz");
            gzFile in = gzopen(from.c_str(), "rb");
            if (!in) qFatal("cannot open %s", from.c_str());
            std::ofstream out(fs::path(dir.path().toStdString()) / (std::string(name) + ".gguf"), std::ios::binary);
            char buffer[1 << 16];
            int n;
            while ((n = gzread(in, buffer, sizeof buffer)) > 0) out.write(buffer, n);
            gzclose(in);
            if (n < 0 || !out) qFatal("cannot inflate %s", from.c_str());
        }
        return true;
    }();
    static const fs::path path = (void(inflated), fs::path(dir.path().toStdString()));
    return path;
}

fs::path ggufFile(const std::string& name) { return inflatedDir() / (name + ".gguf"); }

const std::map<std::string, std::string>& corpus() {
    static const std::map<std::string, std::string> texts = [] {
        std::map<std::string, std::string> m;
        for (const json& row : test::readJsonLines(test::tokenizerFixturesDir() / "corpus.jsonl"))
            m[row.at("name").get<std::string>()] = row.at("text").get<std::string>();
        return m;
    }();
    return texts;
}

const json& meta(const std::string& name) {
    static std::map<std::string, json> cache;
    json& slot = cache[name];
    if (slot.is_null()) slot = json::parse(readRegularFile(test::tokenizerFixturesDir() / "expected" / (name + ".meta.json")).value());
    return slot;
}

// llama.cpp's converter marks an added token that HF calls non-special as CONTROL when it
// looks special (<|...|>: Qwen's <|fim_prefix|> and kin); GGUF keeps no other flag, so
// those are special from the file and a skip-special decode drops them.
std::vector<std::string> reclassifiedAsSpecial(const std::string& name) {
    std::vector<std::string> out;
    for (const json& t : meta(name)["added_tokens"]) {
        const std::string content = t["content"].get<std::string>();
        if (!t["special"].get<bool>() && content.rfind("<|", 0) == 0 && content.size() > 4 &&
            content.compare(content.size() - 2, 2, "|>") == 0)
            out.push_back(content);
    }
    return out;
}

std::string withoutTokens(std::string text, const std::vector<std::string>& contents) {
    for (const std::string& c : contents)
        for (size_t at; (at = text.find(c)) != std::string::npos;) text.erase(at, c.size());
    return text;
}

// Writes a GGUF v3 file with metadata only, for the malformed-metadata cases.
class GgufWriter {
public:
    GgufWriter& string(const std::string& key, const std::string& value) {
        header(key, 8);
        str(value);
        return count();
    }
    GgufWriter& u32(const std::string& key, uint32_t value) {
        header(key, 4);
        raw(value);
        return count();
    }
    GgufWriter& boolean(const std::string& key, bool value) {
        header(key, 7);
        raw(uint8_t(value));
        return count();
    }
    GgufWriter& strings(const std::string& key, const std::vector<std::string>& values) {
        arrayHeader(key, 8, values.size());
        for (const std::string& v : values) str(v);
        return count();
    }
    GgufWriter& i32s(const std::string& key, const std::vector<int32_t>& values) {
        arrayHeader(key, 5, values.size());
        for (int32_t v : values) raw(v);
        return count();
    }
    GgufWriter& f32s(const std::string& key, const std::vector<float>& values) {
        arrayHeader(key, 6, values.size());
        for (float v : values) raw(v);
        return count();
    }
    void write(const fs::path& path) const {
        std::string bytes = "GGUF";
        auto put = [&](auto v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof v); };
        put(uint32_t(3));
        put(uint64_t(0));
        put(uint64_t(m_count));
        bytes += m_body;
        std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    }

private:
    template <class T>
    void raw(T v) {
        m_body.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    void str(const std::string& s) {
        raw(uint64_t(s.size()));
        m_body += s;
    }
    void header(const std::string& key, uint32_t type) {
        str(key);
        raw(type);
    }
    void arrayHeader(const std::string& key, uint32_t elementType, size_t n) {
        header(key, 9);
        raw(elementType);
        raw(uint64_t(n));
    }
    GgufWriter& count() {
        ++m_count;
        return *this;
    }
    std::string m_body;
    size_t m_count = 0;
};

// A small well-formed byte-level vocabulary: the 256 byte tokens, "ab", and one control token.
struct TinyGpt2 {
    std::vector<std::string> tokens;
    std::vector<int32_t> types;
    TinyGpt2() {
        for (char32_t c : byteToUnicode()) {
            std::string s;
            appendUtf8(s, c);
            tokens.push_back(s);
        }
        tokens.push_back("ab");
        tokens.push_back("<|end|>");
        types.assign(tokens.size(), 1);
        types.back() = 3;
    }
};

}  // namespace

class GgufTokenizerTest : public QObject {
    Q_OBJECT

private slots:
    void idsAndDecodesMatchHuggingFace_data() {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("caseName");
        QTest::addColumn<QByteArray>("truthJson");
        for (const char* name : kFixtures)
            for (const json& row : test::readJsonLines(test::tokenizerFixturesDir() / "expected" / (std::string(name) + ".jsonl"))) {
                const std::string caseName = row["name"].get<std::string>();
                QTest::newRow(qPrintable(QString("%1/%2").arg(name, QString::fromStdString(caseName))))
                    << QString(name) << QString::fromStdString(caseName) << QByteArray::fromStdString(row.dump());
            }
    }
    void idsAndDecodesMatchHuggingFace() {
        QFETCH(QString, fixture);
        QFETCH(QString, caseName);
        QFETCH(QByteArray, truthJson);
        const Tokenizer& tokenizer = cachedTokenizer(ggufFile(fixture.toStdString()));
        const json truth = json::parse(truthJson.toStdString());
        const std::string& text = corpus().at(caseName.toStdString());

        const auto ids = tokenizer.encode(text, false);
        QVERIFY2(ids.ok(), ids.ok() ? "" : ids.error().message.c_str());
        QCOMPARE(show(*ids), show(idsOf(truth["ids"])));
        const auto withSpecial = tokenizer.encode(text, true);
        QVERIFY(withSpecial.ok());
        QCOMPARE(show(*withSpecial), show(idsOf(truth["ids_special"])));

        const auto reclassified = reclassifiedAsSpecial(fixture.toStdString());
        QCOMPARE(tokenizer.decode(*ids, false).value(), truth["decode"].get<std::string>());
        QCOMPARE(tokenizer.decode(*ids, true).value(), withoutTokens(truth["decode_skip"].get<std::string>(), reclassified));
        QCOMPARE(tokenizer.decode(*withSpecial, false).value(), truth["decode_special"].get<std::string>());
        QCOMPARE(tokenizer.decode(*withSpecial, true).value(), withoutTokens(truth["decode_special_skip"].get<std::string>(), reclassified));
    }

    void specialTokensAreRecognisedAsHuggingFaceDoes_data() {
        QTest::addColumn<QString>("fixture");
        for (const char* name : kFixtures) QTest::newRow(name) << QString(name);
    }
    void specialTokensAreRecognisedAsHuggingFaceDoes() {
        QFETCH(QString, fixture);
        const std::string name = fixture.toStdString();
        const Tokenizer& tokenizer = cachedTokenizer(ggufFile(name));
        const auto reclassified = reclassifiedAsSpecial(name);
        for (const json& t : meta(name)["added_tokens"]) {
            const std::string content = t["content"].get<std::string>();
            const int32_t id = t["id"].get<int32_t>();
            QCOMPARE(tokenizer.tokenToId(content), std::optional<int32_t>(id));
            const bool special = t["special"].get<bool>() ||
                                 std::find(reclassified.begin(), reclassified.end(), content) != reclassified.end();
            QVERIFY2(tokenizer.isSpecial(id) == special, content.c_str());
            // A special token written in the text is that one token, as HF matches it.
            QCOMPARE(show(tokenizer.encode(content, false).value()), show({id}));
        }
        // Only Qwen's six <|fim_*|>-style tokens change class, and only from the file's lack of the flag.
        QCOMPARE(reclassified.size(), size_t(name == "qwen3" ? 6 : 0));

        // bos/eos as tokenizer_config.json names them; add_bos as the HF tokenizer adds it.
        const json& config = meta(name)["config"];
        const SpecialTokens& special = tokenizer.specialTokens();
        auto idOf = [&](const json& token) -> std::optional<int32_t> {
            if (token.is_null()) return std::nullopt;
            return tokenizer.tokenToId(token.is_string() ? token.get<std::string>() : token["content"].get<std::string>());
        };
        QCOMPARE(special.bosId, idOf(config["bos_token"]));
        QCOMPARE(special.eosId, idOf(config["eos_token"]));
        QCOMPARE(special.eosToken, config["eos_token"].get<std::string>());
        const bool hfAddsBos = name == "llama2";  // llama3's tokenizer.json post-processor adds nothing
        QCOMPARE(special.addBosToken, std::optional<bool>(hfAddsBos));
        QCOMPARE(special.addEosToken, std::optional<bool>(false));
        if (name == "qwen3") QCOMPARE(special.padId, idOf(config["pad_token"]));
        if (name == "llama2") QCOMPARE(special.unkId, std::optional<int32_t>(0));
    }

    void decodeOfEncodeRestoresTheText() {
        const std::vector<std::pair<char32_t, char32_t>> ranges = {
            {0x20, 0x7e}, {0x09, 0x0d}, {0xa0, 0x24f}, {0x400, 0x4ff}, {0x600, 0x6ff}, {0x900, 0x97f},
            {0x3040, 0x30ff}, {0x4e00, 0x9fff}, {0xac00, 0xd7a3}, {0x1f300, 0x1faff}, {0x200b, 0x200d}};
        std::mt19937 rng(20261207);
        for (const char* name : kFixtures) {
            const Tokenizer& tokenizer = cachedTokenizer(ggufFile(name));
            for (int n = 0; n < 500; ++n) {
                std::string text;
                const int length = 1 + int(rng() % 24);
                for (int i = 0; i < length; ++i) {
                    const auto& [lo, hi] = ranges[rng() % ranges.size()];
                    appendUtf8(text, lo + char32_t(rng() % (hi - lo + 1)));
                }
                const std::string expected = std::string(name) == "qwen3" ? normalizeUnicode(text, NormalForm::NFC) : text;
                const auto ids = tokenizer.encode(text, false);
                QVERIFY(ids.ok());
                QCOMPARE(tokenizer.decode(*ids, false).value(), expected);
            }
        }
    }

    void aDirectoryHoldingTheFileLoadsTheSame() {
        const Tokenizer& fromFile = cachedTokenizer(ggufFile("qwen3"));
        QTemporaryDir dir;
        const fs::path model = fs::path(dir.path().toStdString()) / "Qwen3-0.6B-Q8_0.gguf";
        fs::copy_file(ggufFile("qwen3"), model);
        auto fromDir = loadTokenizer(model.parent_path());
        QVERIFY2(fromDir.ok(), fromDir.ok() ? "" : fromDir.error().message.c_str());
        const std::string text = "<|im_start|>user\nHello, 世界!<|im_end|>";
        QCOMPARE((*fromDir)->encode(text, true).value(), fromFile.encode(text, true).value());
        QCOMPARE((*fromDir)->vocabSize(), size_t(151936));  // the file's padded vocabulary
    }

    void anyPartOfASplitModelGivesTheFirstPartsTokenizer() {
        QTemporaryDir dir;
        const fs::path first = fs::path(dir.path().toStdString()) / "tiny-00001-of-00002.gguf";
        const fs::path second = fs::path(dir.path().toStdString()) / "tiny-00002-of-00002.gguf";
        const TinyGpt2 tiny;
        GgufWriter()
            .string("tokenizer.ggml.model", "gpt2")
            .strings("tokenizer.ggml.tokens", tiny.tokens)
            .i32s("tokenizer.ggml.token_type", tiny.types)
            .strings("tokenizer.ggml.merges", {"a b"})
            .string("tokenizer.chat_template", "{{ messages[0].content }}")
            .u32("split.no", 0)
            .u32("split.count", 2)
            .write(first);
        GgufWriter().u32("split.no", 1).u32("split.count", 2).write(second);
        auto tokenizer = loadTokenizer(second);
        QVERIFY2(tokenizer.ok(), tokenizer.ok() ? "" : tokenizer.error().message.c_str());
        QCOMPARE((*tokenizer)->encode("ab<|end|>", false).value(), (std::vector<int32_t>{256, 257}));
        auto chatTemplate = loadChatTemplate(second);
        QVERIFY(chatTemplate.ok() && *chatTemplate);
        QCOMPARE((*chatTemplate)->render(json{{"messages", {{{"role", "user"}, {"content", "hi"}}}}}).value(),
                 std::string("hi"));
    }

    void streamedDeltasAreHuggingFacesDecodeStream_data() { idsAndDecodesMatchHuggingFace_data(); }
    void streamedDeltasAreHuggingFacesDecodeStream() {
        QFETCH(QString, fixture);
        QFETCH(QByteArray, truthJson);
        const Tokenizer& tokenizer = cachedTokenizer(ggufFile(fixture.toStdString()));
        const json truth = json::parse(truthJson.toStdString());
        DetokenizerOptions options;
        options.skipSpecialTokens = false;
        Detokenizer stream(tokenizer, {}, options);
        std::vector<std::string> deltas;
        for (int32_t id : idsOf(truth["ids_special"])) deltas.push_back(stream.push(id).value().text);
        QCOMPARE(deltas, truth["stream_special"].get<std::vector<std::string>>());
    }

    void chatTemplateRendersAsFromTokenizerConfig_data() {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QByteArray>("caseJson");
        const json cases = json::parse(readRegularFile(fs::path(PAGODA_SOURCE_DIR) / "tests/fixtures/chat_templates/cases.json").value());
        for (const char* name : {"qwen3", "llama3"})
            for (const json& c : cases["cases"])
                QTest::newRow(qPrintable(QString("%1/%2").arg(name, QString::fromStdString(c["name"].get<std::string>()))))
                    << QString(name) << QByteArray::fromStdString(c.dump());
    }
    void chatTemplateRendersAsFromTokenizerConfig() {
        QFETCH(QString, fixture);
        QFETCH(QByteArray, caseJson);
        const std::string name = fixture.toStdString();
        const json testCase = json::parse(caseJson.toStdString());
        auto fromGguf = loadChatTemplate(ggufFile(name));
        QVERIFY2(fromGguf.ok() && *fromGguf, fromGguf.ok() ? "no template" : fromGguf.error().message.c_str());
        auto fromConfig = loadChatTemplate(test::tokenizerFixturesDir() / name);
        QVERIFY(fromConfig.ok() && *fromConfig);
        QCOMPARE((*fromGguf)->source(), (*fromConfig)->source());

        nlohmann::ordered_json context;
        if (testCase.contains("kwargs"))
            for (const auto& [key, value] : testCase["kwargs"].items()) context[key] = value;
        context["messages"] = testCase["messages"];
        if (testCase.contains("tools")) context["tools"] = testCase["tools"];
        context["add_generation_prompt"] = testCase.value("add_generation_prompt", false);
        // Each with its own tokenizer's bos/eos: the GGUF's come from its vocabulary.
        const auto viaGguf = renderChat(**fromGguf, cachedTokenizer(ggufFile(name)), context);
        const auto viaConfig = renderChat(**fromConfig, cachedTokenizer(test::tokenizerFixturesDir() / name), context);
        QCOMPARE(viaGguf.ok(), viaConfig.ok());
        if (viaGguf.ok()) QCOMPARE(*viaGguf, *viaConfig);
    }

    void aFileWithoutTemplateHasNone() {
        auto loaded = loadChatTemplate(ggufFile("llama2"));  // Mistral's tokenizer_config.json has none
        QVERIFY(loaded.ok());
        QVERIFY(!*loaded);
    }

    void malformedMetadataIsAnErrorNamingKeyAndFile_data() {
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("expected");
        const auto& cases = malformedCases();
        for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name) << int(i) << QString(cases[i].expected);
    }
    void malformedMetadataIsAnErrorNamingKeyAndFile() {
        QFETCH(int, index);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "broken-model.gguf";
        malformedCases()[size_t(index)].write().write(file);
        const auto tokenizer = loadTokenizer(file);
        const auto chatTemplate = loadChatTemplate(file);
        const std::string message = !tokenizer.ok() ? tokenizer.error().message
                                    : !chatTemplate.ok() ? chatTemplate.error().message
                                                         : std::string("no error");
        QVERIFY2(message.find("broken-model.gguf") != std::string::npos, message.c_str());
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
    }

    void wellFormedTinyVocabularyLoads() {
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "tiny.gguf";
        const TinyGpt2 tiny;
        GgufWriter()
            .string("tokenizer.ggml.model", "gpt2")
            .string("tokenizer.ggml.pre", "qwen2")
            .strings("tokenizer.ggml.tokens", tiny.tokens)
            .i32s("tokenizer.ggml.token_type", tiny.types)
            .strings("tokenizer.ggml.merges", {"a b"})
            .u32("tokenizer.ggml.eos_token_id", 257)
            .write(file);
        auto tokenizer = loadTokenizer(file);
        QVERIFY2(tokenizer.ok(), tokenizer.ok() ? "" : tokenizer.error().message.c_str());
        QCOMPARE((*tokenizer)->encode("abc<|end|>", true).value(), (std::vector<int32_t>{256, int32_t('c'), 257}));
        QCOMPARE((*tokenizer)->specialTokens().eosToken, std::string("<|end|>"));
        QVERIFY((*tokenizer)->isSpecial(257));
    }

    // Random token types, merges, scores and special ids: an error or a working tokenizer,
    // never a crash.
    void randomVocabulariesLoadOrFailCleanly() {
        std::mt19937 rng(7);
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "random.gguf";
        std::vector<std::string> pieces = TinyGpt2().tokens;
        for (const char* extra : {"<unk>", "<s>", "\u2581", "\u2581a", "ab", "\u2581ab", "<0x41>", "a\u2581", "<0xZZ>"})
            pieces.push_back(extra);
        int loaded = 0;
        for (int n = 0; n < 300; ++n) {
            const bool llama = rng() % 2;
            std::vector<int32_t> types(pieces.size());
            std::vector<float> scores(pieces.size());
            for (size_t i = 0; i < pieces.size(); ++i) {
                types[i] = rng() % 100 ? 1 : 1 + int32_t(rng() % 6);
                scores[i] = -float(rng() % 50);
            }
            std::vector<std::string> merges = {"a b"};
            for (int m = int(rng() % 3); m > 0; --m)
                merges.push_back(pieces[rng() % pieces.size()] + " " + pieces[rng() % pieces.size()]);
            GgufWriter w;
            w.string("tokenizer.ggml.model", llama ? "llama" : "gpt2")
                .strings("tokenizer.ggml.tokens", pieces)
                .i32s("tokenizer.ggml.token_type", types)
                .u32("tokenizer.ggml.bos_token_id", rng() % pieces.size())
                .u32("tokenizer.ggml.eos_token_id", rng() % pieces.size())
                .boolean("tokenizer.ggml.add_eos_token", rng() % 2);
            if (llama) w.f32s("tokenizer.ggml.scores", scores);
            if (!llama || rng() % 2) w.strings("tokenizer.ggml.merges", merges);
            w.write(file);
            auto tokenizer = loadTokenizer(file);
            if (!tokenizer) {
                QVERIFY2(tokenizer.error().message.find("random.gguf") != std::string::npos, tokenizer.error().message.c_str());
                continue;
            }
            ++loaded;
            const auto ids = (*tokenizer)->encode(" ab <s>a\u00e9\u2581<|end|>xyz", true);
            QVERIFY(ids.ok());
            QVERIFY((*tokenizer)->decode(*ids, false).ok());
            QVERIFY((*tokenizer)->decode(*ids, true).ok());
        }
        QVERIFY(loaded > 20);  // the loop reaches encoding, not only errors
    }

    // Not a bound, a record: loading the 150k vocabulary from GGUF against tokenizer.json.
    void loadTimesAreReported() {
        for (const char* name : {"qwen3", "llama3"}) {
            auto time = [](const fs::path& path) {
                const auto start = std::chrono::steady_clock::now();
                auto t = loadTokenizer(path);
                if (!t) qFatal("%s", t.error().message.c_str());
                return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
            };
            const double json = time(test::tokenizerFixturesDir() / name);
            const double gguf = time(ggufFile(name));
            qInfo("%s: tokenizer.json %.0f ms, GGUF %.0f ms", name, json, gguf);
        }
    }

private:
    struct MalformedCase {
        const char* name;
        const char* expected;  // in the message besides the file name
        std::function<GgufWriter()> write;
    };

    static const std::vector<MalformedCase>& malformedCases() {
        static const std::vector<MalformedCase> cases = [] {
            const TinyGpt2 tiny;
            auto base = [tiny](const char* model = "gpt2") {
                GgufWriter w;
                w.string("tokenizer.ggml.model", model).strings("tokenizer.ggml.tokens", tiny.tokens);
                return w;
            };
            auto gpt2 = [base, tiny] {
                GgufWriter w = base();
                w.i32s("tokenizer.ggml.token_type", tiny.types).strings("tokenizer.ggml.merges", {"a b"});
                return w;
            };
            std::vector<int32_t> ints(tiny.tokens.size(), 1);
            return std::vector<MalformedCase>{
                {"no tokenizer", "no tokenizer.ggml.model",
                 [] { return GgufWriter().string("general.architecture", "qwen2"); }},
                {"tokens of the wrong type", "tokenizer.ggml.tokens: expected an array of strings, found an array of int32",
                 [ints] { return GgufWriter().string("tokenizer.ggml.model", "gpt2").i32s("tokenizer.ggml.tokens", ints); }},
                {"tokens a string", "tokenizer.ggml.tokens: expected an array of strings, found a string",
                 [] { return GgufWriter().string("tokenizer.ggml.model", "gpt2").string("tokenizer.ggml.tokens", "a"); }},
                {"no tokens", "tokenizer.ggml.tokens: missing",
                 [] { return GgufWriter().string("tokenizer.ggml.model", "gpt2"); }},
                {"merges missing for gpt2", "tokenizer.ggml.merges: missing", [base] { return base(); }},
                {"merge of unknown tokens", "tokenizer.ggml.merges[0]",
                 [base] { return base().strings("tokenizer.ggml.merges", {"zz qq"}); }},
                {"merge without a space", "tokenizer.ggml.merges[0]",
                 [base] { return base().strings("tokenizer.ggml.merges", {"ab"}); }},
                {"token_type length mismatch", "tokenizer.ggml.token_type: 3 entries for 258 tokens",
                 [base] { return base().i32s("tokenizer.ggml.token_type", {1, 1, 1}).strings("tokenizer.ggml.merges", {"a b"}); }},
                {"token_type out of range", "tokenizer.ggml.token_type: entry 0 is 9",
                 [base, ints] {
                     auto bad = ints;
                     bad[0] = 9;
                     return base().i32s("tokenizer.ggml.token_type", bad);
                 }},
                {"bos out of range", "tokenizer.ggml.bos_token_id: token id 258 is outside the vocabulary (0..257)",
                 [gpt2] { return gpt2().u32("tokenizer.ggml.bos_token_id", 258); }},
                {"eos out of range", "tokenizer.ggml.eos_token_id: token id 99999 is outside",
                 [gpt2] { return gpt2().u32("tokenizer.ggml.eos_token_id", 99999); }},
                {"eos a string", "tokenizer.ggml.eos_token_id: expected an integer token id, found a string",
                 [gpt2] { return gpt2().string("tokenizer.ggml.eos_token_id", "</s>"); }},
                {"add_bos not a bool", "tokenizer.ggml.add_bos_token: expected a bool",
                 [gpt2] { return gpt2().u32("tokenizer.ggml.add_bos_token", 1); }},
                {"unknown model", "tokenizer.ggml.model: tokenizer model 'bert' is not supported (supported: gpt2, llama)",
                 [base] { return base("bert"); }},
                {"unknown pre", "tokenizer.ggml.pre: pre-tokenizer 'mystery-bpe' is not supported (supported: qwen2,",
                 [gpt2] { return gpt2().string("tokenizer.ggml.pre", "mystery-bpe"); }},
                {"llama without scores", "tokenizer.ggml.scores: missing", [base] { return base("llama"); }},
                {"scores length mismatch", "tokenizer.ggml.scores: 2 entries for 258 tokens",
                 [base] { return base("llama").f32s("tokenizer.ggml.scores", {0, 0}); }},
                {"a score that is not a number", "tokenizer.ggml.scores: entry 1 is nan, not a finite score",
                 [base, tiny] {
                     std::vector<float> scores(tiny.tokens.size(), 0.0f);
                     scores[1] = std::numeric_limits<float>::quiet_NaN();
                     return base("llama").f32s("tokenizer.ggml.scores", scores);
                 }},
                {"scores of the wrong type", "tokenizer.ggml.scores: expected an array of floats, found an array of string",
                 [base] { return base("llama").strings("tokenizer.ggml.scores", {"0"}); }},
                {"chat template not a string", "tokenizer.chat_template: expected a string, found a uint32",
                 [gpt2] { return gpt2().u32("tokenizer.chat_template", 7); }},
                {"chat template that does not parse", "tokenizer.chat_template:1:",
                 [gpt2] { return gpt2().string("tokenizer.chat_template", "{% for %}"); }},
            };
        }();
        return cases;
    }
};

QTEST_APPLESS_MAIN(GgufTokenizerTest)
#include "gguf_tokenizer_test.moc"
