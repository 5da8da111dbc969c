// How long a test waits for something that must happen before calling it a failure.
#pragma once

namespace pagoda::test {

// Generous on purpose: a wait returns as soon as its condition holds, so only a real failure
// pays for it, and a loaded 2-core machine can be many times slower than an idle one. Tests
// never bound how fast something happens (benchmarks measure that); they wait this long.
constexpr int kPatienceMs = 120000;

}  // namespace pagoda::test
