// CudaExecutor's forward pass: the same decoder as CpuExecutor, enqueued on one stream so
// a decode step can be captured into a CUDA graph as it is.
#include <cmath>

#include "engine/executor/cuda/cuda_executor.h"
#include "kernels/cuda/executor_ops.h"
#include "kernels/cuda/launchers.h"

namespace pagoda::cuda {

namespace {

cudaDataType_t cudaType(DType type) {
    switch (type) {
        case DType::BF16: return CUDA_R_16BF;
        case DType::F16: return CUDA_R_16F;
        default: return CUDA_R_32F;
    }
}

template <class T>
T* at(const DeviceBuffer& base, size_t offset) {
    return reinterpret_cast<T*>(base.as<std::byte>() + offset);
}

}  // namespace

// y[t, 0:rows] (row stride ldy) = x[t, :] · w[rowOffset : rowOffset + rows, :]ᵀ with f32
// accumulation and output. cuBLAS is column-major: this is yᵀ = w · xᵀ with w transposed.
Status CudaExecutor::gemm(const DeviceMatrix& w, int rowOffset, int rows, const void* x, int numTokens, float* y,
                          int ldy) {
    const float one = 1.0f, zero = 0.0f;
    const auto* weights = static_cast<const std::byte*>(w.data) + size_t(rowOffset) * size_t(w.cols) * dtypeSize(w.type);
    PAGODA_CUDA_CHECK(cublasGemmEx(m_cublas, CUBLAS_OP_T, CUBLAS_OP_N, rows, numTokens, w.cols, &one, weights,
                                   cudaType(w.type), w.cols, x, cudaType(w.type), w.cols, &zero, y, CUDA_R_32F, ldy,
                                   CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    return Ok{};
}

Status CudaExecutor::forward(const StepShape& shape) {
    const ModelConfig& c = m_model->config;
    const int T = shape.numTokens;
    PAGODA_CUDA_CHECK(embedding(at<int32_t>(m_meta, m_layout.tokenIds), T, m_weights.embed.data, m_weights.embed.type,
                                c.hiddenSize, m_hidden.as<float>(), m_stream));
    for (size_t layer = 0; layer < m_weights.layers.size(); ++layer) {
        if (auto st = attention(layer, shape); !st) return st;
        if (auto st = mlp(layer, shape); !st) return st;
    }
    return Ok{};
}

// GLM-4-0414's norm on a sub-block's output, through a second buffer so no kernel reads and
// writes the same row.
Status CudaExecutor::sandwichNorm(const DeviceVector& norm, int numTokens) {
    const ModelConfig& c = m_model->config;
    PAGODA_CUDA_CHECK(addRmsNorm(m_proj.as<float>(), nullptr, norm.data, norm.type, numTokens, c.hiddenSize,
                                 c.rmsNormEps, m_projTmp.get(), DType::F32, m_stream));
    PAGODA_CUDA_CHECK(cudaMemcpyAsync(m_proj.get(), m_projTmp.get(), size_t(numTokens) * size_t(c.hiddenSize) * 4,
                                      cudaMemcpyDeviceToDevice, m_stream));
    return Ok{};
}

Status CudaExecutor::attention(size_t layer, const StepShape& shape) {
    const ModelConfig& c = m_model->config;
    const DeviceLayer& L = m_weights.layers[layer];
    const DType act = m_weights.activationType;
    const int T = shape.numTokens, hd = c.headDim;
    const int qWidth = c.numHeads * hd, kvWidth = c.numKvHeads * hd, qkvWidth = qWidth + 2 * kvWidth;

    PAGODA_CUDA_CHECK(addRmsNorm(m_hidden.as<float>(), layer == 0 ? nullptr : m_proj.as<float>(), L.attnNorm.data,
                                 L.attnNorm.type, T, c.hiddenSize, c.rmsNormEps, m_normed.get(), act, m_stream));
    // One product for q|k|v into [T, q+k+v] rows, except with Qwen3's per-head norms, which
    // need q and k contiguous: then three products into three dense regions of the buffer.
    float *q = m_qkv.as<float>(), *k = q + qWidth, *v = k + kvWidth;
    int qStride = qkvWidth, kvStride = qkvWidth;
    if (!c.qkNorm) {
        if (auto st = gemm(L.qkv, 0, qkvWidth, m_normed.get(), T, q, qkvWidth); !st) return st;
        if (L.qkvBias) PAGODA_CUDA_CHECK(addBias(q, T, qkvWidth, qkvWidth, L.qkvBias, m_stream));
    } else {
        k = q + size_t(T) * size_t(qWidth);
        v = k + size_t(T) * size_t(kvWidth);
        qStride = qWidth;
        kvStride = kvWidth;
        if (auto st = gemm(L.qkv, 0, qWidth, m_normed.get(), T, q, qWidth); !st) return st;
        if (auto st = gemm(L.qkv, qWidth, kvWidth, m_normed.get(), T, k, kvWidth); !st) return st;
        if (auto st = gemm(L.qkv, qWidth + kvWidth, kvWidth, m_normed.get(), T, v, kvWidth); !st) return st;
        if (L.qkvBias) {
            PAGODA_CUDA_CHECK(addBias(q, T, qWidth, qWidth, L.qkvBias, m_stream));
            PAGODA_CUDA_CHECK(addBias(k, T, kvWidth, kvWidth, L.qkvBias + qWidth, m_stream));
            PAGODA_CUDA_CHECK(addBias(v, T, kvWidth, kvWidth, L.qkvBias + qWidth + kvWidth, m_stream));
        }
        PAGODA_CUDA_CHECK(headRmsNorm(q, T, c.numHeads, hd, L.qNorm.data, L.qNorm.type, c.rmsNormEps, m_stream));
        PAGODA_CUDA_CHECK(headRmsNorm(k, T, c.numKvHeads, hd, L.kNorm.data, L.kNorm.type, c.rmsNormEps, m_stream));
    }
    PAGODA_CUDA_CHECK(rope(q, qStride, k, kvStride, at<int32_t>(m_meta, m_layout.positions), T, c.numHeads,
                           c.numKvHeads, hd, c.rope.rotaryDim, c.rope.interleaved, m_invFreq.as<float>(), m_stream));
    PAGODA_CUDA_CHECK(writeKvCache(k, kvStride, v, kvStride, at<int64_t>(m_meta, m_layout.slotMapping), T,
                                   c.numKvHeads, hd, m_kCache[layer].get(), m_vCache[layer].get(), act, m_stream));

    PagedAttentionParams p;
    p.numSequences = shape.numSeqs;
    p.numHeads = c.numHeads;
    p.numKvHeads = c.numKvHeads;
    p.headDim = hd;
    p.blockSize = m_blockSize;
    p.scale = 1.0f / std::sqrt(float(hd));
    p.q = q;
    p.qStride = qStride;
    p.kCache = m_kCache[layer].get();
    p.vCache = m_vCache[layer].get();
    p.cacheType = act;
    p.blockTables = at<int32_t>(m_meta, m_layout.blockTables);
    p.blockTableStride = m_limits.maxBlocksPerSeq;
    p.contextLens = at<int32_t>(m_meta, m_layout.contextLens);
    p.querySeqStart = at<int32_t>(m_meta, m_layout.querySeqStart);
    p.maxQueryLen = shape.maxQueryLen;
    p.maxContextLen = shape.maxContextLen;
    p.out = m_attnOut.get();
    p.outType = act;
    if (shape.decode)
        PAGODA_CUDA_CHECK(pagedAttentionDecode(p, m_attnWorkspace.get(), m_stream));
    else
        PAGODA_CUDA_CHECK(pagedAttentionPrefill(p, m_stream));

    if (auto st = gemm(L.o, 0, c.hiddenSize, m_attnOut.get(), T, m_proj.as<float>(), c.hiddenSize); !st) return st;
    if (L.oBias) PAGODA_CUDA_CHECK(addBias(m_proj.as<float>(), T, c.hiddenSize, c.hiddenSize, L.oBias, m_stream));
    if (L.postAttnNorm.data) return sandwichNorm(L.postAttnNorm, T);
    return Ok{};
}

Status CudaExecutor::mlp(size_t layer, const StepShape& shape) {
    const ModelConfig& c = m_model->config;
    const DeviceLayer& L = m_weights.layers[layer];
    const DType act = m_weights.activationType;
    const int T = shape.numTokens, I = c.intermediateSize;

    PAGODA_CUDA_CHECK(addRmsNorm(m_hidden.as<float>(), m_proj.as<float>(), L.mlpNorm.data, L.mlpNorm.type, T,
                                 c.hiddenSize, c.rmsNormEps, m_normed.get(), act, m_stream));
    if (auto st = gemm(L.gateUp, 0, 2 * I, m_normed.get(), T, m_gateUp.as<float>(), 2 * I); !st) return st;
    PAGODA_CUDA_CHECK(siluMul(m_gateUp.as<float>(), T, I, m_act.get(), act, m_stream));
    if (auto st = gemm(L.down, 0, c.hiddenSize, m_act.get(), T, m_proj.as<float>(), c.hiddenSize); !st) return st;
    if (L.postMlpNorm.data) return sandwichNorm(L.postMlpNorm, T);
    return Ok{};
}

// The last sub-block's output still has to join the residual stream; only the rows that
// need logits are gathered, added, normalized and multiplied by lm_head.
Status CudaExecutor::head(int firstRow, int rows) {
    const ModelConfig& c = m_model->config;
    if (rows == 0) return Ok{};
    const int32_t* indices = at<int32_t>(m_meta, m_layout.logitsIndices) + firstRow;
    PAGODA_CUDA_CHECK(gatherRows(m_hidden.as<float>(), c.hiddenSize, indices, rows, m_lastHidden.as<float>(), m_stream));
    PAGODA_CUDA_CHECK(gatherRows(m_proj.as<float>(), c.hiddenSize, indices, rows, m_lastProj.as<float>(), m_stream));
    PAGODA_CUDA_CHECK(addRmsNorm(m_lastHidden.as<float>(), m_lastProj.as<float>(), m_weights.finalNorm.data,
                                 m_weights.finalNorm.type, rows, c.hiddenSize, c.rmsNormEps, m_lastNormed.get(),
                                 m_weights.activationType, m_stream));
    return gemm(m_weights.lmHead, 0, c.vocabSize, m_lastNormed.get(), rows, m_logits.as<float>(), c.vocabSize);
}

}  // namespace pagoda::cuda
