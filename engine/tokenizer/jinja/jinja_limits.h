// What one render of a template may consume. Chat templates come from downloaded models,
// so they are untrusted code: every way to loop, recurse or grow is bounded.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pagoda::jinja {

struct Limits {
    uint64_t maxLoopIterations = 1'000'000;  // over the whole render, nested loops included
    int maxCallDepth = 200;                  // nested macro calls
    int maxRenderDepth = 1000;               // nested statements, expressions and calls (C++ stack)
    size_t maxOutputBytes = 16u << 20;       // the output, and any one string built on the way
    size_t maxListItems = 1u << 20;          // any one list built on the way
    // Everything the render holds at once: its strings, lists, dicts, namespaces, loop items
    // and output buffers (see Budget and Charge). The context it was given is not counted.
    size_t maxRenderBytes = 64u << 20;
    uint64_t maxWork = 1ull << 30;           // work units (see Budget): about a second of rendering
};

}  // namespace pagoda::jinja
