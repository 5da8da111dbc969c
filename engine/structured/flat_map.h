// Open-addressing hash tables keyed by 64-bit integers, for the matcher's hot paths (interning
// parser stacks, the closure's visited set): std::unordered_map allocates a node per entry
// and was a third of the time spent building masks.
#pragma once

#include <cstdint>
#include <vector>

namespace pagoda::structured {

inline uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    return x ^ (x >> 33);
}

// key -> int32 value; keys must not be ~0 (the empty marker).
class FlatMap64 {
public:
    FlatMap64() { m_slots.assign(64, {kEmpty, 0}); }

    // The value stored for `key`, or `value` after storing it. `added` says which.
    int32_t findOrInsert(uint64_t key, int32_t value, bool& added) {
        if ((m_size + 1) * 2 > m_slots.size()) grow();
        size_t i = mix64(key) & (m_slots.size() - 1);
        while (m_slots[i].key != kEmpty) {
            if (m_slots[i].key == key) {
                added = false;
                return m_slots[i].value;
            }
            i = (i + 1) & (m_slots.size() - 1);
        }
        m_slots[i] = {key, value};
        ++m_size;
        added = true;
        return value;
    }

private:
    static constexpr uint64_t kEmpty = ~uint64_t(0);
    struct Slot {
        uint64_t key;
        int32_t value;
    };

    void grow() {
        std::vector<Slot> old;
        old.swap(m_slots);
        m_slots.assign(old.size() * 2, {kEmpty, 0});
        for (const Slot& s : old) {
            if (s.key == kEmpty) continue;
            size_t i = mix64(s.key) & (m_slots.size() - 1);
            while (m_slots[i].key != kEmpty) i = (i + 1) & (m_slots.size() - 1);
            m_slots[i] = s;
        }
    }

    std::vector<Slot> m_slots;
    size_t m_size = 0;
};

// A set of 64-bit keys emptied in O(1): entries from older generations count as absent.
class FlatSet64 {
public:
    FlatSet64() { m_slots.assign(64, {0, 0}); }

    void clear() {
        ++m_generation;
        m_size = 0;
    }
    size_t size() const { return m_size; }

    bool insert(uint64_t key) {  // false when already present
        if ((m_size + 1) * 2 > m_slots.size()) grow();
        size_t i = mix64(key) & (m_slots.size() - 1);
        while (m_slots[i].generation == m_generation) {
            if (m_slots[i].key == key) return false;
            i = (i + 1) & (m_slots.size() - 1);
        }
        m_slots[i] = {key, m_generation};
        ++m_size;
        return true;
    }

private:
    struct Slot {
        uint64_t key;
        uint32_t generation;
    };

    void grow() {
        std::vector<Slot> old;
        old.swap(m_slots);
        m_slots.assign(old.size() * 2, {0, 0});
        for (const Slot& s : old) {
            if (s.generation != m_generation) continue;
            size_t i = mix64(s.key) & (m_slots.size() - 1);
            while (m_slots[i].generation == m_generation) i = (i + 1) & (m_slots.size() - 1);
            m_slots[i] = s;
        }
    }

    std::vector<Slot> m_slots;
    uint32_t m_generation = 1;
    size_t m_size = 0;
};

}  // namespace pagoda::structured
