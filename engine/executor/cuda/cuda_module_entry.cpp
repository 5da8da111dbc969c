// libpagoda_cuda.so's one export: starts a CudaExecutor for the engine (cuda_module.h).
#include <new>
#include <type_traits>

#include "engine/executor/cuda/cuda_executor.h"

extern "C" __attribute__((visibility("default"))) void pagodaCreateCudaExecutor(
    const pagoda::cuda::CudaExecutorConfig& config, pagoda::cuda::CudaExecutorStart& start) {
    using namespace pagoda::cuda;
    static_assert(std::is_same_v<decltype(&pagodaCreateCudaExecutor), CreateCudaExecutorFn>);
    if (config.abiVersion != kModuleAbiVersion) {
        start.error = "the CUDA backend could not be loaded: libpagoda_cuda.so is from another build of Pagoda";
        return;
    }
    // Nothing may escape into the engine's thread as an exception; std::bad_alloc of a host
    // vector is the only one the executor can throw.
    try {
        auto executor = CudaExecutor::create(config, start.cache, start.deviceName);
        if (executor) {
            start.executor = std::move(executor).value();
            start.peakBandwidth = CudaExecutor::peakMemoryBandwidth();
        }
        else start.error = executor.error().message;
    } catch (const std::bad_alloc& e) {
        start.error = std::string("out of memory: host allocation failed (") + e.what() + ")";
    } catch (const std::exception& e) {
        start.error = e.what();
    }
}
