#include "tests/support/tiny_gguf.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace pagoda::test {

namespace {

constexpr uint32_t kString = 8, kU32 = 4, kF32 = 6, kU16 = 2, kI32 = 5;
constexpr uint64_t kAlignment = 32;
constexpr int kHidden = 64, kVocab = 32;

struct Writer {
    QByteArray out;
    template <class T>
    void raw(T v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
    void str(const std::string& s) {
        raw<uint64_t>(s.size());
        out.append(s.data(), qsizetype(s.size()));
    }
    template <class T>
    void kv(const std::string& key, uint32_t type, T value) {
        str(key);
        raw(type);
        if constexpr (std::is_same_v<T, std::string>) str(value); else raw(value);
    }
};

struct Tensor {
    std::string name;
    std::vector<uint64_t> dims;  // F32
    uint64_t bytes() const {
        uint64_t n = 4;
        for (uint64_t d : dims) n *= d;
        return n;
    }
};

QByteArray build(bool metadata, int part, int count, int totalTensors, int padding) {
    std::vector<Tensor> tensors;
    if (metadata) tensors.push_back({"token_embd.weight", {kHidden, kVocab}});
    tensors.push_back({"pad." + std::to_string(part) + ".weight", {uint64_t(std::max(1, padding / 4))}});
    Writer w;
    w.out.append("GGUF", 4);
    w.raw<uint32_t>(3);
    w.raw<uint64_t>(tensors.size());
    const bool split = count > 1;
    w.raw<uint64_t>((metadata ? 8 : 0) + (split ? 3 : 0));
    if (metadata) {
        w.kv<std::string>("general.architecture", kString, "qwen2");
        w.kv<uint32_t>("qwen2.block_count", kU32, 2);
        w.kv<uint32_t>("qwen2.context_length", kU32, 8192);
        w.kv<uint32_t>("qwen2.embedding_length", kU32, kHidden);
        w.kv<uint32_t>("qwen2.feed_forward_length", kU32, 128);
        w.kv<uint32_t>("qwen2.attention.head_count", kU32, 4);
        w.kv<uint32_t>("qwen2.attention.head_count_kv", kU32, 2);
        w.kv<float>("qwen2.attention.layer_norm_rms_epsilon", kF32, 1e-6f);
    }
    if (split) {
        w.kv<uint16_t>("split.no", kU16, uint16_t(part - 1));
        w.kv<uint16_t>("split.count", kU16, uint16_t(count));
        w.kv<int32_t>("split.tensors.count", kI32, totalTensors);
    }
    uint64_t offset = 0;
    for (const Tensor& t : tensors) {
        w.str(t.name);
        w.raw<uint32_t>(uint32_t(t.dims.size()));
        for (uint64_t d : t.dims) w.raw(d);
        w.raw<uint32_t>(0);  // F32
        w.raw(offset);
        offset += (t.bytes() + kAlignment - 1) / kAlignment * kAlignment;
    }
    while (w.out.size() % kAlignment) w.out.append('\0');
    for (const Tensor& t : tensors) {
        QByteArray data(qsizetype(t.bytes()), '\0');
        for (qsizetype i = 0; i < data.size(); i += 4) {  // small distinct floats, so every file differs
            const float v = float(i % 97) / 97.0f + float(part);
            std::memcpy(data.data() + i, &v, 4);
        }
        w.out.append(data);
        while (w.out.size() % kAlignment) w.out.append('\0');
    }
    return w.out;
}

}  // namespace

QByteArray tinyGgufModel(int padding) { return build(true, 1, 1, 2, padding); }

QByteArray tinyGgufPart(int part, int count, int padding) { return build(part == 1, part, count, count + 1, padding); }

void writeFile(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) qFatal("cannot write %s", qPrintable(path));
}

}  // namespace pagoda::test
