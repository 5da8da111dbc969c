// How much memory a model needs at a given context, and whether that fits this machine:
// the numbers behind the model browser's "fits / tight / won't fit" badge and the upper
// end of the context slider. An estimate, deliberately simple: weights + KV cache + a
// documented overhead; it never loads the model.
#pragma once

#include <QString>

#include "engine/model/model_config.h"

namespace pagoda::hub {

// The few numbers the estimate needs. Filled from a local config.json + checkpoint
// (modelShape below) or from a catalog entry, so both give the same answer.
struct ModelShape {
    int numLayers = 0;
    int numKvHeads = 0;
    int headDim = 0;
    int hiddenSize = 0;        // with the next two: the engine's activation scratch
    int intermediateSize = 0;
    int vocabSize = 0;
    qint64 weightBytes = 0;    // checkpoint tensor bytes: the CPU keeps weights in their stored dtype
    int maxContext = 0;        // max_position_embeddings (seq_length for ChatGLM)
};

ModelShape modelShape(const ModelConfig& config, qint64 weightBytes);

// Unknown: the available memory could not be read (availableBytes <= 0); the UI shows
// the numbers without a verdict rather than guessing one.
enum class Fit { Fits, Tight, WontFit, Unknown };

// "fits", "tight", "won't fit", "unknown".
QString fitLabel(Fit fit);

struct MemoryEstimate {
    qint64 weightBytes = 0;
    qint64 kvBytesPerToken = 0;
    qint64 kvBytes = 0;
    qint64 overheadBytes = 0;
    qint64 totalBytes = 0;
    qint64 availableBytes = 0;
    int contextTokens = 0;  // after clamping to the model's maximum
    Fit fit = Fit::Unknown;
};

// The context at which lists and the model browser judge "fits / tight / won't fit": long
// enough for real chats, short enough that a model's 128K maximum does not decide the label.
inline constexpr int kFitContextTokens = 8192;

// The engine allocates the KV cache in blocks of this many tokens (engine_factory.cpp).
inline constexpr int kKvBlockTokens = 16;

// The process and its libraries, tokenizer tables for a ~150k-token vocabulary, thread
// stacks and allocator slack. A round allowance, not a measurement: `pagoda generate`
// on a tiny fixture peaks at ~15 MiB resident, and a real tokenizer adds tens of MiB.
inline constexpr qint64 kFixedOverheadBytes = qint64(256) << 20;

// Overhead = kFixedOverheadBytes + the CPU executor's f32 activation buffers at the
// engine's default batch (2048 tokens per step, 64 sequences' logits).
qint64 overheadBytes(const ModelShape& shape);

// contextTokens 0 means the model's maximum; larger requests are clamped to it, as the
// engine does. kvBytesPerElement: 4 for the CPU cache (f32), 2 for a half-precision cache.
// Fit: total <= 80% of available -> Fits, <= 100% -> Tight, else WontFit.
MemoryEstimate estimateMemory(const ModelShape& shape, int contextTokens, qint64 availableBytes,
                              int kvBytesPerElement = 4);

// The largest context (a multiple of the KV block, at most the model's maximum) whose
// estimate is no worse than `worstAccepted` (Fits or Tight); 0 when not even one block
// fits, the model's maximum when availableBytes is unknown (<= 0).
int maxContextFor(const ModelShape& shape, qint64 availableBytes, Fit worstAccepted = Fit::Tight,
                  int kvBytesPerElement = 4);

// Memory a new process could use now, in bytes; 0 when unknown. Linux: /proc/meminfo
// MemAvailable (page cache the kernel can drop counts as available, which suits mmapped
// weights). Elsewhere: sysconf's available pages where it has them, else total physical
// memory (macOS), and 0 (unknown) without sysconf: on Windows GlobalMemoryStatusEx is
// the call to add when Pagoda is built there.
qint64 availableMemoryBytes();
// Physical memory in bytes (/proc/meminfo MemTotal, else sysconf); 0 when unknown.
qint64 totalMemoryBytes();

}  // namespace pagoda::hub
