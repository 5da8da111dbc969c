// Reading the JSON-lines truth files the fixture scripts write.
#pragma once

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

namespace pagoda::test {

std::vector<nlohmann::json> readJsonLines(const std::filesystem::path& file);

}  // namespace pagoda::test
