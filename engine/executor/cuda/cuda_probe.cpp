#include "engine/executor/cuda/cuda_probe.h"

#include <dlfcn.h>

#include <fmt/format.h>

namespace pagoda::cuda {

namespace {

// The driver API's signatures (cuda.h), declared here so the engine needs no CUDA headers:
// CUresult is an int-sized enum whose success value is 0.
using CuInit = int (*)(unsigned int);
using CuDriverGetVersion = int (*)(int*);
using CuDeviceGetCount = int (*)(int*);
using CuDeviceGet = int (*)(int*, int);
using CuDeviceGetName = int (*)(char*, int, int);
using CuDeviceTotalMem = int (*)(size_t*, int);

std::string versionText(int version) { return fmt::format("{}.{}", version / 1000, version % 1000 / 10); }

// Closes the library when the probe returns: the CUDA module's runtime opens its own handle.
struct Library {
    void* handle = nullptr;
    ~Library() {
        if (handle) dlclose(handle);
    }
};

}  // namespace

CudaProbe probeCudaDriver(const std::string& library, int requiredVersion) {
    CudaProbe probe;
    Library driver{dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL)};
    if (!driver.handle) {
        const char* why = dlerror();
        probe.reason = fmt::format("no NVIDIA driver: {} could not be loaded ({})", library, why ? why : "not found");
        return probe;
    }
    auto cuInit = reinterpret_cast<CuInit>(dlsym(driver.handle, "cuInit"));
    auto cuDriverGetVersion = reinterpret_cast<CuDriverGetVersion>(dlsym(driver.handle, "cuDriverGetVersion"));
    auto cuDeviceGetCount = reinterpret_cast<CuDeviceGetCount>(dlsym(driver.handle, "cuDeviceGetCount"));
    if (!cuInit || !cuDriverGetVersion || !cuDeviceGetCount) {
        probe.reason = fmt::format("no NVIDIA driver: {} lacks cuInit, cuDriverGetVersion or cuDeviceGetCount", library);
        return probe;
    }
    // cuDriverGetVersion works before cuInit, so an old driver is named even when init fails.
    if (int rc = cuDriverGetVersion(&probe.driverVersion); rc != 0) {
        probe.reason = fmt::format("no NVIDIA driver: cuDriverGetVersion failed (CUresult {})", rc);
        return probe;
    }
    if (probe.driverVersion < requiredVersion) {
        probe.reason = fmt::format("driver too old: the NVIDIA driver supports CUDA {}, this build needs CUDA {} or "
                                   "newer; update the driver", versionText(probe.driverVersion),
                                   versionText(requiredVersion));
        return probe;
    }
    if (int rc = cuInit(0); rc != 0) {
        // 100 is CUDA_ERROR_NO_DEVICE; anything else (a driver/kernel-module mismatch, a
        // device in a bad state) also leaves no device to run on.
        probe.reason = rc == 100 ? "no CUDA device: the driver found no NVIDIA GPU"
                                 : fmt::format("no CUDA device: cuInit failed (CUresult {})", rc);
        return probe;
    }
    if (int rc = cuDeviceGetCount(&probe.deviceCount); rc != 0 || probe.deviceCount <= 0) {
        probe.reason = rc != 0 ? fmt::format("no CUDA device: cuDeviceGetCount failed (CUresult {})", rc)
                               : std::string("no CUDA device: the driver found no NVIDIA GPU");
        return probe;
    }
    probe.usable = true;
    // Name and memory are for display and the estimate; a driver without them is still usable.
    auto cuDeviceGet = reinterpret_cast<CuDeviceGet>(dlsym(driver.handle, "cuDeviceGet"));
    auto cuDeviceGetName = reinterpret_cast<CuDeviceGetName>(dlsym(driver.handle, "cuDeviceGetName"));
    auto cuDeviceTotalMem = reinterpret_cast<CuDeviceTotalMem>(dlsym(driver.handle, "cuDeviceTotalMem_v2"));
    int device = 0;
    if (cuDeviceGet && cuDeviceGet(&device, 0) == 0) {
        char name[256] = {};
        if (cuDeviceGetName && cuDeviceGetName(name, int(sizeof name) - 1, device) == 0) probe.deviceName = name;
        size_t bytes = 0;
        if (cuDeviceTotalMem && cuDeviceTotalMem(&bytes, device) == 0) probe.deviceMemoryBytes = (long long)bytes;
    }
    return probe;
}

}  // namespace pagoda::cuda
