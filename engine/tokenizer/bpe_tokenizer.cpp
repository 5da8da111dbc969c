#include "engine/tokenizer/bpe_tokenizer.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/common/utf8.h"

namespace pagoda {

BpeTokenizer::BpeTokenizer(BpeTokenizerParts parts)
    : m_parts(std::move(parts)),
      m_rawMatcher(m_parts.addedTokens, false),
      m_normalizedMatcher(m_parts.addedTokens, true) {
    m_vocabSize = m_parts.model->size();
    for (const AddedToken& token : m_parts.addedTokens) {
        m_addedById.emplace(token.id, &token);
        m_addedByContent.emplace(token.content, token.id);
        m_vocabSize = std::max(m_vocabSize, size_t(token.id) + 1);
    }
}

void BpeTokenizer::encodeText(std::string_view text, std::vector<int32_t>& ids) const {
    std::string normalized(text);
    if (m_parts.normalizer) m_parts.normalizer->normalize(normalized);
    std::vector<Segment> segments;
    if (m_normalizedMatcher.empty()) {
        segments.push_back({normalized, -1});
    } else {
        m_normalizedMatcher.split(normalized, segments);
    }
    std::vector<std::string> pieces;
    for (const Segment& segment : segments) {
        if (segment.addedTokenId >= 0) {
            ids.push_back(segment.addedTokenId);
            continue;
        }
        pieces.assign(1, std::string(segment.text));
        if (m_parts.preTokenizer) m_parts.preTokenizer->split(pieces);
        for (const std::string& piece : pieces) m_parts.model->encode(piece, ids);
    }
}

// tokenizer_config.json's add_bos_token / add_eos_token, when given, decide over the
// post-processor, as transformers' Llama tokenizers rebuild their template from them.
void BpeTokenizer::applyConfigFlags(std::vector<int32_t>& prefix, std::vector<int32_t>& suffix) const {
    const SpecialTokens& special = specialTokens();
    auto enforce = [](std::vector<int32_t>& ids, std::optional<bool> wanted, std::optional<int32_t> id, bool front) {
        if (!wanted || !id) return;
        const auto at = front ? ids.begin() : ids.end() - (ids.empty() ? 0 : 1);
        const bool present = !ids.empty() && *at == *id;
        if (*wanted && !present) ids.insert(front ? ids.begin() : ids.end(), *id);
        if (!*wanted && present) ids.erase(at);
    };
    enforce(prefix, special.addBosToken, special.bosId, true);
    enforce(suffix, special.addEosToken, special.eosId, false);
}

Result<std::vector<int32_t>> BpeTokenizer::encode(std::string_view text, bool addSpecialTokens) const {
    if (auto bad = firstInvalidUtf8Byte(text))
        return makeError(fmt::format("text is not valid UTF-8 (byte {} of {})", *bad, text.size()));
    std::vector<int32_t> ids;
    std::vector<int32_t> suffix;
    if (addSpecialTokens) {
        ids = m_parts.prefixIds;
        suffix = m_parts.suffixIds;
        applyConfigFlags(ids, suffix);
    }
    std::vector<Segment> segments;
    m_rawMatcher.split(text, segments);
    for (const Segment& segment : segments) {
        if (segment.addedTokenId >= 0)
            ids.push_back(segment.addedTokenId);
        else
            encodeText(segment.text, ids);
    }
    ids.insert(ids.end(), suffix.begin(), suffix.end());
    return ids;
}

Result<std::string> BpeTokenizer::decodeBytes(std::span<const int32_t> ids, bool skipSpecialTokens) const {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int32_t id : ids) {
        if (id < 0 || size_t(id) >= m_vocabSize)
            return makeError(fmt::format("token id {} is outside the vocabulary (0..{})", id, m_vocabSize - 1));
        if (const auto added = m_addedById.find(id); added != m_addedById.end()) {
            if (skipSpecialTokens && added->second->special) continue;
            const auto bytes = m_parts.addedTokenBytes.find(id);
            tokens.push_back(bytes != m_parts.addedTokenBytes.end() ? bytes->second : added->second->content);
        } else if (size_t(id) < m_parts.model->size() && !m_parts.model->idToToken(id).empty()) {
            tokens.push_back(m_parts.model->idToToken(id));
        } else {
            return makeError(fmt::format("token id {} has no token in this vocabulary", id));
        }
    }
    if (m_parts.decoder) m_parts.decoder->decode(tokens);
    std::string text;
    for (const std::string& t : tokens) text += t;
    return text;
}

std::optional<int32_t> BpeTokenizer::tokenToId(std::string_view token) const {
    if (const auto it = m_addedByContent.find(std::string(token)); it != m_addedByContent.end()) return it->second;
    return m_parts.model->tokenToId(token);
}

bool BpeTokenizer::isSpecial(int32_t id) const {
    const auto it = m_addedById.find(id);
    return it != m_addedById.end() && it->second->special;
}

}  // namespace pagoda
