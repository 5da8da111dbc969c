// Tokenizers from a GGUF file's `tokenizer.ggml.*` metadata, built on the same pipeline
// pieces tokenizer.json uses (BpeModel, added tokens, pre-tokenizer, decoder), so a GGUF
// model encodes exactly as the Hugging Face tokenizer it was converted from.
#pragma once

#include <filesystem>
#include <memory>

#include "engine/tokenizer/gguf_vocab.h"
#include "engine/tokenizer/tokenizer.h"

namespace pagoda {

// gpt2 → byte-level BPE with tokenizer.ggml.pre mapped onto its Hugging Face pre-tokenizer;
// llama → SentencePiece BPE (merges from the scores, byte fallback). Control, unknown and
// user-defined tokens become added tokens (the first two special), as in HF's files.
Result<std::unique_ptr<Tokenizer>> buildGgufTokenizer(const GgufVocab& vocab);

// The tokenizer of the GGUF model `file` is (a part of).
Result<std::unique_ptr<Tokenizer>> loadGgufTokenizer(const std::filesystem::path& file);

}  // namespace pagoda
