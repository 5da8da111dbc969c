// Per-sequence random state for sampling. A sequence's draws depend only on its own seed and
// its own history, never on what else shares the batch, so a seeded request gives the same
// tokens under any batching. xoshiro256** (Blackman & Vigna) seeded through splitmix64: fixed
// integer arithmetic, so the stream is identical on every platform and compiler, unlike
// std::uniform_real_distribution whose output the standard leaves to the implementation.
#pragma once

#include <array>
#include <cstdint>

namespace pagoda {

class SamplerRng {
public:
    explicit SamplerRng(uint64_t seed) {
        // splitmix64 spreads any seed (0 included) over the whole state, which is never all zero.
        for (auto& word : m_state) {
            seed += 0x9e3779b97f4a7c15ULL;
            uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            word = z ^ (z >> 31);
        }
    }

    uint64_t next() {
        const uint64_t result = rotl(m_state[1] * 5, 7) * 9;
        const uint64_t t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

    // [0, 1) from the top 24 bits: every value is exact and 1.0 is never produced.
    float uniform() { return float(next() >> 40) * 0x1.0p-24f; }
    // [0, 1) from the top 53 bits; what the sampler uses, so tokens with tiny probability
    // in a 150k vocabulary are still reachable with the right frequency.
    double uniformDouble() { return double(next() >> 11) * 0x1.0p-53; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    std::array<uint64_t, 4> m_state{};
};

}  // namespace pagoda
