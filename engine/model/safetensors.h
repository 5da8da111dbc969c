// Reader for one .safetensors file: validates the header completely and hands out
// pointers into a read-only memory map (weights are never copied).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/mapped_file.h"
#include "engine/common/result.h"
#include "kernels/common/dtype.h"

namespace pagoda {

struct SafetensorsTensor {
    std::string dtypeName;        // as written in the header: "BF16", "I8", ...
    std::optional<DType> dtype;   // set when Pagoda can compute with it
    std::vector<int64_t> shape;
    const unsigned char* data = nullptr;
    size_t byteSize = 0;
};

class SafetensorsFile {
public:
    // Largest header accepted; real checkpoints have headers of a few hundred KiB.
    static constexpr uint64_t kMaxHeaderBytes = 100ull << 20;

    static Result<SafetensorsFile> open(const std::filesystem::path& path);

    const std::filesystem::path& path() const { return m_path; }
    const std::map<std::string, SafetensorsTensor>& tensors() const { return m_tensors; }
    const SafetensorsTensor* find(const std::string& name) const;

private:
    SafetensorsFile(std::filesystem::path path, MappedFile file)
        : m_path(std::move(path)), m_file(std::move(file)) {}
    Status parseHeader();

    std::filesystem::path m_path;
    MappedFile m_file;
    std::map<std::string, SafetensorsTensor> m_tensors;
};

}  // namespace pagoda
