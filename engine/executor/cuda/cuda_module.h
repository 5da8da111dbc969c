// The boundary between the engine and libpagoda_cuda.so, the shared module that holds the
// CUDA executor, its kernels and cuBLAS. The engine opens it at run time, only after the
// driver probe passed, so the executable itself never links a CUDA library. Both sides are
// built from this header in one build; kModuleAbiVersion guards against a stale module.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "engine/cache/kv_cache_sizing.h"
#include "engine/executor/executor.h"
#include "engine/model/model.h"

namespace pagoda::cuda {

inline constexpr int kModuleAbiVersion = 2;
inline constexpr const char* kModuleFileName = "libpagoda_cuda.so";
inline constexpr const char* kCreateSymbol = "pagodaCreateCudaExecutor";

struct CudaExecutorConfig {
    int abiVersion = kModuleAbiVersion;
    std::shared_ptr<const Model> model;
    double gpuMemoryUtilization = 0.9;
    int blockSize = 16;
    int maxNumSeqs = 64;
    int maxNumBatchedTokens = 2048;
    int maxModelLen = 0;  // requested; 0: the model's context. Lowered when the cache is smaller.
    bool cudaGraphs = true;
};

struct CudaExecutorStart {
    std::unique_ptr<Executor> executor;  // null on failure
    KvCacheSizing cache;
    std::string deviceName;
    double peakBandwidth = 0;  // bytes/s: 2 × memory clock × bus width, what decode can approach
    std::string error;  // "out of memory: ..." when the card is too small, else the failing call
};

// Signature of the module's one export (extern "C", so dlsym finds it unmangled).
using CreateCudaExecutorFn = void (*)(const CudaExecutorConfig& config, CudaExecutorStart& start);

struct CudaModule {
    CreateCudaExecutorFn create = nullptr;
    std::filesystem::path path;
    std::string reason;  // why create is null: "the CUDA backend was not built: ..."
};

// Looks in `directory` when given, then beside the executable, then ../lib/pagoda, then the
// library path. The module stays loaded for the life of the process: executors it made
// may outlive any caller.
CudaModule loadCudaModule(const std::filesystem::path& directory = {});

}  // namespace pagoda::cuda
