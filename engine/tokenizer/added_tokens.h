// Added tokens (special tokens like <|im_start|> and extra vocabulary like <think>):
// found in the text before pre-tokenization so they are never split, honouring each
// token's lstrip / rstrip / single_word / normalized flags as HF tokenizers does.
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pagoda {

struct AddedToken {
    int32_t id = 0;
    std::string content;
    bool special = false;
    bool lstrip = false;
    bool rstrip = false;
    bool singleWord = false;
    bool normalized = false;  // matched against normalized text instead of raw text
};

// A stretch of input: either an added token or text still to be tokenized.
struct Segment {
    std::string_view text;
    int32_t addedTokenId = -1;  // ≥ 0 when this segment is an added token
};

class AddedTokenMatcher {
public:
    // Only the tokens whose `normalized` flag equals `normalizedPass` take part.
    AddedTokenMatcher(const std::vector<AddedToken>& tokens, bool normalizedPass);

    bool empty() const { return m_root.children.empty(); }
    // Splits `text` into segments, leftmost-longest match first; lstrip/rstrip swallow the
    // whitespace next to a match.
    void split(std::string_view text, std::vector<Segment>& out) const;

private:
    struct Node {
        std::map<unsigned char, std::unique_ptr<Node>> children;
        const AddedToken* token = nullptr;
    };
    const AddedToken* longestMatchAt(std::string_view text, size_t at, size_t& length) const;

    Node m_root;
    std::bitset<256> m_firstBytes;
};

}  // namespace pagoda
