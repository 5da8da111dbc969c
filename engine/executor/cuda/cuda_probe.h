// Whether this machine can run the CUDA backend, asked of the NVIDIA driver itself
// (libcuda.so.1, opened at run time) so the same build starts where no driver exists.
// Plain host code: no CUDA headers, nothing linked.
#pragma once

#include <string>

namespace pagoda::cuda {

// The lowest driver the CUDA module runs on: the toolkit's major version, since CUDA's
// minor-version compatibility lets a 13.0 driver run code built with any 13.x toolkit.
#ifdef PAGODA_CUDA_REQUIRED_DRIVER
inline constexpr int kRequiredDriverVersion = PAGODA_CUDA_REQUIRED_DRIVER;
#else
inline constexpr int kRequiredDriverVersion = 13000;
#endif

struct CudaProbe {
    bool usable = false;
    // Why not, starting with one of "no NVIDIA driver", "driver too old", "no CUDA device",
    // then the details a user can act on.
    std::string reason;
    int driverVersion = 0;  // 1000 * major + 10 * minor, as cuDriverGetVersion reports
    int deviceCount = 0;
    // Device 0, when usable: what the app's memory slider and estimate are about.
    std::string deviceName;
    long long deviceMemoryBytes = 0;
};

// library: the driver to open ("libcuda.so.1" searches the system; tests pass a fake's path).
CudaProbe probeCudaDriver(const std::string& library = "libcuda.so.1", int requiredVersion = kRequiredDriverVersion);

}  // namespace pagoda::cuda
