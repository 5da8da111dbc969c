// Tokenizers against Hugging Face tokenizers (ids, decodes, streams) on a corpus built to
// break them, plus SentencePiece and tiktoken files and malformed input.
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <random>

#include "engine/common/utf8.h"
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

// Where each tokenizer's files live and where its truth is.
struct TokenizerCase {
    const char* name;
    fs::path dir;
    fs::path truth;
};

std::vector<TokenizerCase> hfTokenizers() {
    const fs::path dir = test::tokenizerFixturesDir();
    return {{"qwen3", dir / "qwen3", dir / "expected/qwen3.jsonl"},
            {"llama3", dir / "llama3", dir / "expected/llama3.jsonl"},
            {"llama2", dir / "llama2", dir / "expected/llama2.jsonl"}};
}

const std::map<std::string, std::string>& corpus() {
    static const std::map<std::string, std::string> texts = [] {
        std::map<std::string, std::string> m;
        for (const json& row : test::readJsonLines(test::tokenizerFixturesDir() / "corpus.jsonl"))
            m[row.at("name").get<std::string>()] = row.at("text").get<std::string>();
        return m;
    }();
    return texts;
}

}  // namespace

class TokenizerTest : public QObject {
    Q_OBJECT

private slots:
    void idsAndDecodesMatchHuggingFace_data() { truthRows(); }
    void idsAndDecodesMatchHuggingFace() {
        QFETCH(QString, tokenizerDir);
        QFETCH(QString, caseName);
        QFETCH(QByteArray, truthJson);
        const Tokenizer& tokenizer = cachedTokenizer(tokenizerDir.toStdString());
        const json truth = json::parse(truthJson.toStdString());
        const std::string& text = corpus().at(caseName.toStdString());

        const auto ids = tokenizer.encode(text, false);
        QVERIFY2(ids.ok(), ids.ok() ? "" : ids.error().message.c_str());
        QCOMPARE(show(*ids), show(idsOf(truth["ids"])));
        const auto withSpecial = tokenizer.encode(text, true);
        QVERIFY(withSpecial.ok());
        QCOMPARE(show(*withSpecial), show(idsOf(truth["ids_special"])));

        QCOMPARE(tokenizer.decode(*ids, false).value(), truth["decode"].get<std::string>());
        QCOMPARE(tokenizer.decode(*ids, true).value(), truth["decode_skip"].get<std::string>());
        QCOMPARE(tokenizer.decode(*withSpecial, false).value(), truth["decode_special"].get<std::string>());
        QCOMPARE(tokenizer.decode(*withSpecial, true).value(), truth["decode_special_skip"].get<std::string>());
    }

    void streamedDeltasConcatenateToTheFullDecode_data() { truthRows(); }
    void streamedDeltasConcatenateToTheFullDecode() {
        QFETCH(QString, tokenizerDir);
        QFETCH(QByteArray, truthJson);
        const Tokenizer& tokenizer = cachedTokenizer(tokenizerDir.toStdString());
        const json truth = json::parse(truthJson.toStdString());
        const auto ids = idsOf(truth["ids_special"]);

        DetokenizerOptions options;
        options.skipSpecialTokens = false;
        Detokenizer stream(tokenizer, {}, options);
        std::string concatenated;
        std::vector<std::string> deltas;
        for (int32_t id : ids) {
            auto delta = stream.push(id);
            QVERIFY(delta.ok());
            QVERIFY2(!firstInvalidUtf8Byte(delta->text), "a delta split a UTF-8 character");
            concatenated += delta->text;
            deltas.push_back(delta->text);
        }
        // Token for token the same deltas as HF tokenizers' DecodeStream.
        QCOMPARE(deltas, truth["stream_special"].get<std::vector<std::string>>());
        const std::string tail = stream.finish().text;
        QVERIFY(!firstInvalidUtf8Byte(tail));
        concatenated += tail;
        QCOMPARE(concatenated, tokenizer.decode(ids, false).value());
    }

    void decodeOfEncodeRestoresNormalizedText() {
        // Thousands of random strings from scripts that stress BPE and UTF-8 handling.
        const std::vector<std::pair<char32_t, char32_t>> ranges = {
            {0x20, 0x7e},     {0x09, 0x0d},     {0xa0, 0x24f},   {0x300, 0x36f},  {0x400, 0x4ff},
            {0x600, 0x6ff},   {0x900, 0x97f},   {0x1100, 0x11ff}, {0x3040, 0x30ff}, {0x4e00, 0x9fff},
            {0xac00, 0xd7a3}, {0x1f300, 0x1faff}, {0x200b, 0x200d}, {0x1f3fb, 0x1f3ff}};
        std::mt19937 rng(20261122);
        for (const auto& c : hfTokenizers()) {
            const Tokenizer& tokenizer = cachedTokenizer(c.dir);
            const bool nfc = std::string(c.name) == "qwen3";  // its normalizer is NFC
            for (int n = 0; n < 1500; ++n) {
                std::string text;
                const int length = 1 + int(rng() % 24);
                for (int i = 0; i < length; ++i) {
                    const auto& [lo, hi] = ranges[rng() % ranges.size()];
                    appendUtf8(text, lo + char32_t(rng() % (hi - lo + 1)));
                }
                const auto ids = tokenizer.encode(text, false);
                QVERIFY(ids.ok());
                const std::string expected = nfc ? normalizeUnicode(text, NormalForm::NFC) : text;
                const std::string decoded = tokenizer.decode(*ids, false).value();
                if (decoded != expected)
                    QFAIL(qPrintable(QString("%1: round trip of %2 gave %3").arg(c.name, QString::fromStdString(text),
                                                                               QString::fromStdString(decoded))));
            }
        }
    }

    void sentencePieceModelMatchesSentencePiece() {
        const fs::path dir = test::tokenizerFixturesDir() / "sentencepiece";
        const Tokenizer& tokenizer = cachedTokenizer(dir);
        int checked = 0;
        for (const json& row : test::readJsonLines(dir / "expected.jsonl")) {
            const std::string& text = corpus().at(row["name"].get<std::string>());
            QCOMPARE(show(tokenizer.encode(text, false).value()), show(idsOf(row["ids"])));
            QCOMPARE(show(tokenizer.encode(text, true).value()), show(idsOf(row["ids_special"])));
            QCOMPARE(tokenizer.decode(idsOf(row["ids"]), false).value(), row["decode"].get<std::string>());
            ++checked;
        }
        QVERIFY(checked > 100);
    }

    void tiktokenFileMatchesTiktoken() {
        const fs::path dir = test::tokenizerFixturesDir() / "tiktoken_glm4";
        const Tokenizer& tokenizer = cachedTokenizer(dir);
        int checked = 0;
        for (const json& row : test::readJsonLines(dir / "expected.jsonl")) {
            const std::string& text = corpus().at(row["name"].get<std::string>());
            QCOMPARE(show(tokenizer.encode(text, false).value()), show(idsOf(row["ids"])));
            QCOMPARE(tokenizer.decode(idsOf(row["ids"]), false).value(), row["decode"].get<std::string>());
            ++checked;
        }
        QVERIFY(checked > 100);
        QCOMPARE(tokenizer.tokenToId("<|user|>").value(), 151336 - 151329 + int32_t(tokenizer.vocabSize()) - 14);
    }

private:
    void truthRows() {
        QTest::addColumn<QString>("tokenizerDir");
        QTest::addColumn<QString>("caseName");
        QTest::addColumn<QByteArray>("truthJson");
        for (const auto& c : hfTokenizers())
            for (const json& row : test::readJsonLines(c.truth)) {
                const std::string name = row["name"].get<std::string>();
                QTest::newRow(qPrintable(QString("%1/%2").arg(c.name, QString::fromStdString(name))))
                    << QString::fromStdString(c.dir.string()) << QString::fromStdString(name)
                    << QByteArray::fromStdString(row.dump());
            }
    }
};

QTEST_APPLESS_MAIN(TokenizerTest)
#include "tokenizer_test.moc"
