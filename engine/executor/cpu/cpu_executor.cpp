#include "engine/executor/cpu/cpu_executor.h"

#include <algorithm>
#include <cmath>

#include "engine/common/mapped_file.h"
#include "kernels/common/rope.h"
#include "kernels/cpu/activation.h"
#include "kernels/cpu/convert.h"
#include "kernels/cpu/linear.h"
#include "kernels/cpu/norm.h"

namespace pagoda {

namespace {

cpu::Vector vec(const TensorView& t) { return {t.data, t.type, size_t(t.rows)}; }

void addInPlace(float* y, const float* x, size_t n) {
    for (size_t i = 0; i < n; ++i) y[i] += x[i];
}

}  // namespace

CpuExecutor::CpuExecutor(std::shared_ptr<const Model> model, CpuExecutorOptions options)
    : m_model(std::move(model)),
      m_activations(options.activations),
      m_pool(options.numThreads),
      m_cache(m_model->config.numLayers, options.numKvBlocks,
              cpu::KvLayout{options.blockSize, m_model->config.numKvHeads, m_model->config.headDim}) {
    const RopeSpec& rope = m_model->config.rope;
    m_invFreq.resize(size_t(rope.rotaryDim / 2));
    ropeInvFreq(rope, m_invFreq.data());
    const std::vector<float>& factors = m_model->config.ropeFreqFactors;
    for (size_t i = 0; i < factors.size() && i < m_invFreq.size(); ++i) m_invFreq[i] /= factors[i];

    const bool pack = options.packBf16Weights && cpu::packedBf16Supported();
    for (const LayerWeights& L : m_model->weights.layers)
        m_matrices.push_back({matrix(L.q, pack), matrix(L.k, pack), matrix(L.v, pack), matrix(L.o, pack),
                              matrix(L.gate, pack), matrix(L.up, pack), matrix(L.down, pack)});
    m_lmHead = matrix(m_model->weights.lmHead, pack);
}

cpu::Matrix CpuExecutor::matrix(const TensorView& t, bool pack) {
    cpu::Matrix m{t.data, t.type, size_t(t.rows), size_t(t.cols), t.rowScales, t.format};
    if (!pack || t.type != DType::BF16) return m;
    m.packed = &m_packed.emplace_back(cpu::PackedBf16::pack(m_pool, t.data, m.rows, m.cols));
    // The checkpoint's copy is not read again (but for a tied embedding's rows): out of memory
    // it goes, or packing would double what the weights occupy.
    if (t.data != m_model->weights.embed.data) releaseResidentPages(t.data, m.rows * m.cols * sizeof(uint16_t));
    return m;
}

void CpuExecutor::reserve(size_t numTokens, size_t numLogits) {
    const ModelConfig& c = m_model->config;
    if (numTokens > m_capacity) {
        m_capacity = numTokens;
        const size_t H = size_t(c.hiddenSize), I = size_t(c.intermediateSize);
        const size_t qWidth = size_t(c.numHeads) * c.headDim, kvWidth = size_t(c.numKvHeads) * c.headDim;
        m_hidden.resize(numTokens * H);
        m_normed.resize(numTokens * H);
        m_proj.resize(numTokens * H);
        m_q.resize(numTokens * qWidth);
        m_attnOut.resize(numTokens * qWidth);
        m_k.resize(numTokens * kvWidth);
        m_v.resize(numTokens * kvWidth);
        m_gate.resize(numTokens * I);
        m_up.resize(numTokens * I);
        m_act.resize(numTokens * I);
        m_tokenSequence.resize(numTokens);
        m_ropeCos.resize(numTokens * m_invFreq.size());
        m_ropeSin.resize(numTokens * m_invFreq.size());
    }
    if (numLogits * size_t(c.vocabSize) > m_logits.size()) {
        m_lastHidden.resize(numLogits * size_t(c.hiddenSize));
        m_logits.resize(numLogits * size_t(c.vocabSize));
    }
}

Result<std::span<const float>> CpuExecutor::execute(const Batch& batch) {
    const ModelConfig& c = m_model->config;
    const DecoderWeights& w = m_model->weights;
    if (auto valid = validateBatch(batch, c.vocabSize, numKvBlocks(), blockSize()); !valid) return valid.error();

    const size_t T = batch.numTokens(), H = size_t(c.hiddenSize), numLogits = batch.logitsIndices.size();
    reserve(T, numLogits);
    for (size_t s = 0; s < batch.numSequences(); ++s)
        for (int32_t t = batch.querySeqStart[s]; t < batch.querySeqStart[s + 1]; ++t) m_tokenSequence[size_t(t)] = int32_t(s);
    for (size_t t = 0; t < T; ++t)
        cpu::rowToFloat(w.embed.data, w.embed.type, w.embed.format, size_t(batch.tokenIds[t]), H, &m_hidden[t * H]);
    const size_t half = m_invFreq.size();
    for (size_t t = 0; t < T; ++t)
        ropeCosSin(m_invFreq.data(), int(half), batch.positions[t], &m_ropeCos[t * half], &m_ropeSin[t * half]);

    // Each sub-block leaves its output in m_proj; the next one adds it to the residual
    // stream and normalizes in one pass (addRmsNorm), and the last is added here.
    for (size_t layer = 0; layer < w.layers.size(); ++layer) {
        attention(layer, batch);
        mlp(layer, T);
    }
    addInPlace(m_hidden.data(), m_proj.data(), T * H);

    for (size_t i = 0; i < numLogits; ++i)
        std::copy_n(&m_hidden[size_t(batch.logitsIndices[i]) * H], H, &m_lastHidden[i * H]);
    cpu::rmsNorm(m_lastHidden.data(), numLogits, vec(w.finalNorm), c.rmsNormEps, m_lastHidden.data());
    cpu::linear(m_pool, m_lastHidden.data(), numLogits, m_lmHead, {}, m_logits.data(), size_t(c.vocabSize), m_activations);
    return std::span<const float>(m_logits.data(), numLogits * size_t(c.vocabSize));
}

void CpuExecutor::attention(size_t layer, const Batch& batch) {
    const ModelConfig& c = m_model->config;
    const LayerWeights& L = m_model->weights.layers[layer];
    const LayerMatrices& M = m_matrices[layer];
    const size_t T = batch.numTokens(), H = size_t(c.hiddenSize), hd = size_t(c.headDim);
    const size_t qWidth = size_t(c.numHeads) * hd, kvWidth = size_t(c.numKvHeads) * hd;

    if (layer == 0)
        cpu::rmsNorm(m_hidden.data(), T, vec(L.attnNorm), c.rmsNormEps, m_normed.data());
    else
        cpu::addRmsNorm(m_hidden.data(), m_proj.data(), T, vec(L.attnNorm), c.rmsNormEps, m_normed.data());
    const cpu::LinearTarget qkv[] = {{M.q, vec(L.qBias), m_q.data(), qWidth},
                                     {M.k, vec(L.kBias), m_k.data(), kvWidth},
                                     {M.v, vec(L.vBias), m_v.data(), kvWidth}};
    cpu::linearGroup(m_pool, m_normed.data(), T, qkv, m_activations);
    if (c.qkNorm) {
        cpu::rmsNorm(m_q.data(), T * size_t(c.numHeads), vec(L.qNorm), c.rmsNormEps, m_q.data());
        cpu::rmsNorm(m_k.data(), T * size_t(c.numKvHeads), vec(L.kNorm), c.rmsNormEps, m_k.data());
    }
    const size_t half = m_invFreq.size();
    for (size_t t = 0; t < T; ++t) {
        const float* cosv = &m_ropeCos[t * half];
        const float* sinv = &m_ropeSin[t * half];
        for (int h = 0; h < c.numHeads; ++h)
            applyRope(&m_q[t * qWidth + size_t(h) * hd], cosv, sinv, c.rope.rotaryDim, c.rope.interleaved);
        for (int h = 0; h < c.numKvHeads; ++h)
            applyRope(&m_k[t * kvWidth + size_t(h) * hd], cosv, sinv, c.rope.rotaryDim, c.rope.interleaved);
    }

    float* kCache = m_cache.keys(layer);
    float* vCache = m_cache.values(layer);
    cpu::writeKv(m_cache.layout(), m_k.data(), m_v.data(), batch.slotMapping.data(), T, kCache, vCache);

    cpu::PagedAttentionArgs args;
    args.layout = m_cache.layout();
    args.numHeads = c.numHeads;
    args.scale = 1.0f / std::sqrt(float(hd));
    args.numTokens = T;
    args.q = m_q.data();
    args.positions = batch.positions.data();
    args.tokenSequence = m_tokenSequence.data();
    args.blockTables = batch.blockTables.data();
    args.blockTableStride = batch.blockTableStride;
    args.kCache = kCache;
    args.vCache = vCache;
    args.out = m_attnOut.data();
    cpu::pagedAttention(m_pool, args);

    cpu::linear(m_pool, m_attnOut.data(), T, M.o, vec(L.oBias), m_proj.data(), H, m_activations);
    if (L.postAttnNorm) cpu::rmsNorm(m_proj.data(), T, vec(L.postAttnNorm), c.rmsNormEps, m_proj.data());
}

void CpuExecutor::mlp(size_t layer, size_t T) {
    const ModelConfig& c = m_model->config;
    const LayerWeights& L = m_model->weights.layers[layer];
    const LayerMatrices& M = m_matrices[layer];
    const size_t H = size_t(c.hiddenSize), I = size_t(c.intermediateSize);

    cpu::addRmsNorm(m_hidden.data(), m_proj.data(), T, vec(L.mlpNorm), c.rmsNormEps, m_normed.data());
    const cpu::LinearTarget gateUp[] = {{M.gate, {}, m_gate.data(), I}, {M.up, {}, m_up.data(), I}};
    cpu::linearGroup(m_pool, m_normed.data(), T, gateUp, m_activations);
    cpu::siluMul(m_pool, m_gate.data(), m_up.data(), T, I, I, m_act.data());
    cpu::linear(m_pool, m_act.data(), T, M.down, {}, m_proj.data(), H, m_activations);
    if (L.postMlpNorm) cpu::rmsNorm(m_proj.data(), T, vec(L.postMlpNorm), c.rmsNormEps, m_proj.data());
}

}  // namespace pagoda
