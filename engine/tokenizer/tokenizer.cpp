#include "engine/tokenizer/tokenizer.h"


#include <fmt/format.h>
#include <fmt/std.h>
#include <nlohmann/json.hpp>

#include "engine/common/mapped_file.h"
#include "engine/common/utf8.h"
#include "engine/model/gguf_locate.h"
#include "engine/tokenizer/gguf_tokenizer.h"
#include "engine/tokenizer/sentencepiece_tokenizer.h"
#include "engine/tokenizer/tiktoken_tokenizer.h"
#include "engine/tokenizer/tokenizer_json.h"

namespace pagoda {

namespace fs = std::filesystem;
using nlohmann::json;

Result<std::string> Tokenizer::decode(std::span<const int32_t> ids, bool skipSpecialTokens) const {
    auto bytes = decodeBytes(ids, skipSpecialTokens);
    if (!bytes) return bytes.error();
    return toValidUtf8Lossy(*bytes);
}

namespace {

// "bos_token": "<s>" or {"content": "<s>", ...} (a serialized AddedToken).
std::string tokenText(const json& config, const char* key) {
    if (!config.contains(key)) return {};
    const json& v = config[key];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.contains("content") && v["content"].is_string()) return v["content"].get<std::string>();
    return {};
}

Result<json> readTokenizerConfig(const fs::path& modelDir) {
    const fs::path path = modelDir / "tokenizer_config.json";
    std::error_code ec;
    if (!fs::exists(path, ec)) return json::object();
    const auto text = readRegularFile(path);
    if (!text) return text.error();
    try {
        json config = json::parse(*text);
        if (!config.is_object()) return makeError(fmt::format("{}: expected a JSON object", path));
        return config;
    } catch (const json::exception& e) {
        return makeError(fmt::format("{}: not valid JSON: {}", path, e.what()));
    }
}

// Tells a tiktoken ranks file (lines of "base64 rank") from a SentencePiece protobuf.
bool looksLikeTiktoken(const fs::path& file) {
    const auto map = MappedFile::open(file);  // mapped, not read: only its first line is looked at
    if (!map) return false;                    // the SentencePiece loader says what is wrong with it
    const std::string_view text(reinterpret_cast<const char*>(map->data()), map->size());
    const std::string_view firstLine = text.substr(0, text.find('\n'));
    const size_t space = firstLine.find(' ');
    if (space == std::string_view::npos || space == 0) return false;
    for (size_t i = 0; i < firstLine.size(); ++i) {
        const char c = firstLine[i];
        const bool base64 = isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
        if (i < space ? !base64 : (i > space && !isdigit(static_cast<unsigned char>(c)))) return false;
    }
    return true;
}

}  // namespace

Result<std::unique_ptr<Tokenizer>> loadTokenizer(const fs::path& modelPath) {
    auto gguf = locateGgufModel(modelPath);
    if (!gguf) return gguf.error();
    if (*gguf) return loadGgufTokenizer(**gguf);  // the file is the whole truth: nothing beside it is read

    const fs::path& modelDir = modelPath;
    auto config = readTokenizerConfig(modelDir);
    if (!config) return config.error();

    std::error_code ec;
    Result<std::unique_ptr<Tokenizer>> tokenizer = makeError("");
    if (fs::exists(modelDir / "tokenizer.json", ec)) {
        tokenizer = loadTokenizerJson(modelDir / "tokenizer.json");
    } else if (fs::exists(modelDir / "tokenizer.model", ec)) {
        tokenizer = looksLikeTiktoken(modelDir / "tokenizer.model") ? loadTiktoken(modelDir / "tokenizer.model", *config)
                                                                     : loadSentencePiece(modelDir / "tokenizer.model");
    } else {
        return makeError(fmt::format("{} has no tokenizer.json or tokenizer.model", modelDir));
    }
    if (!tokenizer) return tokenizer.error();

    SpecialTokens special;
    special.bosToken = tokenText(*config, "bos_token");
    special.eosToken = tokenText(*config, "eos_token");
    if (!special.bosToken.empty()) special.bosId = (*tokenizer)->tokenToId(special.bosToken);
    if (!special.eosToken.empty()) special.eosId = (*tokenizer)->tokenToId(special.eosToken);
    if (config->contains("add_bos_token") && (*config)["add_bos_token"].is_boolean())
        special.addBosToken = (*config)["add_bos_token"].get<bool>();
    if (config->contains("add_eos_token") && (*config)["add_eos_token"].is_boolean())
        special.addEosToken = (*config)["add_eos_token"].get<bool>();
    (*tokenizer)->setSpecialTokens(std::move(special));
    return tokenizer;
}

}  // namespace pagoda
