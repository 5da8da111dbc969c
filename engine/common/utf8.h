// UTF-8 validation for text that arrives from files and users.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace pagoda {

// The byte offset of the first byte that is not part of a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF count as malformed), or
// nothing when the whole text is valid.
std::optional<size_t> firstInvalidUtf8Byte(std::string_view text);

}  // namespace pagoda
