// UTF-8 handling for text that arrives from files, users and token streams.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pagoda {

// The byte offset of the first byte that is not part of a well-formed UTF-8 sequence
// (overlong forms, surrogates and code points past U+10FFFF count as malformed), or
// nothing when the whole text is valid.
std::optional<size_t> firstInvalidUtf8Byte(std::string_view text);

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for invalid lead bytes,
// so a scan always advances).
inline size_t utf8SequenceLength(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xe) return 3;
    if ((lead >> 3) == 0x1e) return 4;
    return 1;
}

void appendUtf8(std::string& out, char32_t codePoint);

// Decodes UTF-8 into code points; each maximal malformed subpart becomes U+FFFD.
std::u32string decodeUtf8(std::string_view text);

// Replaces every malformed sequence with U+FFFD, as Rust's String::from_utf8_lossy does
// (one replacement per maximal invalid subpart).
std::string toValidUtf8Lossy(std::string_view bytes);

// Bytes at the end of `text` that start a UTF-8 sequence which is not complete yet but could
// still become valid with more bytes (0 to 3). Streaming holds these back.
size_t incompleteUtf8Suffix(std::string_view text);

}  // namespace pagoda
