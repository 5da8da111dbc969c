// A read-only memory map of a whole file, unmapped when the object dies.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/common/result.h"

namespace pagoda {

class MappedFile {
public:
    static Result<MappedFile> open(const std::filesystem::path& path);

    MappedFile(MappedFile&&) noexcept = default;
    MappedFile& operator=(MappedFile&&) noexcept = default;

    const unsigned char* data() const { return m_data.get(); }
    size_t size() const { return m_size; }

private:
    struct Unmap {
        size_t size;
        void operator()(const unsigned char* p) const;
    };
    MappedFile(const unsigned char* data, size_t size) : m_data(data, Unmap{size}), m_size(size) {}

    std::unique_ptr<const unsigned char, Unmap> m_data;
    size_t m_size = 0;
};

// Tells the kernel that memory will not be read again soon (MADV_PAGEOUT, whole pages inside
// the range only): pages of a mapped file leave this process's resident set and are read back
// if ever touched again; anonymous memory keeps its contents. For weights copied elsewhere at load.
void releaseResidentPages(const void* data, size_t bytes);

// A whole file's bytes. Only a regular file is read: a FIFO or a device named like a model
// file would block or never end (a FIFO named model.safetensors hung `generate`).
Result<std::string> readRegularFile(const std::filesystem::path& path);

}  // namespace pagoda
