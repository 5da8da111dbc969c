#include "engine/model/checkpoint.h"

#include <set>

#include <fmt/format.h>
#include <fmt/std.h>
#include <nlohmann/json.hpp>

#include "engine/common/mapped_file.h"

namespace pagoda {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kSingleFile = "model.safetensors";
constexpr const char* kIndexFile = "model.safetensors.index.json";

// A shard name must stay inside the model directory.
bool isPlainFileName(const std::string& name) {
    const fs::path p(name);
    return !name.empty() && p.filename() == p && name != "." && name != "..";
}

}  // namespace

Status Checkpoint::addFile(const fs::path& path) {
    auto file = SafetensorsFile::open(path);
    if (!file) return file.error();
    m_files.push_back(std::make_unique<SafetensorsFile>(std::move(file).value()));
    const SafetensorsFile* added = m_files.back().get();
    for (const auto& [name, tensor] : added->tensors()) {
        auto [it, inserted] = m_entries.emplace(name, Entry{added, &tensor});
        if (!inserted)
            return makeError(fmt::format("tensor '{}' appears in both {} and {}", name, it->second.file->path(),
                                         path));
    }
    return Ok{};
}

Result<Checkpoint> Checkpoint::open(const fs::path& modelDir) {
    Checkpoint checkpoint;
    checkpoint.m_directory = modelDir;
    const fs::path index = modelDir / kIndexFile;
    std::error_code ec;
    if (fs::exists(index, ec)) {
        const auto text = readRegularFile(index);
        if (!text) return text.error();
        json j;
        try {
            j = json::parse(*text);
        } catch (const json::exception& e) {
            return makeError(fmt::format("{}: not valid JSON: {}", index, e.what()));
        }
        if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
            return makeError(fmt::format("{}: expected an object with a 'weight_map' object", index));
        std::set<std::string> shards;
        for (const auto& [name, file] : j["weight_map"].items()) {
            if (!file.is_string() || !isPlainFileName(file.get<std::string>()))
                return makeError(fmt::format("{}: weight_map['{}'] is {}; it must be a file name in the model "
                                             "directory",
                                             index, name, file.dump()));
            shards.insert(file.get<std::string>());
        }
        for (const auto& shard : shards) {
            if (auto status = checkpoint.addFile(modelDir / shard); !status) return status.error();
        }
        for (const auto& [name, file] : j["weight_map"].items()) {
            const Entry* entry = checkpoint.find(name);
            if (!entry || entry->file->path().filename() != file.get<std::string>())
                return makeError(fmt::format("{}: lists tensor '{}' in {}, but that file does not contain it",
                                             index, name, file.get<std::string>()));
        }
        return checkpoint;
    }
    if (fs::exists(modelDir / kSingleFile, ec)) {
        if (auto status = checkpoint.addFile(modelDir / kSingleFile); !status) return status.error();
        return checkpoint;
    }
    if (fs::exists(modelDir / "pytorch_model.bin", ec) || fs::exists(modelDir / "pytorch_model.bin.index.json", ec))
        return makeError(fmt::format("{} holds a PyTorch .bin checkpoint; Pagoda reads safetensors only "
                                     "(the model's repository usually offers model.safetensors)",
                                     modelDir));
    return makeError(fmt::format("{} has neither {} nor {}", modelDir, kSingleFile, kIndexFile));
}

const Checkpoint::Entry* Checkpoint::find(const std::string& name) const {
    const auto it = m_entries.find(name);
    return it == m_entries.end() ? nullptr : &it->second;
}

}  // namespace pagoda
