// The GGUF container (llama.cpp's model file, versions 2 and 3): its metadata and the
// place, shape and block type of each tensor, read from a memory map with every count,
// length and offset checked against the file before it is trusted. A malformed file is an
// error saying what and at which byte, never a crash or an allocation the file cannot back.
// Mapping tensors onto the decoder and decoding their blocks is the loader's job.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "engine/common/mapped_file.h"
#include "engine/common/result.h"
#include "kernels/cpu/block_formats.h"

namespace pagoda::gguf {

enum class ValueType : uint32_t {
    U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, Bool = 7,
    String = 8, Array = 9, U64 = 10, I64 = 11, F64 = 12,
};
const char* valueTypeName(ValueType type);

struct Value;
struct Array {
    ValueType elementType = ValueType::U8;
    std::vector<Value> items;
};

// One metadata value. Unsigned integers are held as uint64_t, signed as int64_t, floats as
// double; `type` keeps the width the file gave.
struct Value {
    ValueType type = ValueType::U8;
    std::variant<uint64_t, int64_t, double, bool, std::string, Array> data;

    std::optional<int64_t> asInteger() const;  // any integer type that fits int64_t
    std::optional<double> asNumber() const;    // any integer or float
    const std::string* asString() const;
    const Array* asArray() const;
    std::optional<bool> asBool() const;
};

// ggml's tensor types, by their ids in the file.
enum class TensorType : uint32_t {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22, IQ4_XS = 23,
    I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30,
    TQ1_0 = 34, TQ2_0 = 35, MXFP4 = 39,
};

struct TensorTypeTraits {
    const char* name;    // "Q4_K"
    uint32_t blockSize;  // elements per block (1 for plain types)
    uint32_t blockBytes;
    std::optional<cpu::BlockFormat> format;  // how Pagoda decodes it; none: named in errors only
    bool supported() const { return format.has_value(); }
};
// Nothing for an id ggml does not define.
std::optional<TensorTypeTraits> tensorTypeTraits(uint32_t id);

struct TensorInfo {
    std::string name;
    std::vector<uint64_t> dims;  // ggml order: dims[0] is the contiguous one
    TensorType type = TensorType::F32;
    uint64_t offset = 0;  // from the start of the file
    uint64_t bytes = 0;
    uint64_t elements() const;
};

class File {
public:
    static Result<File> open(const std::filesystem::path& path);

    const std::filesystem::path& path() const { return m_path; }
    uint32_t version() const { return m_version; }
    uint64_t alignment() const { return m_alignment; }
    const std::vector<std::pair<std::string, Value>>& metadata() const { return m_metadata; }
    const Value* find(std::string_view key) const;
    const std::vector<TensorInfo>& tensors() const { return m_tensors; }
    // The tensor's bytes, inside the map (valid while this File lives).
    const unsigned char* data(const TensorInfo& tensor) const { return m_map.data() + tensor.offset; }

private:
    File(std::filesystem::path path, MappedFile map) : m_path(std::move(path)), m_map(std::move(map)) {}

    std::filesystem::path m_path;
    MappedFile m_map;
    uint32_t m_version = 0;
    uint64_t m_alignment = 32;
    std::vector<std::pair<std::string, Value>> m_metadata;
    std::vector<TensorInfo> m_tensors;
};

// The paths of every part of the model `anyPart` belongs to, in order: itself alone unless
// its name is a split part's (NAME-0000k-of-0000N.gguf); none for a split of 0 parts.
std::vector<std::filesystem::path> modelPartPaths(const std::filesystem::path& anyPart);

// A model in one file, or in the parts llama.cpp's gguf-split writes
// (NAME-00001-of-0000N.gguf): given any part, every part in order, checked to belong
// together (split.no, split.count, split.tensors.count, no tensor twice).
Result<std::vector<File>> openModelFiles(const std::filesystem::path& anyPart);

}  // namespace pagoda::gguf
