#include "engine/tokenizer/bpe_model.h"

#include <algorithm>
#include <queue>

#include <fmt/format.h>

#include "engine/common/utf8.h"

namespace pagoda {

Result<std::unique_ptr<BpeModel>> BpeModel::create(std::vector<std::string> tokens, const std::vector<MergeRule>& merges,
                                                   Options options) {
    std::unique_ptr<BpeModel> model(new BpeModel());
    model->m_options = options;
    model->m_tokens = std::move(tokens);
    model->m_ids.reserve(model->m_tokens.size());
    for (size_t id = 0; id < model->m_tokens.size(); ++id)
        if (!model->m_tokens[id].empty()) model->m_ids.emplace(model->m_tokens[id], int32_t(id));

    model->m_byteIds.fill(-1);
    for (int b = 0; b < 256; ++b) {
        const std::string key = options.byteLevel ? std::string(1, char(b)) : fmt::format("<0x{:02X}>", b);
        if (auto id = model->tokenToId(key)) model->m_byteIds[size_t(b)] = *id;
        else if (options.byteLevel) return makeError(fmt::format("byte-level vocabulary has no token for byte 0x{:02X}", b));
        else if (options.byteFallback)
            return makeError(fmt::format("byte_fallback is on but the vocabulary has no token <0x{:02X}>", b));
    }

    model->m_merges.reserve(merges.size());
    for (const MergeRule& m : merges) {
        const auto merged = model->tokenToId(model->m_tokens[size_t(m.left)] + model->m_tokens[size_t(m.right)]);
        if (!merged)
            return makeError(fmt::format("merge #{} joins '{}' and '{}' into a token that is not in the vocabulary",
                                         m.rank, model->m_tokens[size_t(m.left)], model->m_tokens[size_t(m.right)]));
        model->m_merges.emplace(pairKey(m.left, m.right), Merge{m.rank, *merged});  // first (lowest) rank wins
    }
    return model;
}

std::optional<int32_t> BpeModel::tokenToId(std::string_view token) const {
    const auto it = m_ids.find(token);
    if (it == m_ids.end()) return std::nullopt;
    return it->second;
}

void BpeModel::initialSymbols(std::string_view piece, std::vector<int32_t>& symbols) const {
    symbols.clear();
    if (m_options.byteLevel) {
        for (unsigned char b : piece) symbols.push_back(m_byteIds[b]);
        return;
    }
    bool previousUnk = false;
    for (size_t i = 0; i < piece.size();) {
        const size_t n = std::min(utf8SequenceLength(static_cast<unsigned char>(piece[i])), piece.size() - i);
        const std::string_view character = piece.substr(i, n);
        i += n;
        if (auto id = tokenToId(character)) {
            symbols.push_back(*id);
            previousUnk = false;
        } else if (m_options.byteFallback) {
            for (unsigned char b : character) symbols.push_back(m_byteIds[b]);
            previousUnk = false;
        } else if (m_options.unkId) {
            if (!(m_options.fuseUnk && previousUnk)) symbols.push_back(*m_options.unkId);
            previousUnk = true;
        }
    }
}

void BpeModel::mergeSymbols(std::vector<int32_t>& ids) const {
    if (ids.size() < 2) return;
    struct Symbol {
        int32_t id;
        int32_t prev, next;  // neighbours still alive; -1 at the ends
    };
    struct Candidate {
        int32_t rank, position, left, right;
        bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : position > o.position; }
    };
    std::vector<Symbol> symbols(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) symbols[i] = {ids[i], int32_t(i) - 1, i + 1 < ids.size() ? int32_t(i + 1) : -1};

    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
    auto consider = [&](int32_t position) {
        if (position < 0) return;
        const int32_t next = symbols[size_t(position)].next;
        if (next < 0) return;
        const auto it = m_merges.find(pairKey(symbols[size_t(position)].id, symbols[size_t(next)].id));
        if (it != m_merges.end())
            heap.push({it->second.rank, position, symbols[size_t(position)].id, symbols[size_t(next)].id});
    };
    for (int32_t i = 0; i + 1 < int32_t(symbols.size()); ++i) consider(i);

    while (!heap.empty()) {
        const Candidate c = heap.top();
        heap.pop();
        Symbol& left = symbols[size_t(c.position)];
        // Entries go stale when either side has merged since; skip those.
        if (left.id != c.left || left.next < 0 || symbols[size_t(left.next)].id != c.right) continue;
        Symbol& right = symbols[size_t(left.next)];
        left.id = m_merges.at(pairKey(c.left, c.right)).merged;
        right.id = -1;  // dead
        left.next = right.next;
        if (left.next >= 0) symbols[size_t(left.next)].prev = c.position;
        if (left.prev >= 0) consider(left.prev);
        consider(c.position);
    }
    ids.clear();
    for (int32_t i = 0; i >= 0; i = symbols[size_t(i)].next) ids.push_back(symbols[size_t(i)].id);
}

void BpeModel::encode(std::string_view piece, std::vector<int32_t>& ids) const {
    if (piece.empty()) return;
    if (m_options.ignoreMerges) {
        if (auto id = tokenToId(piece)) {
            ids.push_back(*id);
            return;
        }
    }
    const std::string key(piece);
    {
        std::lock_guard lock(m_cacheMutex);
        const auto it = m_cache.find(key);
        if (it != m_cache.end()) {
            ids.insert(ids.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::vector<int32_t> symbols;
    initialSymbols(piece, symbols);
    mergeSymbols(symbols);
    ids.insert(ids.end(), symbols.begin(), symbols.end());
    std::lock_guard lock(m_cacheMutex);
    if (m_cache.size() >= kCacheLimit) m_cache.clear();  // crude but bounded; real text refills it fast
    m_cache.emplace(key, std::move(symbols));
}

}  // namespace pagoda
