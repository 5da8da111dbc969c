// Errors raised while lexing, parsing or rendering a Jinja template. They are exceptions
// inside the interpreter only; ChatTemplate turns them into pagoda::Error values, so they
// never cross the component's public API.
#pragma once

#include <exception>
#include <string>
#include <utility>

namespace pagoda::jinja {

// 1-based line and column (in code points) of a construct in the template source;
// line 0 means "not known yet" and is filled in by the innermost node being evaluated.
struct SourceLocation {
    int line = 0;
    int column = 0;
};

// Mirrors the exception classes jinja2 and Python raise, so a message can be compared with
// what transformers' apply_chat_template reports for the same input.
enum class ErrorKind {
    Syntax,     // TemplateSyntaxError: the template text is malformed
    Assertion,  // TemplateAssertionError: unknown filter or test, found while parsing
    Undefined,  // UndefinedError: an undefined value was used
    Type,       // TypeError
    Value,      // ValueError
    ZeroDivision,  // ZeroDivisionError
    Security,   // SecurityError: the sandbox refused an operation
    Runtime,    // TemplateRuntimeError
    Raised,     // the template called raise_exception(message)
    Limit,      // a sandbox limit (iterations, depth, output size, work) was exceeded
};

// The Python-style name of a kind, used as the prefix of runtime error messages.
const char* errorKindName(ErrorKind kind);

class Exception : public std::exception {
public:
    Exception(ErrorKind kind, std::string message, SourceLocation location = {})
        : m_kind(kind), m_message(std::move(message)), m_location(location) {}

    ErrorKind kind() const { return m_kind; }
    const std::string& message() const { return m_message; }
    const SourceLocation& location() const { return m_location; }
    bool hasLocation() const { return m_location.line > 0; }
    void setLocation(SourceLocation location) { m_location = location; }
    const char* what() const noexcept override { return m_message.c_str(); }

private:
    ErrorKind m_kind;
    std::string m_message;
    SourceLocation m_location;
};

[[noreturn]] inline void fail(ErrorKind kind, std::string message, SourceLocation location = {}) {
    throw Exception(kind, std::move(message), location);
}

}  // namespace pagoda::jinja
