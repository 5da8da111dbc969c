#include "tests/support/jsonl.h"

#include <fstream>
#include <stdexcept>

namespace pagoda::test {

std::vector<nlohmann::json> readJsonLines(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + file.string());
    std::vector<nlohmann::json> rows;
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
    return rows;
}

}  // namespace pagoda::test
