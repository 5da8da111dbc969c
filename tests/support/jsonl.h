// Reading the JSON-lines truth files the fixture scripts write.
#pragma once

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

namespace pagoda::test {

std::vector<nlohmann::json> readJsonLines(const std::filesystem::path& file);

// ../shared/fixtures beside the repository (real tokenizer files and chat templates).
std::filesystem::path sharedFixturesDir();

}  // namespace pagoda::test
