// The CPU backend's paged KV cache: per layer, K and V of
// [numBlocks, blockSize, numKvHeads, headDim] f32, allocated once.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "kernels/cpu/paged_attention.h"

namespace pagoda::cpu {

class KvCache {
public:
    KvCache(int numLayers, int numBlocks, KvLayout layout)
        : m_numBlocks(numBlocks), m_layout(layout), m_layers(size_t(numLayers)) {
        const size_t floatsPerLayer = size_t(numBlocks) * layout.blockSize * layout.numKvHeads * layout.headDim;
        // Left uninitialized: a slot is always written before attention reads it, and untouched
        // pages cost no memory or start-up time until the cache actually fills.
        for (auto& layer : m_layers) {
            layer.k = std::make_unique_for_overwrite<float[]>(floatsPerLayer);
            layer.v = std::make_unique_for_overwrite<float[]>(floatsPerLayer);
        }
    }

    int numBlocks() const { return m_numBlocks; }
    const KvLayout& layout() const { return m_layout; }
    float* keys(size_t layer) { return m_layers[layer].k.get(); }
    float* values(size_t layer) { return m_layers[layer].v.get(); }

private:
    struct Layer {
        std::unique_ptr<float[]> k, v;
    };
    int m_numBlocks;
    KvLayout m_layout;
    std::vector<Layer> m_layers;
};

}  // namespace pagoda::cpu
