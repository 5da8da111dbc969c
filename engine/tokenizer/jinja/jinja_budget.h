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

    // Adds `units` of work (evaluation steps, or bytes and items produced); fails with a
    // Limit error past Limits::maxWork.
    static void charge(uint64_t units);
    // Fails with a Limit error when a string or list of `size` bytes or items is larger
    // than Limits::maxOutputBytes allows.
    static void checkSize(size_t size, const char* what);

private:
    const Limits& m_limits;
    uint64_t m_work = 0;
    Budget* m_previous;
};

}  // namespace pagoda::jinja
