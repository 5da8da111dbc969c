// `pagoda bench`: offline throughput and latency in the shape of vLLM's
// benchmark_throughput.py (the seed documents' benchmark): random prompts of
// --input-len tokens, --output-len tokens each, ignore_eos, sampled at --temperature 1 as
// vLLM's (0: greedy, as tests/perf/cpu_bench.py runs it to match llama.cpp and transformers);
// --warmup N untimed requests first.
#pragma once

#include <QStringList>

namespace pagoda::cli {

int runBench(const QStringList& arguments);

}  // namespace pagoda::cli
