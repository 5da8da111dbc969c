#include "engine/tokenizer/gguf_tokenizer.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "engine/common/utf8.h"
#include "engine/tokenizer/bpe_tokenizer.h"
#include "engine/tokenizer/unicode.h"

namespace pagoda {

namespace {

using nlohmann::json;

// The Split regexes of the models' own tokenizer.json files (THUDM's pat_str for GLM-4).
constexpr const char* kQwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kLlama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// What a tokenizer.ggml.pre name stands for: the Hugging Face pipeline of the tokenizer
// llama.cpp's converter recognised when it wrote the name.
struct PreTokenizerRow {
    std::vector<const char*> names;
    const char* pattern;  // Split(Isolated) before ByteLevel; nullptr: GPT-2's ByteLevel regex
    bool nfc;             // Qwen2's tokenizer.json normalizes to NFC first
    bool ignoreMerges;    // a piece that is itself a token is emitted whole (tokenizer.json ignore_merges)
    bool addBosByDefault; // when the file has no tokenizer.ggml.add_bos_token (llama.cpp's default)
};

const std::vector<PreTokenizerRow>& preTokenizerTable() {
    static const std::vector<PreTokenizerRow> rows = {
        {{"qwen2"}, kQwen2Pattern, true, false, false},             // Qwen2, Qwen2.5, Qwen3
        {{"deepseek-r1-qwen"}, kQwen2Pattern, false, false, false},  // DeepSeek-R1-Distill-Qwen: no NFC
        // Llama 3. llama.cpp's converter names Meta's first tokenizer.json (no BOS in its
        // post-processor) "smaug-bpe"; its pipeline is Llama 3's.
        {{"llama-bpe", "llama3", "llama-v3", "smaug-bpe"}, kLlama3Pattern, false, true, true},
        // GLM-4 (HF tokenizer.json) and glm-4-9b-chat (tiktoken, which emits whole tokens).
        {{"glm4", "chatglm-bpe"}, kLlama3Pattern, false, true, false},
        {{"gpt-2", "default"}, nullptr, false, false, false},
    };
    return rows;
}

Result<const PreTokenizerRow*> findPreTokenizer(const GgufVocab& vocab) {
    const std::string name = vocab.pre.empty() ? "default" : vocab.pre;  // files older than the key
    std::vector<std::string> known;
    for (const PreTokenizerRow& row : preTokenizerTable())
        for (const char* n : row.names) {
            if (name == n) return &row;
            known.emplace_back(n);
        }
    return makeError(fmt::format("{}: tokenizer.ggml.pre: pre-tokenizer '{}' is not supported (supported: {})",
                                 vocab.where, name, fmt::join(known, ", ")));
}

json preTokenizerSpec(const PreTokenizerRow& row) {
    if (!row.pattern) return {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
    return {{"type", "Sequence"},
            {"pretokenizers",
             {{{"type", "Split"}, {"pattern", {{"Regex", row.pattern}}}, {"behavior", "Isolated"}, {"invert", false}},
              {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}};
}

bool isAddedType(GgufTokenType t) {
    return t == GgufTokenType::Control || t == GgufTokenType::Unknown || t == GgufTokenType::UserDefined;
}

// Control and unknown tokens are special added tokens, user-defined ones plain added tokens;
// none is normalized first, as the converter wrote them pre-normalized.
void addAddedTokens(const GgufVocab& vocab, bool byteLevel, BpeTokenizerParts& parts) {
    for (size_t id = 0; id < vocab.tokens.size(); ++id) {
        const GgufTokenType type = vocab.types[id];
        if (!isAddedType(type) || vocab.tokens[id].empty()) continue;
        AddedToken token;
        token.id = int32_t(id);
        token.content = vocab.tokens[id];
        token.special = type != GgufTokenType::UserDefined;
        if (byteLevel) parts.addedTokenBytes.emplace(token.id, byteLevelToBytes(token.content));
        parts.addedTokens.push_back(std::move(token));
    }
}

using TextIds = std::unordered_map<std::string_view, int32_t>;

TextIds idsByText(const std::vector<std::string>& tokens) {
    TextIds ids;
    ids.reserve(tokens.size());
    for (size_t i = 0; i < tokens.size(); ++i) ids.emplace(tokens[i], int32_t(i));  // the first id wins
    return ids;
}

template <class... Args>
Error vocabError(const GgufVocab& vocab, fmt::format_string<Args...> what, Args&&... args) {
    return makeError(fmt::format("{}: {}", vocab.where, fmt::format(what, std::forward<Args>(args)...)));
}

Status buildByteLevel(const GgufVocab& vocab, BpeTokenizerParts& parts) {
    auto row = findPreTokenizer(vocab);
    if (!row) return row.error();
    if (vocab.merges.empty())
        return vocabError(vocab, "tokenizer.ggml.merges: missing or empty, and a gpt2 (byte-level BPE) tokenizer needs them");

    // Added and unused tokens stay out of the BPE vocabulary: merges never make them.
    std::vector<std::string> tokens(vocab.tokens.size());
    for (size_t id = 0; id < tokens.size(); ++id)
        if (vocab.types[id] == GgufTokenType::Normal || vocab.types[id] == GgufTokenType::Byte)
            tokens[id] = byteLevelToBytes(vocab.tokens[id]);
    const TextIds ids = idsByText(vocab.tokens);
    std::vector<BpeModel::MergeRule> merges;
    merges.reserve(vocab.merges.size());
    for (size_t rank = 0; rank < vocab.merges.size(); ++rank) {
        const std::string_view m = vocab.merges[rank];
        const size_t space = m.find(' ', 1);
        if (space == std::string_view::npos)
            return vocabError(vocab, "tokenizer.ggml.merges[{}]: '{}' is not two tokens separated by a space", rank, m);
        const auto l = ids.find(m.substr(0, space)), r = ids.find(m.substr(space + 1));
        if (l == ids.end() || r == ids.end() || tokens[size_t(l->second)].empty() || tokens[size_t(r->second)].empty())
            return vocabError(vocab, "tokenizer.ggml.merges[{}]: '{}' joins tokens that are not normal tokens of "
                                     "tokenizer.ggml.tokens", rank, m);
        merges.push_back({l->second, r->second, int32_t(rank)});
    }
    BpeModel::Options options;
    options.byteLevel = true;
    options.ignoreMerges = (*row)->ignoreMerges;
    auto model = BpeModel::create(std::move(tokens), merges, options);
    if (!model) return vocabError(vocab, "tokenizer.ggml.tokens/merges: {}", model.error().message);
    parts.model = std::move(model).value();

    addAddedTokens(vocab, true, parts);
    if ((*row)->nfc) {
        auto normalizer = parseNormalizer(json{{"type", "NFC"}}, vocab.where);
        if (!normalizer) return normalizer.error();
        parts.normalizer = std::move(normalizer).value();
    }
    auto preTokenizer = parsePreTokenizer(preTokenizerSpec(**row), vocab.where);
    if (!preTokenizer) return preTokenizer.error();
    parts.preTokenizer = std::move(preTokenizer).value();
    // Byte-level tokens are raw bytes already: no decoder.
    if (vocab.addBos.value_or((*row)->addBosByDefault) && vocab.bosId) parts.prefixIds.push_back(*vocab.bosId);
    if (vocab.addEos.value_or(false) && vocab.eosId) parts.suffixIds.push_back(*vocab.eosId);
    return Ok{};
}

// SentencePiece BPE merges the adjacent pair whose joined piece scores highest. As
// tokenizers' SentencePieceExtractor does for tokenizer.json, every split of a piece into
// two pieces becomes a merge ranked by the piece's score, then by the halves' ids.
// Pieces longer than this make no merges: SentencePiece pieces are 16 characters by default
// and no real vocabulary comes near it, while a hostile file's megabyte-long tokens would
// cost time quadratic in their length.
constexpr size_t kMaxMergedPieceBytes = 256;

std::vector<BpeModel::MergeRule> mergesFromScores(const GgufVocab& vocab) {
    const TextIds ids = idsByText(vocab.tokens);
    struct Candidate {
        float score;
        int32_t piece, left, right;
    };
    std::vector<Candidate> candidates;
    for (size_t id = 0; id < vocab.tokens.size(); ++id) {
        const std::string_view piece = vocab.tokens[id];
        if (piece.size() > kMaxMergedPieceBytes) continue;
        // Splits fall between characters, never inside one.
        for (size_t cut = utf8SequenceLength(static_cast<unsigned char>(piece[0])); cut < piece.size();
             cut += utf8SequenceLength(static_cast<unsigned char>(piece[cut]))) {
            const auto l = ids.find(piece.substr(0, cut)), r = ids.find(piece.substr(cut));
            if (l != ids.end() && r != ids.end()) candidates.push_back({vocab.scores[id], int32_t(id), l->second, r->second});
        }
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        if (a.score != b.score) return a.score > b.score;
        if (a.piece != b.piece) return a.piece < b.piece;
        return a.left != b.left ? a.left < b.left : a.right < b.right;
    });
    std::vector<BpeModel::MergeRule> merges;
    merges.reserve(candidates.size());
    for (const Candidate& c : candidates) merges.push_back({c.left, c.right, int32_t(merges.size())});
    return merges;
}

// The pipeline transformers' LlamaConverter writes for a SentencePiece BPE model (legacy
// spaces): "▁" for spaces plus a leading one, byte fallback, and the way back.
Status buildSentencePiece(const GgufVocab& vocab, BpeTokenizerParts& parts) {
    if (vocab.scores.empty())
        return vocabError(vocab, "tokenizer.ggml.scores: missing, and a llama (SentencePiece) tokenizer needs them");
    for (size_t id = 0; id < vocab.tokens.size(); ++id)
        if (vocab.tokens[id].empty()) return vocabError(vocab, "tokenizer.ggml.tokens[{}]: empty token", id);

    BpeModel::Options options;
    options.byteLevel = false;
    options.byteFallback =
        std::any_of(vocab.types.begin(), vocab.types.end(), [](GgufTokenType t) { return t == GgufTokenType::Byte; });
    options.fuseUnk = true;
    options.unkId = vocab.unkId;
    if (!options.unkId) {
        const auto unk = std::find(vocab.types.begin(), vocab.types.end(), GgufTokenType::Unknown);
        if (unk != vocab.types.end()) options.unkId = int32_t(unk - vocab.types.begin());
    }
    auto model = BpeModel::create(vocab.tokens, mergesFromScores(vocab), options);
    if (!model) return vocabError(vocab, "tokenizer.ggml.tokens/scores: {}", model.error().message);
    parts.model = std::move(model).value();
    addAddedTokens(vocab, false, parts);

    const bool spacePrefix = vocab.addSpacePrefix.value_or(true);
    json normalizers = json::array();
    if (spacePrefix) normalizers.push_back({{"type", "Prepend"}, {"prepend", "\u2581"}});
    normalizers.push_back({{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\u2581"}});
    json decoders = {{{"type", "Replace"}, {"pattern", {{"String", "\u2581"}}}, {"content", " "}},
                     {{"type", "ByteFallback"}},
                     {{"type", "Fuse"}}};
    if (spacePrefix) decoders.push_back({{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}});
    auto normalizer = parseNormalizer({{"type", "Sequence"}, {"normalizers", normalizers}}, vocab.where);
    if (!normalizer) return normalizer.error();
    parts.normalizer = std::move(normalizer).value();
    auto decoder = parseDecoder({{"type", "Sequence"}, {"decoders", decoders}}, vocab.where);
    if (!decoder) return decoder.error();
    parts.decoder = std::move(decoder).value();
    if (vocab.addBos.value_or(true) && vocab.bosId) parts.prefixIds.push_back(*vocab.bosId);
    if (vocab.addEos.value_or(false) && vocab.eosId) parts.suffixIds.push_back(*vocab.eosId);
    return Ok{};
}

}  // namespace

Result<std::unique_ptr<Tokenizer>> buildGgufTokenizer(const GgufVocab& vocab) {
    BpeTokenizerParts parts;
    const Status built = vocab.model == "gpt2" ? buildByteLevel(vocab, parts) : buildSentencePiece(vocab, parts);
    if (!built) return built.error();
    const bool addBos = !parts.prefixIds.empty(), addEos = !parts.suffixIds.empty();

    auto tokenizer = std::make_unique<BpeTokenizer>(std::move(parts));
    SpecialTokens special;
    special.bosId = vocab.bosId;
    special.eosId = vocab.eosId;
    special.eotId = vocab.eotId;
    special.padId = vocab.padId;
    special.unkId = vocab.unkId;
    if (vocab.bosId) special.bosToken = vocab.tokens[size_t(*vocab.bosId)];
    if (vocab.eosId) special.eosToken = vocab.tokens[size_t(*vocab.eosId)];
    special.addBosToken = addBos;
    special.addEosToken = addEos;
    tokenizer->setSpecialTokens(std::move(special));
    return std::unique_ptr<Tokenizer>(std::move(tokenizer));
}

Result<std::unique_ptr<Tokenizer>> loadGgufTokenizer(const std::filesystem::path& file) {
    // Given any part of a split model, the metadata is the first part's.
    auto opened = gguf::openModelFiles(file);
    if (!opened) return opened.error();
    auto vocab = readGgufVocab(opened->front());
    if (!vocab) return vocab.error();
    return buildGgufTokenizer(*vocab);
}

}  // namespace pagoda
