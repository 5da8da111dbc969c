#include "engine/executor/cuda/cuda_module.h"

#include <dlfcn.h>

#include <vector>

#include <fmt/format.h>
#include <fmt/std.h>

namespace pagoda::cuda {

namespace {

std::filesystem::path executableDirectory() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : exe.parent_path();
}

}  // namespace

CudaModule loadCudaModule(const std::filesystem::path& directory) {
    CudaModule module;
    std::vector<std::filesystem::path> candidates;
    if (!directory.empty()) candidates.push_back(directory / kModuleFileName);
    if (const auto exeDir = executableDirectory(); !exeDir.empty()) {
        candidates.push_back(exeDir / kModuleFileName);
        candidates.push_back(exeDir / ".." / "lib" / "pagoda" / kModuleFileName);
    }
    std::string loadErrors;
    void* handle = nullptr;
    for (const auto& candidate : candidates) {
        std::error_code ec;
        if (!std::filesystem::exists(candidate, ec)) continue;
        // RTLD_NOW: a missing cuBLAS or kernel symbol fails here, not in the middle of a step.
        handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle) {
            module.path = candidate;
            break;
        }
        const char* why = dlerror();
        loadErrors += fmt::format("; {}: {}", candidate, why ? why : "?");
    }
    if (!handle) {
        handle = dlopen(kModuleFileName, RTLD_NOW | RTLD_LOCAL);
        if (handle) module.path = kModuleFileName;
        else if (!loadErrors.empty()) {
            // Present but unloadable: usually the CUDA runtime libraries (libcublas) are missing.
            module.reason = fmt::format("the CUDA backend could not be loaded{}", loadErrors);
            return module;
        }
    }
    if (!handle) {
        module.reason = fmt::format(
            "the CUDA backend was not built: no {} beside the executable, in ../lib/pagoda or on the library path",
            kModuleFileName);
        return module;
    }
    module.create = reinterpret_cast<CreateCudaExecutorFn>(dlsym(handle, kCreateSymbol));
    if (!module.create) module.reason = fmt::format("the CUDA backend was not built: {} has no {}", module.path, kCreateSymbol);
    return module;
}

}  // namespace pagoda::cuda
