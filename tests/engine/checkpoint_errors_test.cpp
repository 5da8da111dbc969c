// Damaged model directories: every one must fail to load with a message that names the
// file, the tensor or key, and what was found against what was expected; none may crash.
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/model/model.h"
#include "engine/model/safetensors.h"
#include "engine/sampling/sampling_params.h"
#include "tests/support/model_fixture.h"

using namespace pagoda;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSingle = "qwen2-tied-f32";            // one model.safetensors
constexpr const char* kSharded = "qwen3-gqa7-bf16-sharded";  // index + 3 shards
constexpr const char* kShard1 = "model-00001-of-00003.safetensors";
constexpr const char* kShard2 = "model-00002-of-00003.safetensors";
constexpr const char* kShard3 = "model-00003-of-00003.safetensors";
constexpr const char* kIndex = "model.safetensors.index.json";

struct TensorBytes {
    std::string dtype;
    std::vector<int64_t> shape;
    std::string data;
};
using Tensors = std::map<std::string, TensorBytes>;

void writeFile(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

uint64_t headerLength(const std::string& fileBytes) {
    uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | uint8_t(fileBytes[size_t(i)]);
    return n;
}

// A safetensors file as laid out on disk: 8-byte little-endian header length, header, data.
std::string safetensorsBytes(const std::string& header, const std::string& data, uint64_t headerLength) {
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[size_t(i)] = char((headerLength >> (8 * i)) & 0xff);
    return bytes + header + data;
}

void writeSafetensors(const fs::path& path, const std::string& header, const std::string& data = {}) {
    writeFile(path, safetensorsBytes(header, data, header.size()));
}

void writeSafetensors(const fs::path& path, const Tensors& tensors) {
    json header = json::object();
    std::string data;
    for (const auto& [name, t] : tensors) {
        const size_t begin = data.size(), end = begin + t.data.size();
        header[name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {begin, end}}};
        data += t.data;
    }
    writeSafetensors(path, header.dump(), data);
}

Tensors readTensors(const fs::path& path) {
    auto file = SafetensorsFile::open(path);
    if (!file) qFatal("%s", file.error().message.c_str());
    Tensors out;
    for (const auto& [name, t] : file->tensors())
        out[name] = {t.dtypeName, t.shape, std::string(reinterpret_cast<const char*>(t.data), t.byteSize)};
    return out;
}

// Reads, changes and writes back one safetensors file.
void rewrite(const fs::path& path, const std::function<void(Tensors&)>& change) {
    Tensors tensors = readTensors(path);
    change(tensors);
    writeSafetensors(path, tensors);
}

void editJson(const fs::path& path, const std::function<void(json&)>& change) {
    json j = json::parse(readFile(path));
    change(j);
    writeFile(path, j.dump(2));
}

// Empty when `result` is an error whose message contains every part; else what is wrong.
template <class T>
QString errorProblem(const Result<T>& result, std::initializer_list<std::string_view> parts) {
    if (result.ok()) return "loaded successfully, but an error was expected";
    const std::string& message = result.error().message;
    for (std::string_view part : parts)
        if (message.find(part) == std::string::npos)
            return QString("message lacks \"%1\": %2")
                .arg(QString::fromUtf8(part.data(), qsizetype(part.size())), QString::fromStdString(message));
    return {};
}

#define VERIFY_ERROR(result, ...)                                           \
    do {                                                                    \
        const QString problem_ = errorProblem((result), {__VA_ARGS__});     \
        QVERIFY2(problem_.isEmpty(), qPrintable(problem_));                 \
    } while (false)

}  // namespace

class CheckpointErrorsTest : public QObject {
    Q_OBJECT

private slots:
    void init() {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
    }
    void cleanup() { m_tmp.reset(); }

    void goodFixtureStillLoads() {
        // The copies, and a single file passed through this suite's own writer, load unchanged.
        const fs::path single = copyFixture(kSingle);
        rewrite(single / "model.safetensors", [](Tensors&) {});
        auto model = loadModel(single);
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
        auto sharded = loadModel(copyFixture(kSharded));
        QVERIFY2(sharded.ok(), sharded.ok() ? "" : sharded.error().message.c_str());
    }

    // ---- config.json

    void unknownArchitectureListsSupportedOnes() {
        const fs::path dir = copyFixture(kSingle);
        editJson(dir / "config.json", [](json& c) { c["architectures"] = {"MistralForCausalLM"}; });
        VERIFY_ERROR(loadModel(dir), (dir / "config.json").string(), "MistralForCausalLM", "not supported",
                     "Qwen2ForCausalLM", "LlamaForCausalLM", "ChatGLMModel");
    }

    void missingConfigJson() {
        const fs::path dir = copyFixture(kSingle);
        fs::remove(dir / "config.json");
        VERIFY_ERROR(loadModel(dir), (dir / "config.json").string(), "not found");
    }

    // A FIFO named like a model file hung the loader in open(), waiting for a writer.
    void filesThatAreNotRegularFilesAreRefusedWithoutWaiting_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("weights") << "model.safetensors";
        QTest::newRow("config") << "config.json";
        QTest::newRow("generation config") << "generation_config.json";
    }
    void filesThatAreNotRegularFilesAreRefusedWithoutWaiting() {
        QFETCH(QString, file);
        const fs::path dir = copyFixture(kSingle);
        const fs::path fifo = dir / file.toStdString();
        fs::remove(fifo);
        QCOMPARE(mkfifo(fifo.c_str(), 0600), 0);
        if (file == "generation_config.json") {
            VERIFY_ERROR(samplingDefaults(dir), fifo.string(), "is not a regular file");
        } else {
            VERIFY_ERROR(loadModel(dir), fifo.string(), "is not a regular file");
        }
    }

    void configJsonNotJson() {
        const fs::path dir = copyFixture(kSingle);
        writeFile(dir / "config.json", "{\"architectures\": [\"Qwen2ForCausalLM\"],");
        VERIFY_ERROR(loadModel(dir), (dir / "config.json").string(), "not valid JSON");
    }

    void configMissingRequiredKey() {
        const fs::path dir = copyFixture(kSingle);
        editJson(dir / "config.json", [](json& c) { c.erase("intermediate_size"); });
        VERIFY_ERROR(loadModel(dir), (dir / "config.json").string(), "missing required key", "'intermediate_size'");
    }

    void headsNotDivisibleByKvHeads() {
        const fs::path dir = copyFixture(kSingle);
        editJson(dir / "config.json", [](json& c) { c["num_key_value_heads"] = 3; });
        VERIFY_ERROR(loadModel(dir), (dir / "config.json").string(), "4 attention heads", "3 key/value heads");
    }

    // Sizes beyond any real model are refused before anything is allocated from them (10
    // million layers used to end in std::bad_alloc, a million in 3.3 GB and then an error).
    void configValuesOutOfRangeAreRefusedBeforeAnythingIsSized_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("10 million layers") << "num_hidden_layers" << 1e7 << "number of layers 10000000 is beyond";
        QTest::newRow("a million layers") << "num_hidden_layers" << 1e6 << "number of layers 1000000 is beyond";
        QTest::newRow("huge hidden size") << "hidden_size" << 2e9 << "hidden size 2000000000 is beyond";
        QTest::newRow("huge vocabulary") << "vocab_size" << 1e9 << "vocab size 1000000000 is beyond";
        QTest::newRow("huge context") << "max_position_embeddings" << 2e9 << "max_position_embeddings";
        QTest::newRow("negative epsilon") << "rms_norm_eps" << -1e-6 << "epsilon must be between 0 and 1";
        QTest::newRow("zero epsilon") << "rms_norm_eps" << 0.0 << "epsilon must be between 0 and 1";
    }
    void configValuesOutOfRangeAreRefusedBeforeAnythingIsSized() {
        QFETCH(QString, key);
        QFETCH(double, value);
        QFETCH(QString, expected);
        const fs::path dir = copyFixture(kSingle);
        editJson(dir / "config.json", [&](json& c) {
            if (value == double(int64_t(value)) && key != "rms_norm_eps")
                c[key.toStdString()] = int64_t(value);
            else
                c[key.toStdString()] = value;
        });
        VERIFY_ERROR(loadModel(dir), (dir / "config.json").string(), expected.toStdString());
    }

    void unsupportedRopeScalingType() {
        const fs::path dir = copyFixture(kSingle);
        editJson(dir / "config.json", [](json& c) { c["rope_scaling"] = {{"type", "yarn"}, {"factor", 4.0}}; });
        VERIFY_ERROR(loadModel(dir), (dir / "config.json").string(), "'yarn'", "not supported", "default", "llama3");
    }

    // ---- tensors against the config

    void missingTensorNamesItAndExpectedShape() {
        const fs::path dir = copyFixture(kSingle);
        rewrite(dir / "model.safetensors", [](Tensors& t) { t.erase("model.layers.1.mlp.down_proj.weight"); });
        VERIFY_ERROR(loadModel(dir), dir.string(), "Qwen2ForCausalLM", "missing tensor",
                     "'model.layers.1.mlp.down_proj.weight'", "[64, 128]");
    }

    void unexpectedTensorIsNamed() {
        const fs::path dir = copyFixture(kSingle);
        rewrite(dir / "model.safetensors",
                [](Tensors& t) { t["model.layers.7.foo.weight"] = {"F32", {2}, std::string(8, '\0')}; });
        VERIFY_ERROR(loadModel(dir), (dir / "model.safetensors").string(), "unexpected tensor",
                     "model.layers.7.foo.weight", "2 layers");
    }

    void wrongShapeNamesFileTensorAndBothShapes() {
        const fs::path dir = copyFixture(kSingle);
        rewrite(dir / "model.safetensors",
                [](Tensors& t) { t["model.layers.0.mlp.up_proj.weight"].shape = {64, 128}; });
        VERIFY_ERROR(loadModel(dir), (dir / "model.safetensors").string(), "'model.layers.0.mlp.up_proj.weight'",
                     "has shape [64, 128]", "implies [128, 64]");
    }

    void unsupportedDtypeForNeededTensor() {
        const fs::path dir = copyFixture(kSingle);
        rewrite(dir / "model.safetensors", [](Tensors& t) {
            t["model.norm.weight"] = {"I8", {64}, std::string(64, '\1')};  // right shape, I8-sized data
        });
        VERIFY_ERROR(loadModel(dir), (dir / "model.safetensors").string(), "'model.norm.weight'", "I8", "F32", "F16",
                     "BF16");
    }

    // ---- the safetensors container

    void truncatedFile() {
        const fs::path original = test::modelFixturesDir() / kSingle / "model.safetensors";
        const std::string bytes = readFile(original);
        const size_t dataStart = 8 + size_t(headerLength(bytes));
        // A download cut early, half way and near the end of the data.
        for (const double fraction : {0.01, 0.5, 0.99}) {
            const fs::path dir = copyFixture(kSingle, "-cut-" + std::to_string(int(fraction * 100)));
            const size_t keep = dataStart + size_t(double(bytes.size() - dataStart) * fraction);
            writeFile(dir / "model.safetensors", bytes.substr(0, keep));
            VERIFY_ERROR(loadModel(dir), (dir / "model.safetensors").string(), "run past the end of the data",
                         "truncated");
        }
    }

    void fileShorterThanHeaderLengthField() {
        writeFile(file(), std::string("\x10\0\0\0\0", 5));
        VERIFY_ERROR(SafetensorsFile::open(file()), file().string(), "file is 5 bytes", "8-byte header length");
    }

    void headerLengthPastEndOfFile() {
        writeFile(file(), safetensorsBytes("{}", "", 1000));
        VERIFY_ERROR(SafetensorsFile::open(file()), file().string(), "header length 1000", "past the end",
                     "10 bytes", "truncated");
    }

    void headerLengthAbsurdlyLarge() {
        writeFile(file(), safetensorsBytes("{}", "", uint64_t(1) << 60));
        VERIFY_ERROR(SafetensorsFile::open(file()), file().string(), "header length 1152921504606846976",
                     "implausibly large");
    }

    void headerNotUtf8() {
        writeSafetensors(file(), "{\"__metadata__\": {\"note\": \"caf\xff\"}}");
        VERIFY_ERROR(SafetensorsFile::open(file()), file().string(), "not valid UTF-8", "byte 30");
    }

    void headerNotJson() {
        writeSafetensors(file(), "{\"a\": {\"dtype\": \"F32\",");
        VERIFY_ERROR(SafetensorsFile::open(file()), file().string(), "header is not valid JSON");
    }

    void headerNotAnObject() {
        writeSafetensors(file(), "[]");
        VERIFY_ERROR(SafetensorsFile::open(file()), file().string(), "header is not a JSON object");
    }

    void dataOffsetsOutOfRange() {
        writeSafetensors(file(), R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}})",
                         std::string(16, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(file()), file().string(), "tensor 'w'", "[8, 24]", "past the end",
                     "16 bytes");
    }

    void dataOffsetsReversed() {
        writeSafetensors(file(), R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [16, 0]}})",
                         std::string(16, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(file()), file().string(), "tensor 'w'", "[16, 0]", "end before");
    }

    void overlappingDataOffsets() {
        writeSafetensors(file(),
                         R"({"first": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},)"
                         R"( "second": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}})",
                         std::string(24, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(file()), file().string(), "'first'", "'second'", "overlap");
    }

    void sizeMismatchBetweenShapeAndOffsets() {
        writeSafetensors(file(), R"({"w": {"dtype": "BF16", "shape": [2, 3], "data_offsets": [0, 16]}})",
                         std::string(16, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(file()), file().string(), "tensor 'w'", "cover 16 bytes", "[2, 3]",
                     "BF16", "needs 12");
    }

    void shapeTooLargeForDataDoesNotOverflow() {
        // 2^32 * 2^32 elements would wrap to 0 in 64 bits and "match" empty offsets.
        writeSafetensors(file(),
                         R"({"w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}})",
                         std::string(16, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(file()), file().string(), "tensor 'w'", "[4294967296,4294967296]",
                     "larger than the data", "16 bytes");
    }

    void unknownDtypeString() {
        writeSafetensors(file(), R"({"w": {"dtype": "Q4", "shape": [4], "data_offsets": [0, 2]}})",
                         std::string(2, '\0'));
        VERIFY_ERROR(SafetensorsFile::open(file()), file().string(), "tensor 'w'", "unknown dtype 'Q4'");
    }

    void emptyFileIsRejected() {
        const fs::path dir = copyFixture(kSingle);
        writeFile(dir / "model.safetensors", "");
        VERIFY_ERROR(loadModel(dir), (dir / "model.safetensors").string(), "0 bytes");
    }

    // ---- sharded checkpoints

    void shardedIndexPointsAtMissingFile() {
        const fs::path dir = copyFixture(kSharded);
        fs::remove(dir / kShard2);
        VERIFY_ERROR(loadModel(dir), (dir / kShard2).string(), "No such file");
    }

    void shardedIndexListsTensorNotInShard() {
        const fs::path dir = copyFixture(kSharded);
        editJson(dir / kIndex, [](json& j) { j["weight_map"]["model.norm.weight"] = kShard1; });
        VERIFY_ERROR(loadModel(dir), (dir / kIndex).string(), "'model.norm.weight'", kShard1, "does not contain it");
    }

    void shardedIndexEscapesDirectory() {
        const fs::path dir = copyFixture(kSharded);
        fs::copy_file(dir / kShard3, scratch() / "x.safetensors");  // a real file is waiting outside
        editJson(dir / kIndex, [](json& j) { j["weight_map"]["model.norm.weight"] = "../x.safetensors"; });
        VERIFY_ERROR(loadModel(dir), (dir / kIndex).string(), "'model.norm.weight'", "../x.safetensors",
                     "model directory");
    }

    void duplicateTensorAcrossShards() {
        const fs::path dir = copyFixture(kSharded);
        const TensorBytes norm = readTensors(dir / kShard3).at("model.norm.weight");
        rewrite(dir / kShard1, [&](Tensors& t) { t["model.norm.weight"] = norm; });
        VERIFY_ERROR(loadModel(dir), "'model.norm.weight'", "appears in both", (dir / kShard1).string(),
                     (dir / kShard3).string());
    }

    // ---- directories without a usable checkpoint

    void pytorchBinOnlyDirectoryIsExplained() {
        const fs::path dir = copyFixture(kSingle);
        fs::remove(dir / "model.safetensors");
        writeFile(dir / "pytorch_model.bin", "PK\3\4 not really a zip");
        VERIFY_ERROR(loadModel(dir), dir.string(), "PyTorch .bin", "safetensors only");
    }

    void configWithoutWeightsNamesBothLayouts() {
        const fs::path dir = copyFixture(kSingle);
        fs::remove(dir / "model.safetensors");
        VERIFY_ERROR(loadModel(dir), dir.string(), "model.safetensors", kIndex);
    }

    void emptyDirectory() {
        const fs::path dir = scratch() / "empty";
        fs::create_directory(dir);
        VERIFY_ERROR(loadModel(dir), (dir / "config.json").string(), "not found");
    }

private:
    fs::path scratch() const { return fs::path(m_tmp->path().toStdString()); }
    fs::path file() const { return scratch() / "model.safetensors"; }

    fs::path copyFixture(const char* name, const std::string& suffix = {}) const {
        const fs::path dir = scratch() / (name + suffix);
        fs::copy(test::modelFixturesDir() / name, dir, fs::copy_options::recursive);
        return dir;
    }

    std::unique_ptr<QTemporaryDir> m_tmp;  // a fresh one for every test
};

QTEST_APPLESS_MAIN(CheckpointErrorsTest)
#include "checkpoint_errors_test.moc"
