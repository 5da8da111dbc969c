// Unicode services the tokenizers share: normalization forms (utf8proc) and GPT-2's
// byte ↔ printable-character table for byte-level BPE.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pagoda {

enum class NormalForm { NFC, NFD, NFKC, NFKD };

// `text` must be valid UTF-8. Embedded NULs are kept.
std::string normalizeUnicode(std::string_view text, NormalForm form);

// The byte-level BPE alphabet (GPT-2 `bytes_to_unicode`): every byte maps to one printable
// character so vocabularies can be stored as text.
const std::array<char32_t, 256>& byteToUnicode();
// Inverse of byteToUnicode for one character; nothing if it is not in the alphabet.
std::optional<uint8_t> unicodeToByte(char32_t c);

// A byte-level vocabulary's token (spelled in that alphabet) as the bytes it stands for. A
// token with characters outside the alphabet is kept as its UTF-8, as HF's ByteLevel
// decoder does (added tokens such as "<|im_start|>" are spelled plainly).
std::string byteLevelToBytes(std::string_view token);

}  // namespace pagoda
