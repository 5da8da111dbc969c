// The GGUF container reader against files written by gguf-py (llama.cpp's own package:
// tests/tools/make_gguf_fixtures.py, which also records what gguf-py reads back in
// expected.json), and against every way the bytes of such a file can lie: each must be a
// clear error naming the file, never a crash or an allocation the file cannot back.
#include <QCryptographicHash>
#include <QtTest>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/common/mapped_file.h"
#include "engine/model/gguf_file.h"

using namespace pagoda;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const fs::path kFixtures = fs::path(PAGODA_SOURCE_DIR) / "tests/fixtures/gguf";

std::string sha256(const unsigned char* data, size_t size) {
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex().toStdString();
}

const char* typeName(gguf::TensorType type) { return gguf::tensorTypeTraits(uint32_t(type))->name; }

// A metadata value as expected.json writes it: {"type": ..., "value": ...} or an array.
bool sameValue(const gguf::Value& value, const json& expected) {
    if (expected["type"] == "array") {
        const gguf::Array* array = value.asArray();
        if (!array) return false;
        if (expected["items"].is_object()) return array->elementType == gguf::ValueType::Array &&
                                                  expected["items"]["nested"] == true;
        if (array->items.size() != expected["items"].size()) return false;
        for (size_t i = 0; i < array->items.size(); ++i)
            if (!sameValue(array->items[i], expected["items"][i])) return false;
        return true;
    }
    if (gguf::valueTypeName(value.type) != expected["type"].get<std::string>()) return false;
    const json& v = expected["value"];
    if (v.is_string()) return value.asString() && *value.asString() == v.get<std::string>();
    if (v.is_boolean()) return value.asBool() == v.get<bool>();
    if (v.is_number_unsigned() && value.type == gguf::ValueType::U64)
        return std::get<uint64_t>(value.data) == v.get<uint64_t>();
    if (v.is_number_integer()) return value.asInteger() == v.get<int64_t>();
    return value.asNumber() == v.get<double>();
}

class TempCopy {
public:
    explicit TempCopy(const std::string& bytes) {
        m_path = fs::path(m_dir.path().toStdString()) / "model.gguf";
        std::ofstream(m_path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    }
    const fs::path& path() const { return m_path; }

private:
    QTemporaryDir m_dir;
    fs::path m_path;
};

std::string fixtureBytes(const char* name) { return readRegularFile(kFixtures / name).value(); }

template <class T>
void poke(std::string& bytes, size_t at, T value) {
    std::memcpy(bytes.data() + at, &value, sizeof value);
}

// The byte offset of `needle` (a key or tensor name) in the file, just after its length.
size_t offsetOf(const std::string& bytes, const std::string& needle) {
    const size_t at = bytes.find(needle);
    if (at == std::string::npos) qFatal("%s not in the fixture", needle.c_str());
    return at;
}

}  // namespace

class GgufFileTest : public QObject {
    Q_OBJECT

private slots:
    // Everything gguf-py wrote and read back, the C++ reader reads the same: version,
    // alignment, every metadata entry with its type, every tensor's type, shape, offset,
    // size and bytes.
    void readsWhatGgufPyWrote_data() {
        QTest::addColumn<QString>("file");
        for (const char* name : {"every-type.gguf", "split-00001-of-00002.gguf", "split-00002-of-00002.gguf"})
            QTest::newRow(name) << name;
    }
    void readsWhatGgufPyWrote() {
        QFETCH(QString, file);
        const json expected = json::parse(readRegularFile(kFixtures / "expected.json").value())[file.toStdString()];
        auto read = gguf::File::open(kFixtures / file.toStdString());
        QVERIFY2(read.ok(), read.ok() ? "" : read.error().message.c_str());
        QCOMPARE(read->version(), expected["version"].get<uint32_t>());
        QCOMPARE(read->alignment(), expected["alignment"].get<uint64_t>());
        QCOMPARE(read->metadata().size(), expected["metadata"].size());
        for (const auto& [key, want] : expected["metadata"].items()) {
            const gguf::Value* value = read->find(key);
            QVERIFY2(value, key.c_str());
            QVERIFY2(sameValue(*value, want), (key + " differs from " + want.dump()).c_str());
        }
        QCOMPARE(read->tensors().size(), expected["tensors"].size());
        for (size_t i = 0; i < read->tensors().size(); ++i) {
            const gguf::TensorInfo& tensor = read->tensors()[i];
            const json& want = expected["tensors"][i];
            QCOMPARE(tensor.name, want["name"].get<std::string>());
            QCOMPARE(std::string(typeName(tensor.type)), want["type"].get<std::string>());
            QCOMPARE(tensor.dims, want["shape"].get<std::vector<uint64_t>>());
            QCOMPARE(tensor.offset, want["offset"].get<uint64_t>());
            QCOMPARE(tensor.bytes, want["bytes"].get<uint64_t>());
            QCOMPARE(sha256(read->data(tensor), size_t(tensor.bytes)), want["sha256"].get<std::string>());
        }
    }

    // gguf-py flattens nested arrays; what was written was [[1, 2], [3]].
    void nestedArraysKeepTheirShape() {
        auto read = gguf::File::open(kFixtures / "every-type.gguf");
        QVERIFY(read.ok());
        const gguf::Array* outer = read->find("test.array.nested")->asArray();
        QVERIFY(outer);
        QCOMPARE(outer->items.size(), size_t(2));
        QCOMPARE(outer->items[0].asArray()->items.size(), size_t(2));
        QCOMPARE(outer->items[0].asArray()->items[1].asInteger(), std::optional<int64_t>(2));
        QCOMPARE(outer->items[1].asArray()->items[0].asInteger(), std::optional<int64_t>(3));
    }

    void splitPartsAreFoundFromAnyOneAndChecked() {
        for (const char* part : {"split-00001-of-00002.gguf", "split-00002-of-00002.gguf"}) {
            auto files = gguf::openModelFiles(kFixtures / part);
            QVERIFY2(files.ok(), files.ok() ? "" : files.error().message.c_str());
            QCOMPARE(files->size(), size_t(2));
            QCOMPARE(files->at(1).tensors().front().name, std::string("c"));
        }
        QTemporaryDir dir;  // a part missing
        fs::copy_file(kFixtures / "split-00001-of-00002.gguf", fs::path(dir.path().toStdString()) / "split-00001-of-00002.gguf");
        auto missing = gguf::openModelFiles(fs::path(dir.path().toStdString()) / "split-00001-of-00002.gguf");
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().message.find("split-00002-of-00002.gguf") != std::string::npos, missing.error().message.c_str());
        // Parts in the wrong order: each file says which part it is.
        const fs::path swapped = fs::path(dir.path().toStdString());
        fs::copy_file(kFixtures / "split-00002-of-00002.gguf", swapped / "x-00001-of-00002.gguf");
        fs::copy_file(kFixtures / "split-00001-of-00002.gguf", swapped / "x-00002-of-00002.gguf");
        auto wrong = gguf::openModelFiles(swapped / "x-00002-of-00002.gguf");
        QVERIFY(!wrong.ok());
        QVERIFY2(wrong.error().message.find("do not say part 1 of 2") != std::string::npos, wrong.error().message.c_str());
    }

    // Every prefix of a valid file that cuts into its tensors is refused cleanly: a
    // truncated download. (Past the last tensor there is only padding.)
    void everyTruncationIsAnError() {
        const std::string bytes = fixtureBytes("every-type.gguf");
        const json expected = json::parse(readRegularFile(kFixtures / "expected.json").value())["every-type.gguf"];
        size_t dataEnd = 0;
        for (const json& t : expected["tensors"])
            dataEnd = std::max(dataEnd, t["offset"].get<size_t>() + t["bytes"].get<size_t>());
        QVERIFY(dataEnd > 0 && dataEnd <= bytes.size());
        for (size_t size = 0; size <= bytes.size(); ++size) {
            TempCopy copy(bytes.substr(0, size));
            auto read = gguf::File::open(copy.path());
            if (size < dataEnd)
                QVERIFY2(!read.ok(), qPrintable(QString("a file cut at %1 bytes was accepted").arg(size)));
            else if (!read.ok())
                QFAIL(qPrintable(QString("cut at %1 of %2 (padding only): %3")
                                     .arg(size)
                                     .arg(bytes.size())
                                     .arg(QString::fromStdString(read.error().message))));
        }
    }

    void liesInTheBytesAreNamed_data() {
        QTest::addColumn<std::function<void(std::string&)>>("corrupt");
        QTest::addColumn<QString>("message");
        using Corrupt = std::function<void(std::string&)>;
        QTest::newRow("magic") << Corrupt([](std::string& b) { b[0] = 'X'; }) << "not a GGUF file";
        QTest::newRow("version 1") << Corrupt([](std::string& b) { poke<uint32_t>(b, 4, 1); })
                                   << "GGUF version 1 is not supported";
        QTest::newRow("big-endian") << Corrupt([](std::string& b) { poke<uint32_t>(b, 4, 0x03000000); }) << "big-endian";
        QTest::newRow("tensor count") << Corrupt([](std::string& b) { poke<uint64_t>(b, 8, 1ull << 60); })
                                      << "claims 1152921504606846976 tensors";
        QTest::newRow("metadata count") << Corrupt([](std::string& b) { poke<uint64_t>(b, 16, ~0ull); })
                                        << "metadata entries, more than the file could hold";
        QTest::newRow("key length") << Corrupt([](std::string& b) { poke<uint64_t>(b, 24, 1ull << 40); })
                                    << "a metadata key runs past the end";
        QTest::newRow("value type") << Corrupt([](std::string& b) {
            const size_t key = offsetOf(b, "test.u8");
            poke<uint32_t>(b, key + 7, 13);
        }) << "metadata 'test.u8' has unknown value type 13";
        QTest::newRow("string length") << Corrupt([](std::string& b) {
            const size_t key = offsetOf(b, "test.string");
            poke<uint64_t>(b, key + 11 + 4, 1ull << 50);
        }) << "a string's length runs past the end";
        QTest::newRow("array length") << Corrupt([](std::string& b) {
            const size_t key = offsetOf(b, "test.array.i32");
            poke<uint64_t>(b, key + 14 + 4 + 4, 1ull << 62);
        }) << "an array claims 4611686018427387904 int32 values";
        QTest::newRow("array element type") << Corrupt([](std::string& b) {
            const size_t key = offsetOf(b, "test.array.i32");
            poke<uint32_t>(b, key + 14 + 4, 77);
        }) << "an array of unknown value type 77";
        QTest::newRow("bool") << Corrupt([](std::string& b) {
            const size_t key = offsetOf(b, "test.bool");
            b[key + 9 + 4] = 7;
        }) << "a bool value is 7";
        QTest::newRow("duplicate key") << Corrupt([](std::string& b) {
            const size_t key = offsetOf(b, "test.i8");
            b[key + 5] = 'u';  // "test.u8" again
        }) << "metadata 'test.u8' appears twice";
        QTest::newRow("alignment") << Corrupt([](std::string& b) {
            const size_t key = offsetOf(b, "general.alignment");
            poke<uint32_t>(b, key + 17 + 4, 48);
        }) << "general.alignment must be a uint32 power of two";
        // Tensor entries: name, n_dims, dims, type, offset.
        QTest::newRow("dimensions") << Corrupt([](std::string& b) {
            poke<uint32_t>(b, offsetOf(b, std::string("\x03\0\0\0\0\0\0\0f32", 11)) + 11, 9);
        }) << "tensor 'f32' has 9 dimensions";
        QTest::newRow("shape overflow") << Corrupt([](std::string& b) {
            poke<uint64_t>(b, offsetOf(b, std::string("\x03\0\0\0\0\0\0\0f32", 11)) + 15, 1ull << 62);
        }) << "tensor 'f32' has an impossible shape";
        QTest::newRow("tensor type") << Corrupt([](std::string& b) {
            poke<uint32_t>(b, offsetOf(b, std::string("\x03\0\0\0\0\0\0\0f32", 11)) + 15 + 16, 200);
        }) << "tensor 'f32' has unknown type 200";
        QTest::newRow("block multiple") << Corrupt([](std::string& b) {
            poke<uint32_t>(b, offsetOf(b, std::string("\x03\0\0\0\0\0\0\0f32", 11)) + 15 + 16, 8);
        }) << "tensor 'f32' (Q8_0) has rows of 5 elements, not a multiple of its block of 32";
        QTest::newRow("misaligned offset") << Corrupt([](std::string& b) {
            poke<uint64_t>(b, offsetOf(b, std::string("\x03\0\0\0\0\0\0\0f16", 11)) + 15 + 8 + 4, 65);
        }) << "tensor 'f16' starts at 65, not a multiple of the alignment 64";
        QTest::newRow("offset past the end") << Corrupt([](std::string& b) {
            poke<uint64_t>(b, offsetOf(b, std::string("\x03\0\0\0\0\0\0\0f16", 11)) + 15 + 8 + 4, 1ull << 40);
        }) << "tensor 'f16' (14 bytes at data offset 1099511627776) runs past the end";
        QTest::newRow("duplicate tensor") << Corrupt([](std::string& b) {
            b[offsetOf(b, std::string("\x03\0\0\0\0\0\0\0f16", 11)) + 9] = '3';
            b[offsetOf(b, std::string("\x03\0\0\0\0\0\0\0f36", 11)) + 10] = '2';  // "f32" again
        }) << "tensor 'f32' appears twice";
    }
    void liesInTheBytesAreNamed() {
        QFETCH(std::function<void(std::string&)>, corrupt);
        QFETCH(QString, message);
        std::string bytes = fixtureBytes("every-type.gguf");
        corrupt(bytes);
        TempCopy copy(bytes);
        auto read = gguf::File::open(copy.path());
        QVERIFY2(!read.ok(), "the corrupted file was accepted");
        QVERIFY2(read.error().message.find(message.toStdString()) != std::string::npos, read.error().message.c_str());
        QVERIFY2(read.error().message.find("model.gguf") != std::string::npos, "the error does not name the file");
    }

    // Random damage (a few bytes changed, cut or appended) is an error or a file whose every
    // tensor lies inside it: never a crash (the suite also runs under ASan and UBSan).
    void randomDamageIsAnErrorOrAConsistentFile() {
        const std::string original = fixtureBytes("every-type.gguf");
        std::mt19937 rng(20261207);
        int refused = 0, read = 0;
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "damaged.gguf";
        for (int round = 0; round < 3000; ++round) {
            std::string bytes = original;
            const int changes = 1 + int(rng() % 8);
            for (int c = 0; c < changes; ++c) bytes[rng() % bytes.size()] = char(rng());
            if (rng() % 4 == 0) bytes.resize(rng() % bytes.size());
            if (rng() % 8 == 0) bytes += std::string(rng() % 64, char(rng()));
            std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
            auto file = gguf::File::open(path);
            if (!file.ok()) {
                ++refused;
                QVERIFY(file.error().message.find("damaged.gguf") != std::string::npos);
                continue;
            }
            ++read;
            for (const gguf::TensorInfo& tensor : file->tensors())
                QVERIFY(tensor.offset <= bytes.size() && tensor.bytes <= bytes.size() - tensor.offset);
        }
        qInfo("3000 damaged files: %d refused, %d read (damage in values only)", refused, read);
        QVERIFY(refused > 0 && read > 0);
    }

    void everyTypeIdHasItsBlockLayout() {
        // The supported set of issue 18, and ggml's other types named rather than misread.
        for (const char* name : {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K",
                                 "Q5_K", "Q6_K"}) {
            bool found = false;
            for (uint32_t id = 0; id < 64; ++id)
                if (auto t = gguf::tensorTypeTraits(id); t && std::string(t->name) == name) found = t->supported();
            QVERIFY2(found, name);
        }
        QVERIFY(!gguf::tensorTypeTraits(16)->supported());  // IQ2_XXS
        QVERIFY(!gguf::tensorTypeTraits(31).has_value());  // no such type
    }
};

QTEST_GUILESS_MAIN(GgufFileTest)
#include "gguf_file_test.moc"
