// Accounting for the work one render does, so a hostile template cannot hang the process:
// deep copies, repr() and tojson of shared structures, and equality all charge the render
// running on the calling thread. Outside a render nothing is counted.
#pragma once

#include <cstddef>
#include <cstdint>

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

    // Adds `units` of work (bytes or items produced, values compared); fails with a Limit
    // error past Limits::maxWork.
    static void charge(uint64_t units);
    static void step() { charge(kStepUnits); }
    // Fails with a Limit error when a string or list of `size` bytes or items is larger
    // than Limits::maxOutputBytes allows.
    static void checkSize(size_t size, const char* what);
    // The same for a list of `count` items, against Limits::maxListItems.
    static void checkItems(size_t count, const char* what);

private:
    const Limits& m_limits;
    uint64_t m_work = 0;
    Budget* m_previous;
};

}  // namespace pagoda::jinja
