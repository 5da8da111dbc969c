// `pagoda bench`: offline throughput and latency in the shape of vLLM's
// benchmark_throughput.py (the seed documents' benchmark): random prompts of
// --input-len tokens, --output-len tokens each, ignore_eos.
#pragma once

#include <QStringList>

namespace pagoda::cli {

int runBench(const QStringList& arguments);

}  // namespace pagoda::cli
