// Byte-pair encoding over one pre-tokenized piece: the "model" of tokenizer.json (type BPE)
// and of tiktoken files. Symbols start as single bytes (byte-level vocabularies, stored here
// as raw bytes) or single characters (SentencePiece-style, with byte fallback), and the
// lowest-ranked adjacent pair is merged until none is left, as HF tokenizers and tiktoken do.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/common/result.h"

namespace pagoda {

class BpeModel {
public:
    struct Options {
        bool byteLevel = true;           // tokens are raw bytes; every single byte is a token
        bool byteFallback = false;       // unknown characters become <0xXX> tokens
        std::optional<int32_t> unkId;    // else unknown characters are an error-free unk
        bool fuseUnk = false;
        bool ignoreMerges = false;       // a piece that is itself a token is emitted whole (Llama 3)
    };

    struct MergeRule {
        int32_t left, right;
        int32_t rank;  // lower merges first; ties go to the leftmost pair
    };

    // `tokens[id]` is each token's bytes (ids without a token are empty and never produced);
    // each merge joins two tokens into the token spelled by their concatenation.
    static Result<std::unique_ptr<BpeModel>> create(std::vector<std::string> tokens,
                                                    const std::vector<MergeRule>& merges, Options options);

    void encode(std::string_view piece, std::vector<int32_t>& ids) const;

    std::optional<int32_t> tokenToId(std::string_view token) const;
    const std::string& idToToken(int32_t id) const { return m_tokens[size_t(id)]; }
    size_t size() const { return m_tokens.size(); }

private:
    struct Merge {
        int32_t rank;
        int32_t merged;
    };
    static uint64_t pairKey(int32_t a, int32_t b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }
    void initialSymbols(std::string_view piece, std::vector<int32_t>& symbols) const;
    void mergeSymbols(std::vector<int32_t>& symbols) const;
    BpeModel() = default;

    std::vector<std::string> m_tokens;
    // Transparent hashing: look tokens up by string_view without building a std::string.
    struct TokenHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    std::unordered_map<std::string, int32_t, TokenHash, std::equal_to<>> m_ids;
    std::unordered_map<uint64_t, Merge> m_merges;
    std::array<int32_t, 256> m_byteIds{};     // token id of each single byte (byte level, fallback)
    Options m_options;

    // Pieces repeat constantly in real text; caching their ids makes encoding mostly lookups.
    static constexpr size_t kCacheLimit = 1 << 16;
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int32_t>> m_cache;
};

}  // namespace pagoda
