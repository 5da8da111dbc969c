#include "engine/tokenizer/added_tokens.h"

#include <utf8proc.h>

#include "engine/common/utf8.h"

namespace pagoda {

namespace {

char32_t codePointAt(std::string_view text, size_t at) {
    const std::u32string one = decodeUtf8(text.substr(at, utf8SequenceLength(static_cast<unsigned char>(text[at]))));
    return one.empty() ? 0 : one[0];
}

// Start of the code point that ends just before `at`.
size_t previousCodePoint(std::string_view text, size_t at) {
    size_t p = at - 1;
    while (p > 0 && (static_cast<unsigned char>(text[p]) & 0xc0) == 0x80) --p;
    return p;
}

bool isWhitespace(char32_t c) {
    return (c >= 9 && c <= 13) || c == 0x85 || utf8proc_category(utf8proc_int32_t(c)) == UTF8PROC_CATEGORY_ZS ||
           c == 0x2028 || c == 0x2029;
}

bool isWordCharacter(char32_t c) {
    const auto category = utf8proc_category(utf8proc_int32_t(c));
    return c == '_' || (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO) ||
           (category >= UTF8PROC_CATEGORY_ND && category <= UTF8PROC_CATEGORY_NO) ||
           (category >= UTF8PROC_CATEGORY_MN && category <= UTF8PROC_CATEGORY_ME);
}

}  // namespace

AddedTokenMatcher::AddedTokenMatcher(const std::vector<AddedToken>& tokens, bool normalizedPass) {
    for (const AddedToken& token : tokens) {
        if (token.normalized != normalizedPass || token.content.empty()) continue;
        Node* node = &m_root;
        for (unsigned char c : token.content) {
            auto& child = node->children[c];
            if (!child) child = std::make_unique<Node>();
            node = child.get();
        }
        if (!node->token) node->token = &token;
        m_firstBytes.set(static_cast<unsigned char>(token.content[0]));
    }
}

const AddedToken* AddedTokenMatcher::longestMatchAt(std::string_view text, size_t at, size_t& length) const {
    const Node* node = &m_root;
    const AddedToken* best = nullptr;
    for (size_t i = at; i < text.size(); ++i) {
        const auto it = node->children.find(static_cast<unsigned char>(text[i]));
        if (it == node->children.end()) break;
        node = it->second.get();
        if (node->token) {
            best = node->token;
            length = i + 1 - at;
        }
    }
    return best;
}

void AddedTokenMatcher::split(std::string_view text, std::vector<Segment>& out) const {
    size_t textStart = 0;  // start of the pending plain-text segment
    size_t at = 0;
    while (at < text.size()) {
        size_t length = 0;
        const AddedToken* token = m_firstBytes.test(static_cast<unsigned char>(text[at])) ? longestMatchAt(text, at, length)
                                                                                          : nullptr;
        if (token && token->singleWord) {
            const bool wordBefore = at > 0 && isWordCharacter(codePointAt(text, previousCodePoint(text, at)));
            const bool wordAfter = at + length < text.size() && isWordCharacter(codePointAt(text, at + length));
            if (wordBefore || wordAfter) token = nullptr;
        }
        if (!token) {
            ++at;
            continue;
        }
        size_t begin = at, end = at + length;
        if (token->lstrip)
            while (begin > textStart && isWhitespace(codePointAt(text, previousCodePoint(text, begin))))
                begin = previousCodePoint(text, begin);
        if (token->rstrip)
            while (end < text.size() && isWhitespace(codePointAt(text, end)))
                end += utf8SequenceLength(static_cast<unsigned char>(text[end]));
        if (begin > textStart) out.push_back({text.substr(textStart, begin - textStart), -1});
        out.push_back({text.substr(begin, end - begin), token->id});
        textStart = at = end;
    }
    if (textStart < text.size()) out.push_back({text.substr(textStart), -1});
}

}  // namespace pagoda
