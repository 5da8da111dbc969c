// The quantizations a GGUF repository offers, read from its file listing, and the choice
// of one by tag ("Q4_K_M") or by file name, as `pagoda pull Owner/Repo-GGUF:Q4_K_M` and
// the model browser make it.
//
// A file's tag: drop the directory, ".gguf" and a split suffix "-00001-of-00003"; the tag
// is the last '-' or '.' separated word of what remains when that word is a quant name
// (F32, F16, BF16, Q8_0, Q4_K_M, IQ4_XS, TQ1_0, MXFP4, ... with '_' suffixes such as
// Q4_K_L or Q3_K_XL), with a preceding "UD" kept ("UD-Q4_K_XL", Unsloth's naming). A
// requested tag matches a file when the two are equal ignoring case: Q4_K_M never matches
// Q4_K_S, and Q8_0 never matches Q8_0_L. A file without a quant word is tagged by its
// name (without .gguf and split suffix), so every model file can be named. Vision
// projectors (mmproj*) are not models and are left out.
#pragma once

#include <optional>
#include <vector>

#include "app/hub/hub_types.h"
#include "engine/common/result.h"

namespace pagoda::hub {

// The quant Pagoda takes from a GGUF repository when no tag is named: the size/quality
// balance llama.cpp, Ollama and LM Studio default to.
inline constexpr char kDefaultGgufQuant[] = "Q4_K_M";

struct GgufQuant {
    QString tag;                 // the quant word upper-cased ("Q4_K_M" for ...-q4_k_m.gguf), else the file's name
    QString stem;                // the set's path without split suffix and .gguf
    std::vector<HubFile> parts;  // in part order; one entry for an unsplit model
    qint64 bytes = 0;            // the sum of the parts' sizes

    const HubFile& firstPart() const { return parts.front(); }
};

// The quant word of one .gguf file name, upper-cased; empty when the name has none.
QString ggufQuantTag(const QString& fileName);

// True for a .gguf model file (any case), false for vision projectors and other files.
bool isGgufModelFile(const QString& path);

// A repository whose model files are .gguf: it lists GGUF model files and no safetensors.
bool isGgufRepository(const std::vector<HubFile>& listing);

// Every quant of the listing, ordered by tag. Split sets are checked whole: each part
// 1..N present once with the same N and a known size; otherwise an error naming the set,
// the part and the repository (a listing that lies must not become a partial download).
Result<std::vector<GgufQuant>> ggufQuants(const std::vector<HubFile>& listing, const QString& id);

struct GgufChoice {
    GgufQuant quant;
    QString note;  // set when the default was taken, for the user: what, why, the others
};

// By tag (any case) or by file (repo path or file name, any part of a split set); with
// neither, kDefaultGgufQuant when offered, else an error listing the tags. An unknown tag
// or file, or a tag two different models share, is an error naming what is there.
Result<GgufChoice> chooseGgufQuant(const std::vector<GgufQuant>& quants, const QString& tag, const QString& file,
                                   const QString& id);

// "Q4_K_M 4.36 GiB, Q8_0 7.54 GiB": the tags with their sizes, for messages.
QString describeQuants(const std::vector<GgufQuant>& quants, const QString& except = {});

// Splits "Owner/Repo:TAG" into the id and the tag (empty when there is none); a hub
// prefix ("modelscope:") is left on the id for the caller to read.
std::pair<QString, QString> splitQuantTag(const QString& modelArgument);

}  // namespace pagoda::hub
