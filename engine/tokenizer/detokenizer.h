// Incremental detokenization for streams: fed one generated id at a time, it returns text
// deltas whose concatenation is the full decode, never splitting a UTF-8 character, and it
// matches stop strings across token boundaries, holding back only text that could still
// turn out to be the start of one. The approach is HF tokenizers' DecodeStream (decode a
// short window and emit what grew), made byte-aware like llama.cpp's validate_utf8.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/common/result.h"
#include "engine/tokenizer/tokenizer.h"

namespace pagoda {

struct DetokenizerOptions {
    bool skipSpecialTokens = true;
    std::vector<std::string> stop;       // stop strings; generation ends at the first found
    bool includeStopStrInOutput = false;
};

struct TextDelta {
    std::string text;        // new final text (may be empty while characters are incomplete)
    bool stopped = false;    // a stop string was found; nothing more will be emitted
    std::string stopString;  // which one
};

class Detokenizer {
public:
    // The tail of the prompt primes the window, so the first generated token decodes with
    // the leading space (or not) it has in context.
    Detokenizer(const Tokenizer& tokenizer, std::span<const int32_t> promptIds, DetokenizerOptions options);

    Result<TextDelta> push(int32_t id);
    // Ends the stream: releases what was held back (an unfinished character becomes U+FFFD).
    TextDelta finish();

    const std::string& emittedText() const { return m_emitted; }

private:
    TextDelta release(std::string newText, bool final);

    const Tokenizer& m_tokenizer;
    DetokenizerOptions m_options;

    std::vector<int32_t> m_window;  // ids whose text is being decoded together
    size_t m_prefixLength = 0;      // leading ids of m_window already turned into text
    std::string m_prefixBytes;      // decode of m_window[0, m_prefixLength)

    std::string m_pending;  // decoded text not yet emitted (possible stop-string prefix)
    std::string m_emitted;
    bool m_stopped = false;
};

}  // namespace pagoda
