// Access to the committed truth fixtures (tests/fixtures/models/<name>): the model, and
// what transformers computed for it (tests/tools/make_model_fixtures.py).
#pragma once

#include <QString>
#include <QStringList>

#include <filesystem>
#include <vector>

namespace pagoda::test {

std::filesystem::path modelFixturesDir();
// tests/fixtures/tokenizers: the real Qwen3, Llama 3 and Llama 2 tokenizers (qwen3/, llama3/,
// llama2/, copied in with their origin in README.md), small trained ones, and HF's truth for all.
std::filesystem::path tokenizerFixturesDir();
QStringList modelFixtureNames();

struct Truth {
    std::string architecture;
    std::string dtype;  // "float32", "bfloat16", "float16"
    std::vector<int32_t> promptIds;
    std::vector<int32_t> greedyIdsF32;
    std::vector<int32_t> greedyIdsNative;
    std::vector<int> expectedEosIds;
    int vocabSize = 0;
    std::vector<float> logitsF32;     // [prompt, vocab]: the checkpoint upcast to f32
    std::vector<float> logitsNative;  // [prompt, vocab]: run in the checkpoint's own dtype
};

// Reads truth.json and truth.safetensors; aborts the test with QFAIL-style message on error.
Truth loadTruth(const std::filesystem::path& fixtureDir);

// Largest |a - b| over two equally long ranges.
float maxAbsDiff(const float* a, const float* b, size_t n);

}  // namespace pagoda::test
