#include "engine/tokenizer/detokenizer.h"

#include <algorithm>

#include "engine/common/utf8.h"

namespace pagoda {

namespace {

// How many prompt ids prime the window: enough for a leading-space decision in every
// tokenizer we know (vLLM uses 5 as well).
constexpr size_t kPrimingIds = 5;

bool endsWithReplacementCharacter(const std::string& s) {
    return s.size() >= 3 && s.compare(s.size() - 3, 3, "\xef\xbf\xbd") == 0;
}

}  // namespace

Detokenizer::Detokenizer(const Tokenizer& tokenizer, std::span<const int32_t> promptIds, DetokenizerOptions options)
    : m_tokenizer(tokenizer), m_options(std::move(options)) {
    const size_t primed = std::min(kPrimingIds, promptIds.size());
    m_window.assign(promptIds.end() - long(primed), promptIds.end());
    m_prefixLength = m_window.size();
    auto prefix = m_tokenizer.decodeBytes(m_window, m_options.skipSpecialTokens);
    if (prefix) {
        m_prefixBytes = std::move(prefix).value();
    } else {  // an invalid prompt id: start unprimed rather than fail later
        m_window.clear();
        m_prefixLength = 0;
    }
}

Result<TextDelta> Detokenizer::push(int32_t id) {
    if (m_stopped) return TextDelta{{}, true, {}};
    m_window.push_back(id);
    auto decoded = m_tokenizer.decodeBytes(m_window, m_options.skipSpecialTokens);
    if (!decoded) {
        m_window.pop_back();
        return decoded.error();
    }
    std::string& full = *decoded;
    // Wait while the new text ends inside a character: an incomplete byte sequence
    // (byte-level BPE) or a U+FFFD the decoder made from a partial byte-fallback run.
    if (full.size() <= m_prefixBytes.size() || incompleteUtf8Suffix(full) > 0 || endsWithReplacementCharacter(full))
        return TextDelta{};
    std::string newText = toValidUtf8Lossy(std::string_view(full).substr(m_prefixBytes.size()));
    // Slide the window: what was new becomes the prefix of the next decode.
    m_window.erase(m_window.begin(), m_window.begin() + long(m_prefixLength));
    m_prefixLength = m_window.size();
    auto prefix = m_tokenizer.decodeBytes(m_window, m_options.skipSpecialTokens);
    m_prefixBytes = prefix ? std::move(prefix).value() : std::string();
    return release(std::move(newText), false);
}

TextDelta Detokenizer::finish() {
    if (m_stopped) return TextDelta{{}, true, {}};
    std::string rest;
    if (m_window.size() > m_prefixLength) {
        auto decoded = m_tokenizer.decodeBytes(m_window, m_options.skipSpecialTokens);
        if (decoded && decoded->size() > m_prefixBytes.size())
            rest = toValidUtf8Lossy(std::string_view(*decoded).substr(m_prefixBytes.size()));
        m_window.clear();
        m_prefixLength = 0;
        m_prefixBytes.clear();
    }
    return release(std::move(rest), true);
}

TextDelta Detokenizer::release(std::string newText, bool final) {
    TextDelta delta;
    m_pending += newText;
    // Earliest stop string in the text not yet emitted; emitted text was checked before, and
    // only a stop-string prefix is ever held back, so a match cannot start earlier.
    size_t stopAt = std::string::npos;
    for (const std::string& stop : m_options.stop) {
        if (stop.empty()) continue;
        const size_t at = m_pending.find(stop);
        if (at < stopAt || (at == stopAt && stop.size() > delta.stopString.size())) {
            stopAt = at;
            delta.stopString = stop;
        }
    }
    if (stopAt != std::string::npos) {
        delta.text = m_pending.substr(0, stopAt + (m_options.includeStopStrInOutput ? delta.stopString.size() : 0));
        delta.stopped = m_stopped = true;
        m_pending.clear();
        m_emitted += delta.text;
        return delta;
    }
    delta.stopString.clear();
    // Hold back the longest tail that is a proper prefix of some stop string.
    size_t hold = 0;
    if (!final) {
        for (const std::string& stop : m_options.stop)
            for (size_t k = std::min(stop.size() - (stop.empty() ? 0 : 1), m_pending.size()); k > hold; --k)
                if (m_pending.compare(m_pending.size() - k, k, stop, 0, k) == 0) {
                    hold = k;
                    break;
                }
    }
    delta.text = m_pending.substr(0, m_pending.size() - hold);
    m_pending.erase(0, m_pending.size() - hold);
    m_emitted += delta.text;
    return delta;
}

}  // namespace pagoda
