// Accounting for what one render consumes, so a hostile template can neither hang the
// process nor exhaust its memory. Work: deep copies, repr() and tojson of shared structures,
// string scans and equality charge units. Memory: every string, list and dict the render
// builds is charged while it lives (Charge), and anything that grows from a number (a
// repetition count, a format width, an indent) is checked before it is allocated
// (checkSize, checkItems, reserve). Both count against the render running on the calling
// thread; outside a render nothing is counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "engine/tokenizer/jinja/jinja_limits.h"

namespace pagoda::jinja {

class Budget {
public:
    // Installs this budget for the calling thread until it is destroyed.
    explicit Budget(const Limits& limits);
    ~Budget();
    Budget(const Budget&) = delete;
    Budget& operator=(const Budget&) = delete;

    // Work is counted in units of roughly the time to copy one byte. Evaluating a statement
    // or expression node, or calling a macro, costs about as much as copying this many.
    static constexpr uint64_t kStepUnits = 32;
    // What a list item costs in memory (a Value, rounded up); checked in jinja_value.cpp.
    static constexpr size_t kItemBytes = 32;

    // Adds `units` of work (bytes or items produced, values compared); fails with a Limit
    // error past Limits::maxWork.
    static void charge(uint64_t units);
    static void step() { charge(kStepUnits); }
    // Fails with a Limit error, naming `what`, unless `bytes` more fit in the render's
    // memory (Limits::maxRenderBytes) beside what it holds now. Call before allocating.
    static void reserve(size_t bytes, const char* what);
    // Fails with a Limit error when a string of `size` bytes is larger than
    // Limits::maxOutputBytes allows or would not fit (reserve).
    static void checkSize(size_t size, const char* what);
    // The same for a list of `count` items, against Limits::maxListItems.
    static void checkItems(size_t count, const char* what);

    // What the render on this thread holds now, in bytes; 0 outside a render.
    static size_t heldBytes();

private:
    friend class Charge;

    const Limits& m_limits;
    uint64_t m_work = 0;
    size_t m_held = 0;
    uint64_t m_serial;  // tells renders apart, so a late Charge never credits another one
    Budget* m_previous;
};

// Bytes a render holds while this object lives: the text of a string it built, a list's
// items, a capture buffer. Charged to the render running when first added to, and given
// back on destruction if that render is still running on this thread (values outliving
// their render, or made outside one, count nowhere).
class Charge {
public:
    Charge() = default;
    Charge(size_t bytes, const char* what) { add(bytes, what); }
    ~Charge();
    Charge(Charge&& other) noexcept
        : m_render(std::exchange(other.m_render, 0)), m_bytes(std::exchange(other.m_bytes, 0)) {}
    Charge& operator=(Charge&&) = delete;
    Charge(const Charge&) = delete;
    Charge& operator=(const Charge&) = delete;

    // Fails with a Limit error, charging nothing, when `bytes` more do not fit.
    void add(size_t bytes, const char* what);

private:
    uint64_t m_render = 0;
    size_t m_bytes = 0;
};

// Bookkeeping for a value's payload (a string, list, dict) on top of its own bytes: the
// shared_ptr control block, the object and the allocator's header.
constexpr size_t kPayloadOverhead = 64;

// A payload charged for as long as it lives.
template <class T>
struct Charged {
    template <class... Args>
    Charged(size_t bytes, const char* what, Args&&... args) : charge(bytes, what), value(std::forward<Args>(args)...) {}
    Charge charge;
    T value;
};

// `value` as a shared, immutable payload charged `bytes` + kPayloadOverhead.
template <class T>
std::shared_ptr<const T> makeCharged(T value, size_t bytes, const char* what) {
    auto holder = std::make_shared<const Charged<T>>(bytes + kPayloadOverhead, what, std::move(value));
    return std::shared_ptr<const T>(holder, &holder->value);
}

}  // namespace pagoda::jinja
