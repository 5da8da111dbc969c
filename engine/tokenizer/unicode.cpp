#include "engine/tokenizer/unicode.h"

#include <cstdlib>
#include <memory>

#include <utf8proc.h>

namespace pagoda {

std::string normalizeUnicode(std::string_view text, NormalForm form) {
    // Pure ASCII is invariant under every normal form: skip the library call.
    bool ascii = true;
    for (unsigned char c : text) ascii &= c < 0x80;
    if (ascii) return std::string(text);

    int options = UTF8PROC_STABLE;
    switch (form) {
        case NormalForm::NFC: options |= UTF8PROC_COMPOSE; break;
        case NormalForm::NFD: options |= UTF8PROC_DECOMPOSE; break;
        case NormalForm::NFKC: options |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT; break;
        case NormalForm::NFKD: options |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT; break;
    }
    utf8proc_uint8_t* result = nullptr;
    const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()), utf8proc_ssize_t(text.size()),
                                &result, utf8proc_option_t(options));
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(result, &std::free);
    if (n < 0) return std::string(text);  // invalid UTF-8: callers validate before normalizing
    return std::string(reinterpret_cast<const char*>(result), size_t(n));
}

const std::array<char32_t, 256>& byteToUnicode() {
    static const std::array<char32_t, 256> table = [] {
        std::array<char32_t, 256> t{};
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
            t[size_t(b)] = printable ? char32_t(b) : next++;
        }
        return t;
    }();
    return table;
}

std::optional<uint8_t> unicodeToByte(char32_t c) {
    static const auto inverse = [] {
        std::array<int16_t, 512> inv;
        inv.fill(-1);
        const auto& table = byteToUnicode();
        for (int b = 0; b < 256; ++b) inv[table[size_t(b)]] = int16_t(b);
        return inv;
    }();
    if (c >= inverse.size() || inverse[c] < 0) return std::nullopt;
    return uint8_t(inverse[c]);
}

std::string byteLevelToBytes(std::string_view token) {
    std::string bytes;
    bytes.reserve(token.size());
    const auto* s = reinterpret_cast<const unsigned char*>(token.data());
    for (size_t i = 0; i < token.size();) {
        // The alphabet is U+0021..U+0143: one- and two-byte sequences only.
        char32_t c;
        if (s[i] < 0x80) {
            c = s[i++];
        } else if ((s[i] & 0xe0) == 0xc0 && i + 1 < token.size()) {
            c = char32_t(s[i] & 0x1f) << 6 | (s[i + 1] & 0x3f);
            i += 2;
        } else {
            return std::string(token);
        }
        const auto b = unicodeToByte(c);
        if (!b) return std::string(token);
        bytes += char(*b);
    }
    return bytes;
}

}  // namespace pagoda
