#include "tests/support/chat_model_dir.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/support/model_fixture.h"

namespace pagoda::test {

std::filesystem::path makeChatModelDir(const std::filesystem::path& dir, const char* fixtureModel) {
    namespace fs = std::filesystem;
    // Everything but the truth files: config, generation config, and the weights (one file or shards + index).
    for (const auto& entry : fs::directory_iterator(modelFixturesDir() / fixtureModel))
        if (entry.path().filename().string().rfind("truth", 0) != 0) fs::copy_file(entry.path(), dir / entry.path().filename());
    const fs::path tokenizerDir = tokenizerFixturesDir() / "sentencepiece";
    fs::copy_file(tokenizerDir / "tokenizer.model", dir / "tokenizer.model");
    auto config = nlohmann::json::parse(std::ifstream(tokenizerDir / "tokenizer_config.json"));
    config["chat_template"] =
        "{% for m in messages %}{{ bos_token if loop.first }}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}[assistant] {% endif %}";
    std::ofstream(dir / "tokenizer_config.json") << config.dump();
    return dir;
}

}  // namespace pagoda::test
