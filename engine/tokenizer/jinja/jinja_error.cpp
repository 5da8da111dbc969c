#include "engine/tokenizer/jinja/jinja_error.h"

namespace pagoda::jinja {

const char* errorKindName(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Syntax: return "TemplateSyntaxError";
        case ErrorKind::Assertion: return "TemplateAssertionError";
        case ErrorKind::Undefined: return "UndefinedError";
        case ErrorKind::Type: return "TypeError";
        case ErrorKind::Value: return "ValueError";
        case ErrorKind::ZeroDivision: return "ZeroDivisionError";
        case ErrorKind::Security: return "SecurityError";
        case ErrorKind::Runtime: return "TemplateRuntimeError";
        case ErrorKind::Raised: return "raise_exception";
        case ErrorKind::Limit: return "sandbox limit";
    }
    return "error";
}

}  // namespace pagoda::jinja
