// Errors as values: what loaders, parsers and executors return across a boundary.
// (g++ 12 has no std::expected.) An Error's message names the input, what was found
// and what was expected.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace pagoda {

struct Error {
    std::string message;
};

// E is the error type: Error almost everywhere; the HTTP API uses one that carries a status.
template <class T, class E = Error>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(E error) : m_state(std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(m_state); }
    const T& value() const& { return std::get<0>(m_state); }
    T&& value() && { return std::get<0>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const E& error() const { return std::get<1>(m_state); }

private:
    std::variant<T, E> m_state;
};

// For operations that produce nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

inline Error makeError(std::string message) { return Error{std::move(message)}; }

}  // namespace pagoda
