// Which instruction set the CPU kernels run with. Detected once; PAGODA_CPU_ISA=baseline|
// avx2|avx512|avx512bf16|amx lowers it (never raises it past what the CPU has), so every path can be
// tested and compared on one machine.
#pragma once

#include <optional>
#include <string_view>

namespace pagoda::cpu {

// Baseline: x86-64 with SSE2. Avx2: x86-64-v3 (AVX2, FMA, F16C). Avx512: x86-64-v4
// (AVX-512 F/BW/DQ/VL). Avx512Bf16: plus AVX512_BF16, whose vdpbf16ps multiplies bf16
// weights by bf16-rounded activations at twice the rate of f32 FMAs, and AVX512_VNNI (every
// such CPU has it), whose vpdpbusd multiplies the bytes of GGUF's block formats. Amx: plus
// AMX-BF16 tiles (Sapphire Rapids and later), which multiply 16×32 by 32×16 bf16 blocks in
// one instruction; Linux lends tile state only to processes that ask (detectIsa does).
enum class Isa { Baseline, Avx2, Avx512, Avx512Bf16, Amx };

const char* isaName(Isa isa);
std::optional<Isa> parseIsa(std::string_view name);

Isa detectIsa();  // the best this CPU runs
Isa activeIsa();  // detectIsa(), lowered by PAGODA_CPU_ISA when set; fixed at first call

}  // namespace pagoda::cpu
