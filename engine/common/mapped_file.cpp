#include "engine/common/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>
#include <fmt/std.h>

namespace pagoda {

void MappedFile::Unmap::operator()(const unsigned char* p) const {
    if (p && size > 0) munmap(const_cast<unsigned char*>(p), size);
}

void releaseResidentPages(const void* data, size_t bytes) {
#if defined(MADV_PAGEOUT)
    const auto page = uintptr_t(sysconf(_SC_PAGESIZE));
    const uintptr_t begin = (uintptr_t(data) + page - 1) / page * page, end = (uintptr_t(data) + bytes) / page * page;
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_PAGEOUT);  // only a hint: errors change nothing
#else
    (void)data;
    (void)bytes;
#endif
}

Result<MappedFile> MappedFile::open(const std::filesystem::path& path) {
    // Non-blocking, so opening a FIFO returns at once (to be refused below) instead of
    // waiting for a writer that never comes.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return makeError(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return makeError(fmt::format("{} is not a regular file", path));
    }
    const size_t size = size_t(st.st_size);
    if (size == 0) {
        ::close(fd);
        return MappedFile(nullptr, 0);
    }
    void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    const int mmapErrno = errno;
    ::close(fd);  // the mapping keeps the file alive
    if (p == MAP_FAILED)
        return makeError(fmt::format("cannot map {}: {}", path, std::strerror(mmapErrno)));
    return MappedFile(static_cast<const unsigned char*>(p), size);
}

Result<std::string> readRegularFile(const std::filesystem::path& path) {
    auto mapped = MappedFile::open(path);
    if (!mapped) return mapped.error();
    return std::string(reinterpret_cast<const char*>(mapped->data()), mapped->size());
}

}  // namespace pagoda
