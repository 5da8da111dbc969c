// All the tensors of a model directory: one model.safetensors, or the shards listed in
// model.safetensors.index.json, looked up by checkpoint tensor name.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/common/result.h"
#include "engine/model/safetensors.h"

namespace pagoda {

class Checkpoint {
public:
    struct Entry {
        const SafetensorsFile* file;
        const SafetensorsTensor* tensor;
    };

    static Result<Checkpoint> open(const std::filesystem::path& modelDir);

    const std::filesystem::path& directory() const { return m_directory; }
    const Entry* find(const std::string& name) const;
    const std::unordered_map<std::string, Entry>& entries() const { return m_entries; }

private:
    Status addFile(const std::filesystem::path& path);

    std::filesystem::path m_directory;
    std::vector<std::unique_ptr<SafetensorsFile>> m_files;  // stable addresses for Entry
    std::unordered_map<std::string, Entry> m_entries;
};

}  // namespace pagoda
