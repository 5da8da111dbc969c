#include "engine/tokenizer/sentencepiece_tokenizer.h"

#include <sentencepiece_processor.h>

#include <fmt/format.h>
#include <fmt/std.h>

#include "engine/common/utf8.h"

namespace pagoda {

namespace {

class SentencePieceTokenizer final : public Tokenizer {
public:
    explicit SentencePieceTokenizer(std::unique_ptr<sentencepiece::SentencePieceProcessor> processor)
        : m_processor(std::move(processor)) {}

    Result<std::vector<int32_t>> encode(std::string_view text, bool addSpecialTokens) const override {
        if (auto bad = firstInvalidUtf8Byte(text))
            return makeError(fmt::format("text is not valid UTF-8 (byte {} of {})", *bad, text.size()));
        std::vector<int> ids;
        if (const auto status = m_processor->Encode(text, &ids); !status.ok())
            return makeError(fmt::format("sentencepiece: {}", status.ToString()));
        std::vector<int32_t> out;
        const SpecialTokens& special = specialTokens();
        // LlamaTokenizer's defaults: BOS on, EOS off, unless tokenizer_config.json says otherwise.
        if (addSpecialTokens && special.addBosToken.value_or(true) && m_processor->bos_id() >= 0)
            out.push_back(m_processor->bos_id());
        out.insert(out.end(), ids.begin(), ids.end());
        if (addSpecialTokens && special.addEosToken.value_or(false) && m_processor->eos_id() >= 0)
            out.push_back(m_processor->eos_id());
        return out;
    }

    Result<std::string> decodeBytes(std::span<const int32_t> ids, bool skipSpecialTokens) const override {
        std::vector<int> kept;
        for (int32_t id : ids) {
            if (id < 0 || id >= m_processor->GetPieceSize())
                return makeError(fmt::format("token id {} is outside the vocabulary (0..{})", id,
                                             m_processor->GetPieceSize() - 1));
            if (skipSpecialTokens && isSpecial(id)) continue;
            kept.push_back(id);
        }
        std::string text;
        if (const auto status = m_processor->Decode(kept, &text); !status.ok())
            return makeError(fmt::format("sentencepiece: {}", status.ToString()));
        return text;
    }

    size_t vocabSize() const override { return size_t(m_processor->GetPieceSize()); }
    std::optional<int32_t> tokenToId(std::string_view token) const override {
        const int id = m_processor->PieceToId(token);
        if (id == m_processor->unk_id() && token != m_processor->IdToPiece(id)) return std::nullopt;
        return id;
    }
    bool isSpecial(int32_t id) const override { return m_processor->IsControl(id) || m_processor->IsUnknown(id); }

private:
    std::unique_ptr<sentencepiece::SentencePieceProcessor> m_processor;
};

}  // namespace

Result<std::unique_ptr<Tokenizer>> loadSentencePiece(const std::filesystem::path& file) {
    auto processor = std::make_unique<sentencepiece::SentencePieceProcessor>();
    if (const auto status = processor->Load(file.string()); !status.ok())
        return makeError(fmt::format("{}: not a readable SentencePiece model: {}", file, status.ToString()));
    return std::unique_ptr<Tokenizer>(new SentencePieceTokenizer(std::move(processor)));
}

}  // namespace pagoda
