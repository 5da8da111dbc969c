// Runs the canonical decoder on an NVIDIA GPU: cuBLAS for every matrix product, our kernels
// (kernels/cuda/launchers.h) for the rest, a paged KV cache in the weights' dtype sized from
// gpu_memory_utilization, and CUDA graphs for decode steps. Consumes the same Batch as
// CpuExecutor. Lives in libpagoda_cuda.so only.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <map>
#include <memory>
#include <vector>

#include "engine/executor/cuda/cuda_check.h"
#include "engine/executor/cuda/cuda_module.h"
#include "engine/executor/cuda/cuda_plan.h"
#include "engine/executor/cuda/cuda_weights.h"
#include "engine/executor/executor.h"

namespace pagoda::cuda {

// The shape of one forward, fixed while a CUDA graph of it is replayed.
struct StepShape {
    int numTokens = 0;
    int numSeqs = 0;
    int logitRows = 0;  // lm_head rows of the first chunk
    int maxQueryLen = 1;
    int maxContextLen = 0;
    bool decode = false;
};

class CudaExecutor final : public Executor {
public:
    // Uploads the weights, runs the profiling forward, then sizes and allocates the KV cache.
    // The card's theoretical memory bandwidth in bytes/s (double data rate); 0 if unknown.
    static double peakMemoryBandwidth();
    static Result<std::unique_ptr<CudaExecutor>> create(const CudaExecutorConfig& config, KvCacheSizing& sizing,
                                                        std::string& deviceName);
    ~CudaExecutor() override;

    Result<std::span<const float>> execute(const Batch& batch) override;
    int numKvBlocks() const override { return m_numBlocks; }
    int blockSize() const override { return m_blockSize; }

private:
    explicit CudaExecutor(std::shared_ptr<const Model> model) : m_model(std::move(model)) {}

    Status initDevice(std::string& deviceName);
    Status allocateStepBuffers(const CudaExecutorConfig& config, int maxModelLen);
    Status allocateKvCache(int numBlocks);
    Result<size_t> profile();  // peak transient bytes of a max_num_batched_tokens forward

    // Enqueues the decoder on m_stream (also while capturing a graph) ...
    Status forward(const StepShape& shape);
    // ... and the final norm and lm_head for logits rows [firstRow, firstRow + rows).
    Status head(int firstRow, int rows);
    Status gemm(const DeviceMatrix& w, int rowOffset, int rows, const void* x, int numTokens, float* y, int ldy);
    Status attention(size_t layer, const StepShape& shape);
    Status mlp(size_t layer, const StepShape& shape);
    Status sandwichNorm(const DeviceVector& norm, int numTokens);
    Result<cudaGraphExec_t> graphFor(int paddedSeqs);
    Status copyLogits(int rows, float* host);

    std::shared_ptr<const Model> m_model;
    DeviceWeights m_weights;
    cudaStream_t m_stream = nullptr;
    cublasHandle_t m_cublas = nullptr;
    int m_blockSize = 16;
    int m_numBlocks = 0;
    int m_maxModelLen = 0;
    bool m_graphsEnabled = true;
    std::vector<int> m_graphSizes;
    std::map<int, cudaGraphExec_t> m_graphs;

    StepLimits m_limits;
    StepMetadataLayout m_layout;
    std::byte* m_hostMeta = nullptr;   // pinned
    float* m_hostLogits = nullptr;     // pinned, [maxLogitRows, vocab]
    std::vector<float> m_logitsOut;    // when a step asks for more rows than one chunk

    DeviceBuffer m_meta, m_invFreq, m_cublasWorkspace, m_attnWorkspace;
    DeviceBuffer m_hidden, m_proj, m_projTmp, m_normed, m_qkv, m_attnOut, m_gateUp, m_act;
    DeviceBuffer m_lastHidden, m_lastProj, m_lastNormed, m_logits;
    std::vector<DeviceBuffer> m_kCache, m_vCache;
};

}  // namespace pagoda::cuda
