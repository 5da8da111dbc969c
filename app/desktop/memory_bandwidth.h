// How fast this CPU reads memory, for the first-run proposal's decode-speed estimate: decode
// reads every weight once per token, so bandwidth / weight bytes bounds tokens per second
// (tests/perf/memory_bandwidth.cpp is the careful benchmark; this is its cheap cousin).
#pragma once

#include <QtGlobal>

namespace pagoda {

// What the proposal assumes before (or without) a measurement: single-channel DDR4 reads
// about this much; most laptops do better, so the proposal errs towards the smaller model.
inline constexpr double kFallbackBandwidth = 15e9;

// Reads a 128 MiB buffer (beyond any desktop cache) with one thread per core, a few times
// for about `budgetMs`, and returns the best pass in bytes/s; 0 when it could not allocate.
// Blocks for the whole budget plus the buffer's first touch: call it off the GUI thread.
double measureMemoryBandwidth(int budgetMs = 100);

}  // namespace pagoda
