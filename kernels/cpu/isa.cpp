#include "kernels/cpu/isa.h"

#include <algorithm>
#include <cstdlib>

#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace pagoda::cpu {

const char* isaName(Isa isa) {
    switch (isa) {
        case Isa::Baseline: return "baseline";
        case Isa::Avx2: return "avx2";
        case Isa::Avx512: return "avx512";
        case Isa::Avx512Bf16: return "avx512bf16";
        case Isa::Amx: return "amx";
    }
    return "?";
}

std::optional<Isa> parseIsa(std::string_view name) {
    for (Isa isa : {Isa::Baseline, Isa::Avx2, Isa::Avx512, Isa::Avx512Bf16, Isa::Amx})
        if (name == isaName(isa)) return isa;
    return std::nullopt;
}

namespace {

// Linux keeps AMX tile data out of a process's saved state until the process asks for it
// (arch_prctl ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA); the permission covers every thread.
// A kernel that refuses (too old, or seccomp) leaves the CPU at Avx512Bf16.
bool amxPermitted() {
#if defined(__linux__) && defined(__x86_64__)
    constexpr long kArchReqXcompPerm = 0x1023;
    constexpr long kXfeatureXtiledata = 18;
    static const bool permitted = syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
    return permitted;
#else
    return false;
#endif
}

}  // namespace

Isa detectIsa() {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) {
        if (!__builtin_cpu_supports("avx512bf16") || !__builtin_cpu_supports("avx512vnni")) return Isa::Avx512;
        const bool amx = __builtin_cpu_supports("amx-tile") && __builtin_cpu_supports("amx-bf16");
        return amx && amxPermitted() ? Isa::Amx : Isa::Avx512Bf16;
    }
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
