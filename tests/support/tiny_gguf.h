// Tiny GGUF files for the hub and library tests: the header a real llama.cpp file has (a
// qwen2 model's {arch}.* metadata and token_embd.weight, so the engine's config reader
// accepts it), optionally split in parts as gguf-split names and tags them, padded with
// `padding` bytes of tensor data so quants can differ in size. Not runnable: the weights of
// the layers are absent (end-to-end runs use tests/fixtures/gguf-models).
#pragma once

#include <QByteArray>
#include <QString>

namespace pagoda::test {

// One whole model; `padding` extra bytes ride in a second F32 tensor.
QByteArray tinyGgufModel(int padding);

// Part `part` (1-based) of `count`: part 1 holds the metadata and token_embd.weight, every
// part one padding tensor of its own.
QByteArray tinyGgufPart(int part, int count, int padding);

// Writes `bytes` to `path`, creating its folder; aborts the test run when it cannot.
void writeFile(const QString& path, const QByteArray& bytes);

}  // namespace pagoda::test
