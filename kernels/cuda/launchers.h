// Host entry points of the CUDA kernels: what the CUDA executor calls, one function per
// kernel, each checking its launch preconditions and returning the launch error as a value.
// Pointers are device pointers. Activations between layers are f32 (the residual stream) or
// `actType` where a cuBLAS product reads them; weights and the KV cache keep the
// checkpoint's dtype (BF16 or F16; F32 for tests). The kernels themselves live in the
// .cuh files beside this one, written in the SIMT subset (README.md) so tests/simt runs
// them on the CPU.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "kernels/common/dtype.h"
#include "kernels/cuda/attention_params.h"

namespace pagoda::cuda {

// Empty when the launch was accepted; otherwise what was wrong ("rmsNorm: hidden 5000 is
// not a multiple of 4", or cudaGetErrorString of the launch).
using LaunchStatus = std::string;

// out[t, :] = table[tokenIds[t], :] widened to f32. table: [vocab, hidden] in tableType.
LaunchStatus embedding(const int32_t* tokenIds, int numTokens, const void* table, DType tableType, int hidden,
                       float* out, cudaStream_t stream);

// residual += delta (skipped when delta is null), then out = rmsNorm(residual) * weight,
// written in outType (the next product's input dtype). One block per row.
LaunchStatus addRmsNorm(float* residual, const float* delta, const void* weight, DType weightType, int rows,
                        int hidden, float eps, void* out, DType outType, cudaStream_t stream);

// Qwen3's per-head q/k RMSNorm, in place on x: [numTokens, numHeads, headDim] f32.
LaunchStatus headRmsNorm(float* x, int numTokens, int numHeads, int headDim, const void* weight, DType weightType,
                         float eps, cudaStream_t stream);

// RoPE in place on q [numTokens, numHeads, headDim] and k [numTokens, numKvHeads, headDim]
// (f32, row stride `qStride` / `kStride` floats so they can point into a fused qkv output).
// invFreq: rotaryDim/2 floats precomputed by ropeInvFreq (Llama 3 scaling included).
LaunchStatus rope(float* q, int qStride, float* k, int kStride, const int32_t* positions, int numTokens, int numHeads,
                  int numKvHeads, int headDim, int rotaryDim, bool interleaved, const float* invFreq,
                  cudaStream_t stream);

// out[t, i] = silu(gateUp[t, i]) * gateUp[t, intermediate + i], written in outType.
LaunchStatus siluMul(const float* gateUp, int numTokens, int intermediate, void* out, DType outType,
                     cudaStream_t stream);

// Converts each token's k and v ([numTokens, numKvHeads, headDim] f32, row strides in
// floats) into the caches ([numBlocks, blockSize, numKvHeads, headDim] in cacheType) at
// slotMapping[t]; negative slots are skipped.
LaunchStatus writeKvCache(const float* k, int kStride, const float* v, int vStride, const int64_t* slotMapping,
                          int numTokens, int numKvHeads, int headDim, void* kCache, void* vCache, DType cacheType,
                          cudaStream_t stream);

// Decode: one query token per sequence. Long contexts are split into partitions that run
// in parallel and are merged by a second kernel (flash-decoding); `workspace` must hold
// pagedAttentionDecodeWorkspaceBytes(params) bytes.
size_t pagedAttentionDecodeWorkspaceBytes(const PagedAttentionParams& params);
LaunchStatus pagedAttentionDecode(const PagedAttentionParams& params, void* workspace, cudaStream_t stream);

// Prefill (and chunked prefill): each sequence's query tokens are its last
// querySeqStart[s+1] - querySeqStart[s] positions; each attends causally to everything in
// its cache before it, prefix-cached context included.
LaunchStatus pagedAttentionPrefill(const PagedAttentionParams& params, cudaStream_t stream);

// Greedy sampling on the device: out[r] = argmax of logits row r (lowest index on ties, as
// torch.argmax), so only numRows ints cross PCIe.
LaunchStatus argmaxRows(const float* logits, int numRows, int vocab, int32_t* out, cudaStream_t stream);

}  // namespace pagoda::cuda
