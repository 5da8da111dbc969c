// The engine flags every serving command shares, named like vLLM's: --model,
// --max-model-len, --max-num-seqs, --max-num-batched-tokens, --kv-cache-memory-bytes,
// --no-enable-prefix-caching, --threads, --device, --gpu-memory-utilization, --enforce-eager.
#pragma once

#include <QCommandLineParser>

#include "engine/engine_factory.h"

namespace pagoda::cli {

void addEngineOptions(QCommandLineParser& parser);
Result<EngineOptions> readEngineOptions(const QCommandLineParser& parser);

// "2G", "512M", "1.5GiB", "1073741824" → bytes.
Result<size_t> parseByteSize(const QString& text);

}  // namespace pagoda::cli
