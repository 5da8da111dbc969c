#include "kernels/cpu/isa.h"

#include <algorithm>
#include <cstdlib>

namespace pagoda::cpu {

const char* isaName(Isa isa) {
    switch (isa) {
        case Isa::Baseline: return "baseline";
        case Isa::Avx2: return "avx2";
        case Isa::Avx512: return "avx512";
        case Isa::Avx512Bf16: return "avx512bf16";
    }
    return "?";
}

std::optional<Isa> parseIsa(std::string_view name) {
    for (Isa isa : {Isa::Baseline, Isa::Avx2, Isa::Avx512, Isa::Avx512Bf16})
        if (name == isaName(isa)) return isa;
    return std::nullopt;
}

Isa detectIsa() {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4"))
        return __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512vnni") ? Isa::Avx512Bf16 : Isa::Avx512;
    if (__builtin_cpu_supports("x86-64-v3")) return Isa::Avx2;
#endif
    return Isa::Baseline;
}

Isa activeIsa() {
    static const Isa active = [] {
        const Isa detected = detectIsa();
        const char* forced = std::getenv("PAGODA_CPU_ISA");
        const auto requested = forced ? parseIsa(forced) : std::nullopt;
        return requested ? std::min(*requested, detected) : detected;
    }();
    return active;
}

}  // namespace pagoda::cpu
