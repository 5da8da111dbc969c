#include "engine/tokenizer/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

namespace pagoda {

struct Regex::Compiled {
    pcre2_code* code = nullptr;
    ~Compiled() { pcre2_code_free(code); }
};

namespace {

// Match data is per thread: the same tokenizer may encode on several threads at once.
struct MatchData {
    pcre2_match_data* data = pcre2_match_data_create(8, nullptr);
    ~MatchData() { pcre2_match_data_free(data); }
};

}  // namespace

Result<Regex> Regex::compile(const std::string& pattern) {
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                     PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &errorCode, &errorOffset, nullptr);
    if (!code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(errorCode, message, sizeof message);
        return makeError(fmt::format("regex '{}' does not compile at offset {}: {}", pattern, errorOffset,
                                     reinterpret_cast<const char*>(message)));
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter if JIT is unavailable
    auto compiled = std::make_shared<Compiled>();
    compiled->code = code;
    return Regex(std::move(compiled));
}

void Regex::findAll(std::string_view text, std::vector<std::pair<size_t, size_t>>& matches) const {
    thread_local MatchData match;
    matches.clear();
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t offset = 0;
    while (offset <= text.size()) {
        // The text was validated once by the caller; skip PCRE2's per-call UTF check.
        const int rc = pcre2_match(m_compiled->code, subject, text.size(), offset, PCRE2_NO_UTF_CHECK, match.data,
                                   nullptr);
        if (rc < 0) break;
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match.data);
        const size_t begin = ovector[0], end = ovector[1];
        if (end > begin) {
            matches.emplace_back(begin, end);
            offset = end;
        } else {
            // Empty match: step one whole character forward.
            if (begin >= text.size()) break;
            offset = begin + 1;
            while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xc0) == 0x80) ++offset;
        }
    }
}

}  // namespace pagoda
