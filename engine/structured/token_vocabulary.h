// What the matcher needs of a tokenizer: each token's bytes, arranged as a prefix tree so one
// walk tests the whole vocabulary against a grammar state, skipping every token that shares a
// rejected prefix. Special tokens (added tokens marked special) never match text; the
// end-of-generation ids are allowed exactly when the grammar accepts.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace pagoda {
class Tokenizer;
}

namespace pagoda::structured {

class TokenVocabulary {
public:
    // tokenBytes[id] is what token id stands for; ids in `specialIds` and empty strings are
    // never matched as text. `eosIds` end a constrained output.
    TokenVocabulary(std::vector<std::string> tokenBytes, std::span<const int32_t> specialIds,
                    std::span<const int32_t> eosIds);
    static std::shared_ptr<const TokenVocabulary> fromTokenizer(const Tokenizer& tokenizer,
                                                                std::span<const int32_t> eosIds);

    size_t size() const { return m_tokenBytes.size(); }
    const std::string& bytes(int32_t id) const { return m_tokenBytes[size_t(id)]; }
    bool isEos(int32_t id) const;
    bool matchesText(int32_t id) const { return m_matchesText[size_t(id)]; }  // not special, not empty
    const std::vector<int32_t>& eosIds() const { return m_eosIds; }

    // The prefix tree in depth-first order. Node i spells byte nodeByte[i] at depth
    // nodeDepth[i] (1 = first byte); its subtree ends before subtreeEnd[i]; tokens
    // tokenIds[tokenBegin[i] .. tokenBegin[i + 1]) end exactly there.
    struct Trie {
        std::vector<uint8_t> nodeByte;
        std::vector<uint16_t> nodeDepth;
        std::vector<int32_t> subtreeEnd;
        std::vector<int32_t> tokenBegin;  // nodes + 1 entries
        std::vector<int32_t> tokenIds;
        size_t maxDepth = 0;
        // For skipping whole subtrees that loop on one state (string contents): the ASCII
        // bytes anywhere in node i's subtree (node i included), whether it has other bytes,
        // and whether every path from node i down is valid UTF-8 when node i starts a character.
        std::vector<std::array<uint64_t, 2>> subtreeAscii;
        std::vector<uint8_t> subtreeHasNonAscii;
        std::vector<uint8_t> subtreeIsUtf8;
        std::vector<uint16_t> subtreeHeight;  // bytes on the longest path from node i down, node i included
    };
    const Trie& trie() const { return m_trie; }

private:
    static void summarizeSubtrees(Trie& trie);

    std::vector<std::string> m_tokenBytes;
    std::vector<int32_t> m_eosIds;
    std::vector<char> m_matchesText;
    Trie m_trie;
};

}  // namespace pagoda::structured
