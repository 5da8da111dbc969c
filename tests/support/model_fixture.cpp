#include "tests/support/model_fixture.h"

#include <QDir>

#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "engine/model/safetensors.h"

namespace pagoda::test {

std::filesystem::path modelFixturesDir() { return std::filesystem::path(PAGODA_SOURCE_DIR) / "tests/fixtures/models"; }
std::filesystem::path tokenizerFixturesDir() {
    return std::filesystem::path(PAGODA_SOURCE_DIR) / "tests/fixtures/tokenizers";
}

QStringList modelFixtureNames() {
    return QDir(QString::fromStdString(modelFixturesDir().string())).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
}

namespace {

std::vector<float> readLogits(const SafetensorsFile& file, const std::string& name) {
    const SafetensorsTensor* t = file.find(name);
    if (!t || t->dtype != DType::F32 || t->shape.size() != 2) throw std::runtime_error("truth: bad tensor " + name);
    std::vector<float> out(t->byteSize / sizeof(float));
    std::memcpy(out.data(), t->data, t->byteSize);
    return out;
}

}  // namespace

Truth loadTruth(const std::filesystem::path& dir) {
    std::ifstream in(dir / "truth.json");
    const nlohmann::json j = nlohmann::json::parse(in);
    Truth truth;
    truth.architecture = j.at("architecture").get<std::string>();
    truth.dtype = j.at("dtype").get<std::string>();
    truth.promptIds = j.at("prompt_ids").get<std::vector<int32_t>>();
    truth.greedyIdsF32 = j.at("greedy_ids_f32").get<std::vector<int32_t>>();
    truth.greedyIdsNative = j.at("greedy_ids_native").get<std::vector<int32_t>>();
    truth.expectedEosIds = j.at("expected_eos_ids").get<std::vector<int>>();
    auto file = SafetensorsFile::open(dir / "truth.safetensors");
    if (!file) throw std::runtime_error(file.error().message);
    truth.logitsF32 = readLogits(*file, "logits_f32");
    truth.logitsNative = readLogits(*file, "logits_native");
    truth.vocabSize = int(file->find("logits_f32")->shape[1]);
    return truth;
}

float maxAbsDiff(const float* a, const float* b, size_t n) {
    float worst = 0.0f;
    for (size_t i = 0; i < n; ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
    return worst;
}

}  // namespace pagoda::test
