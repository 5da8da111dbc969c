// Which instruction set the CPU kernels run with. Detected once; PAGODA_CPU_ISA=baseline|
// avx2|avx512 lowers it (never raises it past what the CPU has), so every path can be
// tested and compared on one machine.
#pragma once

#include <optional>
#include <string_view>

namespace pagoda::cpu {

// Baseline: x86-64 with SSE2. Avx2: x86-64-v3 (AVX2, FMA, F16C). Avx512: x86-64-v4
// (AVX-512 F/BW/DQ/VL).
enum class Isa { Baseline, Avx2, Avx512 };

const char* isaName(Isa isa);
std::optional<Isa> parseIsa(std::string_view name);

Isa detectIsa();  // the best this CPU runs
Isa activeIsa();  // detectIsa(), lowered by PAGODA_CPU_ISA when set; fixed at first call

}  // namespace pagoda::cpu
