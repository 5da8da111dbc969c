#include "engine/executor/cuda/cuda_executor.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "kernels/cuda/launchers.h"

namespace pagoda::cuda {

namespace {

// cuBLAS's recommended workspace for graph capture on Hopper (smaller cards need less);
// giving it one up front keeps it from allocating inside a captured step.
constexpr size_t kCublasWorkspaceBytes = size_t(32) << 20;

}  // namespace

Result<std::unique_ptr<CudaExecutor>> CudaExecutor::create(const CudaExecutorConfig& config, KvCacheSizing& sizing,
                                                           std::string& deviceName) {
    std::unique_ptr<CudaExecutor> ex(new CudaExecutor(config.model));
    const ModelConfig& c = config.model->config;
    ex->m_blockSize = config.blockSize;
    ex->m_graphsEnabled = config.cudaGraphs;
    if (auto st = ex->initDevice(deviceName); !st) return st.error();
    auto weights = uploadWeights(*config.model);
    if (!weights) return weights.error();
    ex->m_weights = std::move(weights).value();

    // Buffers are sized for the longest context asked for; the KV cache may lower it below.
    const int wantedLen = config.maxModelLen > 0 ? std::min(config.maxModelLen, c.maxPositionEmbeddings)
                                                 : c.maxPositionEmbeddings;
    if (auto st = ex->allocateStepBuffers(config, wantedLen); !st) return st.error();
    auto peak = ex->profile();
    if (!peak) return peak.error();

    GpuMemory memory;
    PAGODA_CUDA_CHECK(cudaMemGetInfo(&memory.freeBytes, &memory.totalBytes));
    memory.peakActivationBytes = *peak;
    GpuKvRequest request;
    request.utilization = config.gpuMemoryUtilization;
    request.blockSize = config.blockSize;
    request.requestedMaxModelLen = config.maxModelLen;
    request.maxNumSeqs = config.maxNumSeqs;
    request.bytesPerElement = dtypeSize(ex->m_weights.activationType);
    request.marginBytes = kvMarginBytes(memory.totalBytes);
    auto kv = sizeGpuKvCache(c, memory, request);
    if (!kv) return kv.error();
    sizing = *kv;
    ex->m_maxModelLen = sizing.maxModelLen;
    if (auto st = ex->allocateKvCache(sizing.numBlocks); !st) return st.error();
    return ex;
}

CudaExecutor::~CudaExecutor() {
    for (auto& [size, graph] : m_graphs) cudaGraphExecDestroy(graph);
    if (m_cublas) cublasDestroy(m_cublas);
    if (m_stream) cudaStreamDestroy(m_stream);
    if (m_hostMeta) cudaFreeHost(m_hostMeta);
    if (m_hostLogits) cudaFreeHost(m_hostLogits);
}

double CudaExecutor::peakMemoryBandwidth() {
    // cudaDeviceProp lost memoryClockRate in CUDA 13; the attributes still answer.
    int clockKHz = 0, busBits = 0;
    if (cudaDeviceGetAttribute(&clockKHz, cudaDevAttrMemoryClockRate, 0) != cudaSuccess ||
        cudaDeviceGetAttribute(&busBits, cudaDevAttrGlobalMemoryBusWidth, 0) != cudaSuccess)
        return 0;
    return 2.0 * double(clockKHz) * 1e3 * double(busBits) / 8.0;
}

Status CudaExecutor::initDevice(std::string& deviceName) {
    // The first runtime call: an unusable driver or device fails here, by name.
    PAGODA_CUDA_CHECK(cudaSetDevice(0));
    cudaDeviceProp props{};
    PAGODA_CUDA_CHECK(cudaGetDeviceProperties(&props, 0));
    deviceName = props.name;
    PAGODA_CUDA_CHECK(cudaStreamCreateWithFlags(&m_stream, cudaStreamNonBlocking));
    PAGODA_CUDA_CHECK(cublasCreate(&m_cublas));
    PAGODA_CUDA_CHECK(cublasSetStream(m_cublas, m_stream));
    if (auto st = m_cublasWorkspace.allocate(kCublasWorkspaceBytes); !st) return st;
    PAGODA_CUDA_CHECK(cublasSetWorkspace(m_cublas, m_cublasWorkspace.get(), kCublasWorkspaceBytes));
    return Ok{};
}

Status CudaExecutor::allocateStepBuffers(const CudaExecutorConfig& config, int maxModelLen) {
    const ModelConfig& c = m_model->config;
    m_limits = stepLimits(config.maxNumBatchedTokens, config.maxNumSeqs, maxModelLen, config.blockSize);
    m_layout = stepMetadataLayout(m_limits);
    m_graphSizes = graphBatchSizes(config.maxNumSeqs);
    const ActivationSizes sizes = activationSizes(c, m_limits);
    const size_t act = dtypeSize(m_weights.activationType);
    const std::pair<DeviceBuffer*, size_t> buffers[] = {
        {&m_meta, m_layout.totalBytes}, {&m_hidden, 4 * sizes.hidden}, {&m_proj, 4 * sizes.hidden},
        {&m_projTmp, c.sandwichNorms ? 4 * sizes.hidden : 0}, {&m_normed, act * sizes.normed},
        {&m_qkv, 4 * sizes.qkv}, {&m_attnOut, act * sizes.attnOut}, {&m_gateUp, 4 * sizes.gateUp},
        {&m_act, act * sizes.act}, {&m_lastHidden, 4 * sizes.lastHidden}, {&m_lastProj, 4 * sizes.lastHidden},
        {&m_lastNormed, act * sizes.lastHidden}, {&m_logits, 4 * sizes.logits},
        {&m_invFreq, sizeof(float) * size_t(std::max(1, c.rope.rotaryDim / 2))}};
    for (const auto& [buffer, bytes] : buffers)
        if (auto st = buffer->allocate(bytes); !st) return st;

    // Decode splits long contexts into partitions; the worst case is every sequence at full length.
    PagedAttentionParams worst;
    worst.numSequences = m_limits.maxSeqs;
    worst.numHeads = c.numHeads;
    worst.numKvHeads = c.numKvHeads;
    worst.headDim = c.headDim;
    worst.blockSize = config.blockSize;
    worst.maxContextLen = maxModelLen;
    if (auto st = m_attnWorkspace.allocate(pagedAttentionDecodeWorkspaceBytes(worst)); !st) return st;

    std::vector<float> invFreq(size_t(std::max(1, c.rope.rotaryDim / 2)), 0.0f);
    ropeInvFreq(c.rope, invFreq.data());
    PAGODA_CUDA_CHECK(cudaMemcpy(m_invFreq.get(), invFreq.data(), invFreq.size() * sizeof(float), cudaMemcpyHostToDevice));
    PAGODA_CUDA_CHECK(cudaMallocHost(&m_hostMeta, m_layout.totalBytes));
    PAGODA_CUDA_CHECK(cudaMallocHost(&m_hostLogits, 4 * sizes.logits));
    return Ok{};
}

Status CudaExecutor::allocateKvCache(int numBlocks) {
    const ModelConfig& c = m_model->config;
    const size_t bytes = size_t(numBlocks) * size_t(m_blockSize) * size_t(c.numKvHeads) * size_t(c.headDim) *
                         dtypeSize(m_weights.activationType);
    m_kCache.clear();
    m_vCache.clear();
    m_kCache.resize(size_t(c.numLayers));
    m_vCache.resize(size_t(c.numLayers));
    for (int l = 0; l < c.numLayers; ++l) {
        for (DeviceBuffer* cache : {&m_kCache[size_t(l)], &m_vCache[size_t(l)]}) {
            if (auto st = cache->allocate(bytes); !st) return st;
            // Zeroed once: padded graph sequences read block 0, and zeros keep them finite.
            PAGODA_CUDA_CHECK(cudaMemsetAsync(cache->get(), 0, bytes, m_stream));
        }
    }
    m_numBlocks = numBlocks;
    PAGODA_CUDA_CHECK(cudaStreamSynchronize(m_stream));
    return Ok{};
}

Result<size_t> CudaExecutor::profile() {
    // One prefill of max_num_batched_tokens tokens in a temporary cache just large enough,
    // as vLLM's profile_run; whatever cuBLAS and lazily loaded kernels take shows up here.
    const int T = m_limits.maxTokens;
    const int blocks = (T + m_blockSize - 1) / m_blockSize;
    size_t freeBefore = 0, freeAfter = 0, total = 0;
    PAGODA_CUDA_CHECK(cudaMemGetInfo(&freeBefore, &total));
    if (auto st = allocateKvCache(blocks); !st) return st.error();
    const size_t cacheBytes = 2 * m_kCache.size() * m_kCache[0].bytes();

    // Sequences no longer than the block tables hold, each in its own range of blocks.
    const int perSeq = std::min(T, m_limits.maxBlocksPerSeq * m_blockSize);
    BatchBuilder builder(m_blockSize);
    int numSeqs = 0;
    for (int start = 0, nextBlock = 0; start < T && numSeqs < m_limits.maxSeqs; start += perSeq, ++numSeqs) {
        const int len = std::min(perSeq, T - start);
        std::vector<int32_t> table(size_t((len + m_blockSize - 1) / m_blockSize));
        for (auto& b : table) b = nextBlock++;
        builder.addSequence(std::vector<int32_t>(size_t(len), 0), 0, table, LogitsFor::Last);
    }
    const Batch batch = builder.build();
    if (auto st = packStepMetadata(batch, m_limits, m_layout, 0, m_hostMeta); !st) return st.error();
    PAGODA_CUDA_CHECK(cudaMemcpyAsync(m_meta.get(), m_hostMeta, m_layout.totalBytes, cudaMemcpyHostToDevice, m_stream));
    const int tokens = int(batch.numTokens());
    StepShape shape{tokens, numSeqs, m_limits.maxLogitRows, perSeq, perSeq, false};
    if (auto st = forward(shape); !st) return st.error();
    if (auto st = head(0, numSeqs); !st) return st.error();
    PAGODA_CUDA_CHECK(cudaStreamSynchronize(m_stream));
    PAGODA_CUDA_CHECK(cudaMemGetInfo(&freeAfter, &total));
    m_kCache.clear();
    m_vCache.clear();
    m_numBlocks = 0;
    const size_t taken = freeBefore > freeAfter ? freeBefore - freeAfter : 0;
    return taken > cacheBytes ? taken - cacheBytes : 0;
}

Result<cudaGraphExec_t> CudaExecutor::graphFor(int paddedSeqs) {
    if (auto it = m_graphs.find(paddedSeqs); it != m_graphs.end()) return it->second;
    // Captured with the longest context so one graph serves every later step: the
    // attention kernels skip partitions past each sequence's own length.
    const StepShape shape{paddedSeqs, paddedSeqs, paddedSeqs, 1, m_maxModelLen, true};
    PAGODA_CUDA_CHECK(cudaStreamBeginCapture(m_stream, cudaStreamCaptureModeThreadLocal));
    Status body = forward(shape);
    if (body) body = head(0, paddedSeqs);
    cudaGraph_t graph = nullptr;
    const cudaError_t ended = cudaStreamEndCapture(m_stream, &graph);
    if (!body) {
        if (graph) cudaGraphDestroy(graph);
        return body.error();
    }
    PAGODA_CUDA_CHECK(ended);
    cudaGraphExec_t exec = nullptr;
    const cudaError_t instantiated = cudaGraphInstantiate(&exec, graph, 0);
    cudaGraphDestroy(graph);
    PAGODA_CUDA_CHECK(instantiated);
    m_graphs.emplace(paddedSeqs, exec);
    return exec;
}

Status CudaExecutor::copyLogits(int rows, float* host) {
    const size_t bytes = size_t(rows) * size_t(m_model->config.vocabSize) * sizeof(float);
    PAGODA_CUDA_CHECK(cudaMemcpyAsync(host, m_logits.get(), bytes, cudaMemcpyDeviceToHost, m_stream));
    PAGODA_CUDA_CHECK(cudaStreamSynchronize(m_stream));
    return Ok{};
}

Result<std::span<const float>> CudaExecutor::execute(const Batch& batch) {
    const ModelConfig& c = m_model->config;
    if (auto valid = validateBatch(batch, c.vocabSize, m_numBlocks, m_blockSize); !valid) return valid.error();
    const int numTokens = int(batch.numTokens()), numSeqs = int(batch.numSequences());
    const int numLogits = int(batch.logitsIndices.size());
    const size_t V = size_t(c.vocabSize);
    if (numTokens == 0) return std::span<const float>();

    StepShape shape{numTokens, numSeqs, std::min(numLogits, m_limits.maxLogitRows), 1, 0, numTokens == numSeqs};
    for (int s = 0; s < numSeqs; ++s) {
        shape.maxQueryLen = std::max(shape.maxQueryLen, batch.querySeqStart[size_t(s) + 1] - batch.querySeqStart[size_t(s)]);
        shape.maxContextLen = std::max(shape.maxContextLen, batch.contextLens[size_t(s)]);
    }
    const int padded = shape.decode && m_graphsEnabled && numLogits <= numSeqs ? graphBatchFor(numSeqs, m_graphSizes) : 0;
    if (auto st = packStepMetadata(batch, m_limits, m_layout, padded, m_hostMeta); !st) return st.error();
    PAGODA_CUDA_CHECK(cudaMemcpyAsync(m_meta.get(), m_hostMeta, m_layout.totalBytes, cudaMemcpyHostToDevice, m_stream));

    if (padded > 0) {
        auto graph = graphFor(padded);
        if (!graph) return graph.error();
        PAGODA_CUDA_CHECK(cudaGraphLaunch(*graph, m_stream));
    } else {
        if (auto st = forward(shape); !st) return st.error();
        if (auto st = head(0, shape.logitRows); !st) return st.error();
    }
    if (auto st = copyLogits(shape.logitRows, m_hostLogits); !st) return st.error();
    if (numLogits <= m_limits.maxLogitRows) return std::span<const float>(m_hostLogits, size_t(numLogits) * V);

    // More rows than one chunk (logits for every prompt token): the rest chunk by chunk.
    m_logitsOut.resize(size_t(numLogits) * V);
    std::copy_n(m_hostLogits, size_t(shape.logitRows) * V, m_logitsOut.data());
    for (int first = shape.logitRows; first < numLogits; first += m_limits.maxLogitRows) {
        const int rows = std::min(m_limits.maxLogitRows, numLogits - first);
        if (auto st = head(first, rows); !st) return st.error();
        if (auto st = copyLogits(rows, m_hostLogits); !st) return st.error();
        std::copy_n(m_hostLogits, size_t(rows) * V, m_logitsOut.data() + size_t(first) * V);
    }
    return std::span<const float>(m_logitsOut.data(), m_logitsOut.size());
}

}  // namespace pagoda::cuda
