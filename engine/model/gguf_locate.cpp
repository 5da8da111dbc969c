#include "engine/model/gguf_locate.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fmt/std.h>

#include "engine/model/gguf_file.h"

namespace pagoda {

namespace fs = std::filesystem;

namespace {

// A split part NAME-0000k-of-0000N.gguf stands for its whole model, named by its first part.
std::string modelKey(const fs::path& file) {
    const std::vector<fs::path> parts = gguf::modelPartPaths(file);
    return (parts.empty() ? file : parts.front()).filename().string();
}

bool hasGgufExtension(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".gguf";
}

}  // namespace

Result<std::optional<fs::path>> locateGgufModel(const fs::path& modelPath) {
    std::error_code ec;
    if (!fs::is_directory(modelPath, ec)) {
        if (hasGgufExtension(modelPath)) return std::optional<fs::path>(modelPath);
        return std::optional<fs::path>();
    }
    // A safetensors checkpoint beside GGUF files (some repositories carry both) stays the model.
    if (fs::exists(modelPath / "model.safetensors", ec) || fs::exists(modelPath / "model.safetensors.index.json", ec))
        return std::optional<fs::path>();
    std::set<std::string> models;
    for (fs::directory_iterator it(modelPath, ec), end; !ec && it != end; it.increment(ec)) {
        if (!hasGgufExtension(it->path()) || !it->is_regular_file(ec)) continue;
        models.insert(modelKey(it->path()));
    }
    if (ec) return makeError(fmt::format("{}: cannot list the directory: {}", modelPath, ec.message()));
    if (models.empty()) return std::optional<fs::path>();
    if (models.size() > 1)
        return makeError(fmt::format("{} holds {} GGUF models ({}); name the one to load by its file path",
                                     modelPath, models.size(), fmt::join(models, ", ")));
    return std::optional<fs::path>(modelPath / *models.begin());
}

}  // namespace pagoda
