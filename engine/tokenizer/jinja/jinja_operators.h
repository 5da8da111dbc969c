// Python's operators on template values: arithmetic, comparison, membership, iteration,
// indexing and slicing, with the same results and the same TypeError wording, since a
// chat template's output (and its failures) must match jinja2's byte for byte.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "engine/tokenizer/jinja/jinja_ast.h"
#include "engine/tokenizer/jinja/jinja_value.h"

namespace pagoda::jinja {

// Using an undefined value in an operation raises jinja2's UndefinedError with its reason.
[[noreturn]] void raiseUndefined(const Value& undefined);

// + - * / // % ** on numbers, strings and lists. Strings and lists larger than the render's
// size limit are refused before they are built.
Value arithmetic(BinaryOp op, const Value& a, const Value& b);
Value unary(UnaryOp op, const Value& v);
bool compare(CompareOp op, const Value& a, const Value& b);
bool contains(const Value& container, const Value& item);  // item in container
// Three-way comparison for sort, min and max; TypeError across incomparable types.
int order(const Value& a, const Value& b);

// iter(v) materialized: list and tuple items, dict keys, the characters of a string; an
// undefined value iterates as empty. TypeError for anything else.
std::vector<Value> iterate(const Value& v);

// `a ~ b`: str(a) + str(b), its size checked before it is built.
Value concat(const Value& a, const Value& b);
// len(v) for strings (in code points), lists and dicts; TypeError otherwise.
size_t length(const Value& v);

// seq[start:stop:step] on lists, tuples and strings, with Python's index clamping.
Value slice(const Value& v, std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step);
// seq[index] with negative indices; nullopt when out of range or not indexable that way.
std::optional<Value> indexSequence(const Value& v, int64_t index);

}  // namespace pagoda::jinja
