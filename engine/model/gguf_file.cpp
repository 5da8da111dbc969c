#include "engine/model/gguf_file.h"

#include <fmt/format.h>
#include <fmt/std.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <regex>
#include <set>

namespace pagoda::gguf {

namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as little-endian
constexpr int kMaxArrayNesting = 8;
constexpr uint32_t kMaxDims = 4;  // GGML_MAX_DIMS

// Reads little-endian values from the map; every read is checked against the end, and a
// failed read leaves an error naming the byte where it happened.
class Cursor {
public:
    Cursor(const unsigned char* data, size_t size) : m_data(data), m_size(size) {}

    size_t position() const { return m_position; }
    size_t remaining() const { return m_size - m_position; }

    template <class T>
    bool read(T& out) {
        if (remaining() < sizeof(T)) return false;
        std::memcpy(&out, m_data + m_position, sizeof(T));
        m_position += sizeof(T);
        return true;
    }
    bool readString(std::string& out) {
        uint64_t length = 0;
        if (!read(length) || length > remaining()) return false;
        out.assign(reinterpret_cast<const char*>(m_data + m_position), size_t(length));
        m_position += size_t(length);
        return true;
    }

private:
    const unsigned char* m_data;
    size_t m_size;
    size_t m_position = 0;
};

// The fewest bytes one value of `type` takes in the file, so a count can be checked against
// what is left before anything is reserved for it.
size_t minimumBytes(ValueType type) {
    switch (type) {
        case ValueType::U8: case ValueType::I8: case ValueType::Bool: return 1;
        case ValueType::U16: case ValueType::I16: return 2;
        case ValueType::U32: case ValueType::I32: case ValueType::F32: return 4;
        case ValueType::U64: case ValueType::I64: case ValueType::F64: case ValueType::String: return 8;
        case ValueType::Array: return 12;
    }
    return 1;
}

bool knownValueType(uint32_t id) { return id <= uint32_t(ValueType::F64); }

struct Reader {
    Cursor cursor;
    const std::filesystem::path& path;
    std::string error;

    bool fail(size_t at, std::string what) {
        if (error.empty()) error = fmt::format("{}: at byte {}: {}", path, at, what);
        return false;
    }

    bool readValue(ValueType type, Value& out, int depth) {
        const size_t at = cursor.position();
        out.type = type;
        auto number = [&](auto raw) {
            if (!cursor.read(raw)) return fail(at, fmt::format("the file ends inside a {} value", valueTypeName(type)));
            using Raw = decltype(raw);
            if constexpr (std::is_floating_point_v<Raw>)
                out.data = double(raw);
            else if constexpr (std::is_signed_v<Raw>)
                out.data = int64_t(raw);
            else
                out.data = uint64_t(raw);
            return true;
        };
        switch (type) {
            case ValueType::U8: return number(uint8_t{});
            case ValueType::I8: return number(int8_t{});
            case ValueType::U16: return number(uint16_t{});
            case ValueType::I16: return number(int16_t{});
            case ValueType::U32: return number(uint32_t{});
            case ValueType::I32: return number(int32_t{});
            case ValueType::F32: return number(float{});
            case ValueType::U64: return number(uint64_t{});
            case ValueType::I64: return number(int64_t{});
            case ValueType::F64: return number(double{});
            case ValueType::Bool: {
                uint8_t b = 0;
                if (!cursor.read(b)) return fail(at, "the file ends inside a bool value");
                if (b > 1) return fail(at, fmt::format("a bool value is {}, not 0 or 1", b));
                out.data = b == 1;
                return true;
            }
            case ValueType::String: {
                std::string s;
                if (!cursor.readString(s)) return fail(at, "a string's length runs past the end of the file");
                out.data = std::move(s);
                return true;
            }
            case ValueType::Array: {
                if (depth >= kMaxArrayNesting)
                    return fail(at, fmt::format("arrays nest more than {} deep", kMaxArrayNesting));
                uint32_t elementId = 0;
                uint64_t count = 0;
                if (!cursor.read(elementId) || !cursor.read(count)) return fail(at, "the file ends inside an array's header");
                if (!knownValueType(elementId)) return fail(at, fmt::format("an array of unknown value type {}", elementId));
                const auto element = ValueType(elementId);
                if (count > cursor.remaining() / minimumBytes(element))
                    return fail(at, fmt::format("an array claims {} {} values, more than the {} bytes left could hold",
                                                count, valueTypeName(element), cursor.remaining()));
                Array array;
                array.elementType = element;
                array.items.resize(size_t(count));
                for (Value& item : array.items)
                    if (!readValue(element, item, depth + 1)) return false;
                out.data = std::move(array);
                return true;
            }
        }
        return fail(at, "unknown value type");
    }
};

uint64_t alignUp(uint64_t value, uint64_t alignment) { return (value + alignment - 1) / alignment * alignment; }

}  // namespace

const char* valueTypeName(ValueType type) {
    static const char* const kNames[] = {"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32",
                                         "bool", "string", "array", "uint64", "int64", "float64"};
    return knownValueType(uint32_t(type)) ? kNames[uint32_t(type)] : "unknown";
}

std::optional<int64_t> Value::asInteger() const {
    if (const auto* u = std::get_if<uint64_t>(&data); u && *u <= uint64_t(std::numeric_limits<int64_t>::max()))
        return int64_t(*u);
    if (const auto* i = std::get_if<int64_t>(&data)) return *i;
    return std::nullopt;
}

std::optional<double> Value::asNumber() const {
    if (const auto* u = std::get_if<uint64_t>(&data)) return double(*u);
    if (const auto* i = std::get_if<int64_t>(&data)) return double(*i);
    if (const auto* d = std::get_if<double>(&data)) return *d;
    return std::nullopt;
}

const std::string* Value::asString() const { return std::get_if<std::string>(&data); }
const Array* Value::asArray() const { return std::get_if<Array>(&data); }

std::optional<bool> Value::asBool() const {
    if (const auto* b = std::get_if<bool>(&data)) return *b;
    return std::nullopt;
}

std::optional<TensorTypeTraits> tensorTypeTraits(uint32_t id) {
    using cpu::BlockFormat;
    // The types Pagoda decodes take their layout from the decoders; ggml's others are known
    // by layout only, so offsets can be checked and the type named.
    auto decoded = [](BlockFormat format) {
        const cpu::BlockLayout layout = cpu::blockLayout(format);
        return TensorTypeTraits{cpu::blockFormatName(format), layout.elements, layout.bytes, format};
    };
    auto named = [](const char* name, uint32_t blockSize, uint32_t blockBytes) {
        return TensorTypeTraits{name, blockSize, blockBytes, std::nullopt};
    };
    switch (TensorType(id)) {
        case TensorType::F32: return decoded(BlockFormat::F32);
        case TensorType::F16: return decoded(BlockFormat::F16);
        case TensorType::BF16: return decoded(BlockFormat::BF16);
        case TensorType::Q4_0: return decoded(BlockFormat::Q4_0);
        case TensorType::Q4_1: return decoded(BlockFormat::Q4_1);
        case TensorType::Q5_0: return decoded(BlockFormat::Q5_0);
        case TensorType::Q5_1: return decoded(BlockFormat::Q5_1);
        case TensorType::Q8_0: return decoded(BlockFormat::Q8_0);
        case TensorType::Q2_K: return decoded(BlockFormat::Q2_K);
        case TensorType::Q3_K: return decoded(BlockFormat::Q3_K);
        case TensorType::Q4_K: return decoded(BlockFormat::Q4_K);
        case TensorType::Q5_K: return decoded(BlockFormat::Q5_K);
        case TensorType::Q6_K: return decoded(BlockFormat::Q6_K);
        case TensorType::Q8_1: return named("Q8_1", 32, 40);
        case TensorType::Q8_K: return named("Q8_K", 256, 292);
        case TensorType::IQ2_XXS: return named("IQ2_XXS", 256, 66);
        case TensorType::IQ2_XS: return named("IQ2_XS", 256, 74);
        case TensorType::IQ3_XXS: return named("IQ3_XXS", 256, 98);
        case TensorType::IQ1_S: return named("IQ1_S", 256, 50);
        case TensorType::IQ4_NL: return named("IQ4_NL", 32, 18);
        case TensorType::IQ3_S: return named("IQ3_S", 256, 110);
        case TensorType::IQ2_S: return named("IQ2_S", 256, 82);
        case TensorType::IQ4_XS: return named("IQ4_XS", 256, 136);
        case TensorType::I8: return named("I8", 1, 1);
        case TensorType::I16: return named("I16", 1, 2);
        case TensorType::I32: return named("I32", 1, 4);
        case TensorType::I64: return named("I64", 1, 8);
        case TensorType::F64: return named("F64", 1, 8);
        case TensorType::IQ1_M: return named("IQ1_M", 256, 56);
        case TensorType::TQ1_0: return named("TQ1_0", 256, 54);
        case TensorType::TQ2_0: return named("TQ2_0", 256, 66);
        case TensorType::MXFP4: return named("MXFP4", 32, 17);
    }
    return std::nullopt;
}

uint64_t TensorInfo::elements() const {
    uint64_t n = 1;
    for (uint64_t d : dims) n *= d;
    return n;
}

const Value* File::find(std::string_view key) const {
    for (const auto& [name, value] : m_metadata)
        if (name == key) return &value;
    return nullptr;
}

Result<File> File::open(const std::filesystem::path& path) {
    auto map = MappedFile::open(path);
    if (!map) return map.error();
    File file(path, std::move(map).value());
    Reader reader{Cursor(file.m_map.data(), file.m_map.size()), path, {}};
    Cursor& cursor = reader.cursor;
    auto failed = [&] { return makeError(reader.error); };

    uint32_t magic = 0;
    if (!cursor.read(magic) || magic != kMagic)
        return makeError(fmt::format("{}: not a GGUF file (it does not start with \"GGUF\")", path));
    uint32_t version = 0;
    if (!cursor.read(version)) return makeError(fmt::format("{}: the file ends inside its header", path));
    if (version != 2 && version != 3) {
        if ((version & 0xffff) == 0 && version != 0)
            return makeError(fmt::format("{}: a big-endian GGUF file; only little-endian files are supported", path));
        return makeError(fmt::format("{}: GGUF version {} is not supported (versions 2 and 3 are)", path, version));
    }
    file.m_version = version;
    uint64_t tensorCount = 0, kvCount = 0;
    if (!cursor.read(tensorCount) || !cursor.read(kvCount))
        return makeError(fmt::format("{}: the file ends inside its header", path));
    // A metadata entry takes at least 13 bytes and a tensor entry 28, so counts the rest of
    // the file cannot hold are lies, refused before anything is reserved for them.
    if (kvCount > cursor.remaining() / 13)
        return makeError(fmt::format("{}: the header claims {} metadata entries, more than the file could hold", path,
                                     kvCount));
    if (tensorCount > cursor.remaining() / 28)
        return makeError(fmt::format("{}: the header claims {} tensors, more than the file could hold", path,
                                     tensorCount));

    std::set<std::string, std::less<>> keys;
    file.m_metadata.reserve(size_t(kvCount));
    for (uint64_t i = 0; i < kvCount; ++i) {
        const size_t at = cursor.position();
        std::string key;
        uint32_t typeId = 0;
        if (!cursor.readString(key)) return makeError(fmt::format("{}: at byte {}: a metadata key runs past the end", path, at));
        if (!cursor.read(typeId)) return makeError(fmt::format("{}: at byte {}: the file ends inside metadata '{}'", path, at, key));
        if (!knownValueType(typeId))
            return makeError(fmt::format("{}: at byte {}: metadata '{}' has unknown value type {}", path, at, key, typeId));
        if (!keys.insert(key).second)
            return makeError(fmt::format("{}: at byte {}: metadata '{}' appears twice", path, at, key));
        Value value;
        if (!reader.readValue(ValueType(typeId), value, 0)) return failed();
        file.m_metadata.emplace_back(std::move(key), std::move(value));
    }
    if (const Value* alignment = file.find("general.alignment")) {
        const std::optional<int64_t> a = alignment->asInteger();
        if (alignment->type != ValueType::U32 || !a || *a == 0 || (*a & (*a - 1)) != 0)
            return makeError(fmt::format("{}: general.alignment must be a uint32 power of two", path));
        file.m_alignment = uint64_t(*a);
    }

    std::set<std::string, std::less<>> names;
    file.m_tensors.reserve(size_t(tensorCount));
    for (uint64_t i = 0; i < tensorCount; ++i) {
        const size_t at = cursor.position();
        TensorInfo tensor;
        uint32_t dimCount = 0, typeId = 0;
        if (!cursor.readString(tensor.name) || !cursor.read(dimCount))
            return makeError(fmt::format("{}: at byte {}: the file ends inside tensor entry {}", path, at, i));
        if (dimCount == 0 || dimCount > kMaxDims)
            return makeError(fmt::format("{}: tensor '{}' has {} dimensions (1 to {} are possible)", path, tensor.name,
                                         dimCount, kMaxDims));
        tensor.dims.resize(dimCount);
        uint64_t elements = 1;
        for (uint64_t& d : tensor.dims) {
            if (!cursor.read(d)) return makeError(fmt::format("{}: the file ends inside tensor '{}'", path, tensor.name));
            if (d == 0 || d > uint64_t(std::numeric_limits<int64_t>::max()) / elements)
                return makeError(fmt::format("{}: tensor '{}' has an impossible shape", path, tensor.name));
            elements *= d;
        }
        if (!cursor.read(typeId) || !cursor.read(tensor.offset))
            return makeError(fmt::format("{}: the file ends inside tensor '{}'", path, tensor.name));
        const std::optional<TensorTypeTraits> traits = tensorTypeTraits(typeId);
        if (!traits)
            return makeError(fmt::format("{}: tensor '{}' has unknown type {}", path, tensor.name, typeId));
        tensor.type = TensorType(typeId);
        if (tensor.dims[0] % traits->blockSize != 0)
            return makeError(fmt::format("{}: tensor '{}' ({}) has rows of {} elements, not a multiple of its block of {}",
                                         path, tensor.name, traits->name, tensor.dims[0], traits->blockSize));
        tensor.bytes = elements / traits->blockSize * traits->blockBytes;
        if (!names.insert(tensor.name).second)
            return makeError(fmt::format("{}: tensor '{}' appears twice", path, tensor.name));
        file.m_tensors.push_back(std::move(tensor));
    }

    // The data section starts at the next multiple of the alignment; each tensor lies inside it.
    const uint64_t dataStart = alignUp(cursor.position(), file.m_alignment);
    const uint64_t size = file.m_map.size();
    if (dataStart > size && tensorCount > 0)
        return makeError(fmt::format("{}: the file ends before its tensor data begins", path));
    for (TensorInfo& tensor : file.m_tensors) {
        if (tensor.offset % file.m_alignment != 0)
            return makeError(fmt::format("{}: tensor '{}' starts at {}, not a multiple of the alignment {}", path,
                                         tensor.name, tensor.offset, file.m_alignment));
        if (tensor.offset > size - dataStart || tensor.bytes > size - dataStart - tensor.offset)
            return makeError(fmt::format("{}: tensor '{}' ({} bytes at data offset {}) runs past the end of the file "
                                         "(truncated?)",
                                         path, tensor.name, tensor.bytes, tensor.offset));
        tensor.offset += dataStart;
    }
    return file;
}

std::vector<std::filesystem::path> modelPartPaths(const std::filesystem::path& anyPart) {
    static const std::regex kSplitName(R"((.*)-(\d{5})-of-(\d{5})\.gguf)");
    std::smatch match;
    const std::string name = anyPart.filename().string();
    if (!std::regex_match(name, match, kSplitName)) return {anyPart};
    const int count = std::stoi(match[3].str());
    std::vector<std::filesystem::path> paths;
    for (int i = 1; i <= count; ++i)
        paths.push_back(anyPart.parent_path() / fmt::format("{}-{:05d}-of-{:05d}.gguf", match[1].str(), i, count));
    return paths;
}

Result<std::vector<File>> openModelFiles(const std::filesystem::path& anyPart) {
    const std::vector<std::filesystem::path> paths = modelPartPaths(anyPart);
    if (paths.empty()) return makeError(fmt::format("{}: a split of 0 parts", anyPart));
    std::vector<File> files;
    std::set<std::string, std::less<>> names;
    size_t tensors = 0;
    for (size_t i = 0; i < paths.size(); ++i) {
        auto file = File::open(paths[i]);
        if (!file) return file.error();
        if (paths.size() > 1) {
            const Value* no = file->find("split.no");
            const Value* count = file->find("split.count");
            if (!no || !count || no->asInteger() != int64_t(i) || count->asInteger() != int64_t(paths.size()))
                return makeError(fmt::format("{}: split.no and split.count do not say part {} of {}", paths[i], i + 1,
                                             paths.size()));
        }
        for (const TensorInfo& tensor : file->tensors())
            if (!names.insert(tensor.name).second)
                return makeError(fmt::format("{}: tensor '{}' is in an earlier part too", paths[i], tensor.name));
        tensors += file->tensors().size();
        files.push_back(std::move(file).value());
    }
    if (const Value* total = files.front().find("split.tensors.count"); total && total->asInteger() != int64_t(tensors))
        return makeError(fmt::format("{}: split.tensors.count says {}, the parts hold {}", paths.front(),
                                     total->asInteger().value_or(-1), tensors));
    return files;
}

}  // namespace pagoda::gguf
