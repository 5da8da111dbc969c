// The tokenizer pipeline of HF tokenizers, used for tokenizer.json and tiktoken files alike:
// added tokens → normalizer → pre-tokenizer → BPE → post-processor, and back through the
// decoder.
#pragma once

#include <unordered_map>

#include "engine/tokenizer/added_tokens.h"
#include "engine/tokenizer/bpe_model.h"
#include "engine/tokenizer/decoder.h"
#include "engine/tokenizer/normalizer.h"
#include "engine/tokenizer/pre_tokenizer.h"
#include "engine/tokenizer/tokenizer.h"

namespace pagoda {

struct BpeTokenizerParts {
    std::unique_ptr<BpeModel> model;
    std::vector<AddedToken> addedTokens;
    std::unique_ptr<Normalizer> normalizer;      // may be null
    std::unique_ptr<PreTokenizer> preTokenizer;  // may be null
    std::unique_ptr<Decoder> decoder;            // may be null
    std::vector<int32_t> prefixIds;              // added around a sequence by addSpecialTokens
    std::vector<int32_t> suffixIds;
    // Byte-level vocabularies store added tokens' decoded form separately (see tokenizer_json.cpp).
    std::unordered_map<int32_t, std::string> addedTokenBytes;
};

class BpeTokenizer final : public Tokenizer {
public:
    explicit BpeTokenizer(BpeTokenizerParts parts);

    Result<std::vector<int32_t>> encode(std::string_view text, bool addSpecialTokens) const override;
    Result<std::string> decodeBytes(std::span<const int32_t> ids, bool skipSpecialTokens) const override;
    size_t vocabSize() const override { return m_vocabSize; }
    std::optional<int32_t> tokenToId(std::string_view token) const override;
    bool isSpecial(int32_t id) const override;

private:
    void encodeText(std::string_view text, std::vector<int32_t>& ids) const;
    void applyConfigFlags(std::vector<int32_t>& prefix, std::vector<int32_t>& suffix) const;

    BpeTokenizerParts m_parts;
    AddedTokenMatcher m_rawMatcher;         // added tokens matched in the raw text
    AddedTokenMatcher m_normalizedMatcher;  // those matched after normalization
    std::unordered_map<int32_t, const AddedToken*> m_addedById;
    std::unordered_map<std::string, int32_t> m_addedByContent;
    size_t m_vocabSize = 0;
};

}  // namespace pagoda
