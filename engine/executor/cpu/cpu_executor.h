// Runs the canonical decoder on the CPU: weights read in their checkpoint dtype from the
// mapping (bf16 matrices repacked once for the tile kernels where the CPU has them),
// activations and the paged KV cache in f32, every kernel on one thread pool.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "engine/executor/cpu/kv_cache.h"
#include "engine/executor/executor.h"
#include "engine/model/model.h"
#include "kernels/cpu/linear.h"
#include "kernels/cpu/thread_pool.h"

namespace pagoda {

struct CpuExecutorOptions {
    int numKvBlocks = 256;
    int blockSize = 16;
    size_t numThreads = 0;  // 0: one per core
    // Bf16 rounds activations to bf16 in the matrix products of bf16 weights (prefill and
    // batches, on CPUs with AVX512_BF16); F32 keeps every product exact.
    cpu::Activations activations = cpu::Activations::F32;
    // Repack bf16 matrices for the tile kernels (kernels/cpu/packed_bf16.h) when the active
    // kernels have them: a copy of those weights in memory, made once at load, for AMX products
    // and contiguous decode reads. Off keeps reading them from the mapping.
    bool packBf16Weights = true;
};

class CpuExecutor final : public Executor {
public:
    CpuExecutor(std::shared_ptr<const Model> model, CpuExecutorOptions options);

    Result<std::span<const float>> execute(const Batch& batch) override;
    int numKvBlocks() const override { return m_cache.numBlocks(); }
    int blockSize() const override { return m_cache.layout().blockSize; }

private:
    void reserve(size_t numTokens, size_t numLogits);
    void attention(size_t layer, const Batch& batch);
    void mlp(size_t layer, size_t numTokens);
    cpu::Matrix matrix(const TensorView& t, bool pack);

    struct LayerMatrices {
        cpu::Matrix q, k, v, o, gate, up, down;
    };

    std::shared_ptr<const Model> m_model;
    cpu::Activations m_activations;
    ThreadPool m_pool;
    std::deque<cpu::PackedBf16> m_packed;  // what the packed matrices below point into
    std::vector<LayerMatrices> m_matrices;
    cpu::Matrix m_lmHead;
    cpu::KvCache m_cache;
    std::vector<float> m_invFreq;

    // Step buffers, grown to the largest batch seen and then reused.
    size_t m_capacity = 0;
    std::vector<float> m_hidden;    // [T, H] residual stream
    std::vector<float> m_normed;    // [T, H]
    std::vector<float> m_q, m_k, m_v, m_attnOut;
    std::vector<float> m_gate, m_up, m_act, m_proj;
    std::vector<int32_t> m_tokenSequence;
    std::vector<float> m_ropeCos, m_ropeSin;  // [T, rotaryDim/2]
    std::vector<float> m_lastHidden;          // [numLogits, H]
    std::vector<float> m_logits;              // [numLogits, V]
};

}  // namespace pagoda
