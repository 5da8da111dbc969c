#include "engine/model/safetensors.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fmt/std.h>
#include <nlohmann/json.hpp>

#include "engine/common/utf8.h"

namespace pagoda {

namespace {

using nlohmann::json;

// Element sizes of every dtype the safetensors format defines, so sizes can be checked
// even for tensors Pagoda does not compute with.
std::optional<size_t> elementSize(const std::string& dtype) {
    static const std::map<std::string, size_t> sizes = {
        {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"F8_E8M0", 1},
        {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},     {"U32", 4},
        {"F32", 4},  {"I64", 8}, {"U64", 8}, {"F64", 8}};
    const auto it = sizes.find(dtype);
    if (it == sizes.end()) return std::nullopt;
    return it->second;
}

std::optional<DType> computeType(const std::string& dtype) {
    if (dtype == "F32") return DType::F32;
    if (dtype == "F16") return DType::F16;
    if (dtype == "BF16") return DType::BF16;
    return std::nullopt;
}

bool isNonNegativeInteger(const json& j) { return j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0); }

uint64_t readLittleEndian64(const unsigned char* p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

}  // namespace

Result<SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path) {
    auto mapped = MappedFile::open(path);
    if (!mapped) return mapped.error();
    SafetensorsFile file(path, std::move(mapped).value());
    if (auto status = file.parseHeader(); !status) return status.error();
    return file;
}

const SafetensorsTensor* SafetensorsFile::find(const std::string& name) const {
    const auto it = m_tensors.find(name);
    return it == m_tensors.end() ? nullptr : &it->second;
}

Status SafetensorsFile::parseHeader() {
    const size_t fileSize = m_file.size();
    auto fail = [&](const std::string& what) { return makeError(fmt::format("{}: {}", m_path, what)); };

    if (fileSize < 8)
        return fail(fmt::format("file is {} bytes; a safetensors file starts with an 8-byte header length",
                                fileSize));
    const uint64_t headerSize = readLittleEndian64(m_file.data());
    if (headerSize > kMaxHeaderBytes)
        return fail(fmt::format("header length {} is implausibly large (limit {} bytes); the file is corrupt "
                                "or not safetensors",
                                headerSize, kMaxHeaderBytes));
    if (headerSize > fileSize - 8)
        return fail(fmt::format("header length {} runs past the end of the file ({} bytes); the file is "
                                "truncated",
                                headerSize, fileSize));

    const std::string_view headerText(reinterpret_cast<const char*>(m_file.data() + 8), headerSize);
    if (auto bad = firstInvalidUtf8Byte(headerText))
        return fail(fmt::format("header is not valid UTF-8 (byte {} of the header)", *bad));

    json header;
    try {
        header = json::parse(headerText);
    } catch (const json::parse_error& e) {
        return fail(fmt::format("header is not valid JSON: {}", e.what()));
    }
    if (!header.is_object()) return fail("header is not a JSON object");

    const unsigned char* dataStart = m_file.data() + 8 + headerSize;
    const uint64_t dataSize = fileSize - 8 - headerSize;
    struct Extent {
        uint64_t begin, end;
        const std::string* name;
    };
    std::vector<Extent> extents;

    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") continue;
        auto where = [&](const std::string& what) { return fail(fmt::format("tensor '{}': {}", name, what)); };
        if (!entry.is_object()) return where("entry is not an object");
        if (!entry.contains("dtype") || !entry["dtype"].is_string()) return where("missing string 'dtype'");
        if (!entry.contains("shape") || !entry["shape"].is_array()) return where("missing array 'shape'");
        if (!entry.contains("data_offsets") || !entry["data_offsets"].is_array() ||
            entry["data_offsets"].size() != 2 || !isNonNegativeInteger(entry["data_offsets"][0]) ||
            !isNonNegativeInteger(entry["data_offsets"][1]))
            return where("'data_offsets' must be two non-negative integers [begin, end]");

        SafetensorsTensor tensor;
        tensor.dtypeName = entry["dtype"].get<std::string>();
        const auto size = elementSize(tensor.dtypeName);
        if (!size) return where(fmt::format("unknown dtype '{}'", tensor.dtypeName));
        tensor.dtype = computeType(tensor.dtypeName);

        // Offsets before shape: in a truncated file they are what is out of range.
        const uint64_t begin = entry["data_offsets"][0].get<uint64_t>();
        const uint64_t end = entry["data_offsets"][1].get<uint64_t>();
        if (begin > end) return where(fmt::format("data_offsets [{}, {}] end before they begin", begin, end));
        if (end > dataSize)
            return where(fmt::format("data_offsets [{}, {}] run past the end of the data ({} bytes); the file "
                                     "is truncated or corrupt",
                                     begin, end, dataSize));

        uint64_t numElements = 1;
        for (const auto& dim : entry["shape"]) {
            if (!isNonNegativeInteger(dim)) return where("shape entries must be non-negative integers");
            const uint64_t d = dim.get<uint64_t>();
            if (d > uint64_t(INT64_MAX) || (d != 0 && numElements > dataSize / d))
                return where(fmt::format("shape {} is larger than the data ({} bytes)", entry["shape"].dump(),
                                         dataSize));
            numElements *= d;
            tensor.shape.push_back(int64_t(d));
        }
        if (end - begin != numElements * *size)
            return where(fmt::format("data_offsets cover {} bytes but shape [{}] of {} needs {}", end - begin,
                                     fmt::join(tensor.shape, ", "), tensor.dtypeName, numElements * *size));
        tensor.data = dataStart + begin;
        tensor.byteSize = end - begin;
        auto [it, inserted] = m_tensors.emplace(name, std::move(tensor));
        if (begin != end) extents.push_back({begin, end, &it->first});
    }

    std::sort(extents.begin(), extents.end(), [](const Extent& a, const Extent& b) { return a.begin < b.begin; });
    for (size_t i = 1; i < extents.size(); ++i) {
        if (extents[i].begin < extents[i - 1].end)
            return fail(fmt::format("tensors '{}' and '{}' overlap in the data section", *extents[i - 1].name,
                                    *extents[i].name));
    }
    return Ok{};
}

}  // namespace pagoda
