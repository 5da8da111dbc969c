#include "engine/structured/token_vocabulary.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "engine/structured/utf8_ranges.h"
#include "engine/tokenizer/tokenizer.h"

namespace pagoda::structured {

TokenVocabulary::TokenVocabulary(std::vector<std::string> tokenBytes, std::span<const int32_t> specialIds,
                                 std::span<const int32_t> eosIds)
    : m_tokenBytes(std::move(tokenBytes)), m_eosIds(eosIds.begin(), eosIds.end()) {
    std::vector<char> excluded(m_tokenBytes.size(), 0);
    for (int32_t id : specialIds)
        if (id >= 0 && size_t(id) < excluded.size()) excluded[size_t(id)] = 1;
    for (int32_t id : m_eosIds)
        if (id >= 0 && size_t(id) < excluded.size()) excluded[size_t(id)] = 1;

    // Sorting the byte strings puts every token right after its prefixes, so one pass builds
    // the tree in depth-first order: a node per byte that extends the previous token's path.
    std::vector<int32_t> order;
    m_matchesText.assign(m_tokenBytes.size(), 0);
    for (size_t id = 0; id < m_tokenBytes.size(); ++id)
        if (!excluded[id] && !m_tokenBytes[id].empty()) {
            order.push_back(int32_t(id));
            m_matchesText[id] = 1;
        }
    std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        const std::string& x = m_tokenBytes[size_t(a)];
        const std::string& y = m_tokenBytes[size_t(b)];
        return x != y ? x < y : a < b;
    });
    Trie& t = m_trie;
    std::vector<int32_t> path;  // node index per depth along the current path
    std::string current;
    for (int32_t id : order) {
        const std::string& bytes = m_tokenBytes[size_t(id)];
        size_t common = 0;
        while (common < current.size() && common < bytes.size() && current[common] == bytes[common]) ++common;
        for (size_t d = common; d < path.size(); ++d) t.subtreeEnd[size_t(path[d])] = int32_t(t.nodeByte.size());
        path.resize(common);
        for (size_t d = common; d < bytes.size(); ++d) {
            path.push_back(int32_t(t.nodeByte.size()));
            t.nodeByte.push_back(uint8_t(bytes[d]));
            t.nodeDepth.push_back(uint16_t(std::min<size_t>(d + 1, 0xFFFF)));
            t.subtreeEnd.push_back(0);
            t.tokenBegin.push_back(int32_t(t.tokenIds.size()));
        }
        current = bytes;
        t.maxDepth = std::max(t.maxDepth, bytes.size());
        // Tokens come sorted, so all tokens ending at this node are added before any child.
        t.tokenIds.push_back(id);
    }
    for (int32_t node : path) t.subtreeEnd[size_t(node)] = int32_t(t.nodeByte.size());
    t.tokenBegin.push_back(int32_t(t.tokenIds.size()));
    summarizeSubtrees(t);
}

// Children come after their parent in depth-first order, so one pass from the end sees every
// child's summary before its parent's.
void TokenVocabulary::summarizeSubtrees(Trie& t) {
    const size_t n = t.nodeByte.size();
    t.subtreeAscii.assign(n, {0, 0});
    t.subtreeHasNonAscii.assign(n, 0);
    t.subtreeIsUtf8.assign(n, 0);
    t.subtreeHeight.assign(n, 1);
    std::vector<uint8_t> validFrom(n, 0);  // bit u: every path from node i is valid UTF-8 starting in state u
    for (size_t i = n; i-- > 0;) {
        const uint8_t b = t.nodeByte[i];
        auto& ascii = t.subtreeAscii[i];
        if (b < 0x80) ascii[b >> 6] |= uint64_t(1) << (b & 63);
        uint8_t nonAscii = b >= 0x80;
        uint8_t childrenValid = 0xFF;  // per state after this node's byte
        for (size_t c = i + 1; c < size_t(t.subtreeEnd[i]); c = size_t(t.subtreeEnd[c])) {
            ascii[0] |= t.subtreeAscii[c][0];
            ascii[1] |= t.subtreeAscii[c][1];
            nonAscii |= t.subtreeHasNonAscii[c];
            childrenValid &= validFrom[c];
            t.subtreeHeight[i] = std::max<uint16_t>(t.subtreeHeight[i], uint16_t(t.subtreeHeight[c] + 1));
        }
        t.subtreeHasNonAscii[i] = nonAscii;
        for (int u = 0; u < kUtf8States; ++u) {
            const int next = utf8Step(u, b);
            if (next >= 0 && ((childrenValid >> next) & 1)) validFrom[i] |= uint8_t(1u << u);
        }
        t.subtreeIsUtf8[i] = validFrom[i] & 1;
    }
}

bool TokenVocabulary::isEos(int32_t id) const {
    return std::find(m_eosIds.begin(), m_eosIds.end(), id) != m_eosIds.end();
}

std::shared_ptr<const TokenVocabulary> TokenVocabulary::fromTokenizer(const Tokenizer& tokenizer,
                                                                      std::span<const int32_t> eosIds) {
    // A token's bytes are taken after a fixed prefix token and the prefix's own bytes cut off:
    // decoders that drop a leading space at the start of a text (SentencePiece's "▁") would
    // otherwise lose it.
    const size_t n = tokenizer.vocabSize();
    int32_t prefix = tokenizer.tokenToId("a").value_or(-1);
    std::string prefixBytes;
    if (prefix >= 0) {
        const int32_t one[] = {prefix};
        auto bytes = tokenizer.decodeBytes(one, false);
        if (bytes && !bytes->empty()) prefixBytes = *bytes;
        else prefix = -1;
    }
    std::vector<std::string> tokenBytes(n);
    std::vector<int32_t> special;
    for (size_t id = 0; id < n; ++id) {
        if (tokenizer.isSpecial(int32_t(id))) {
            special.push_back(int32_t(id));
            continue;
        }
        if (prefix >= 0) {
            const int32_t pair[] = {prefix, int32_t(id)};
            auto bytes = tokenizer.decodeBytes(pair, false);
            if (bytes && bytes->compare(0, prefixBytes.size(), prefixBytes) == 0) {
                tokenBytes[id] = bytes->substr(prefixBytes.size());
                continue;
            }
        }
        const int32_t one[] = {int32_t(id)};
        auto bytes = tokenizer.decodeBytes(one, false);
        if (bytes) tokenBytes[id] = std::move(bytes).value();
    }
    // SentencePiece byte-fallback tokens stand for one raw byte, which decoding alone turns
    // into U+FFFD when it is not a whole character.
    for (int b = 0; b < 256; ++b)
        if (const auto id = tokenizer.tokenToId(fmt::format("<0x{:02X}>", b)); id && size_t(*id) < n && !tokenizer.isSpecial(*id))
            tokenBytes[size_t(*id)] = std::string(1, char(b));
    return std::make_shared<const TokenVocabulary>(std::move(tokenBytes), special, eosIds);
}

}  // namespace pagoda::structured
