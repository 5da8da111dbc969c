// Every CUDA and cuBLAS call is checked: a failure becomes an Error naming the call, and
// allocation failures start with "out of memory" so the engine can say why it fell back.
// Module-only (needs the CUDA headers).
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <string>
#include <utility>

#include "engine/common/result.h"

namespace pagoda::cuda {

inline Status check(cudaError_t error, const char* call) {
    if (error == cudaSuccess) return Ok{};
    const std::string what = std::string(call) + ": " + cudaGetErrorString(error);
    return makeError(error == cudaErrorMemoryAllocation ? "out of memory: " + what : what);
}

inline Status check(cublasStatus_t status, const char* call) {
    if (status == CUBLAS_STATUS_SUCCESS) return Ok{};
    const std::string what = std::string(call) + ": " + cublasGetStatusString(status);
    return makeError(status == CUBLAS_STATUS_ALLOC_FAILED ? "out of memory: " + what : what);
}

// A kernel launcher's LaunchStatus (empty on success).
inline Status check(const std::string& launchStatus, const char* call) {
    if (launchStatus.empty()) return Ok{};
    return makeError(std::string(call) + ": " + launchStatus);
}

}  // namespace pagoda::cuda

// Returns the failure from the enclosing function (which returns a Status or Result<T>).
#define PAGODA_CUDA_CHECK(call)                                                  \
    do {                                                                         \
        if (auto pagodaStatus = ::pagoda::cuda::check((call), #call); !pagodaStatus) \
            return pagodaStatus.error();                                         \
    } while (0)

// Owns one cudaMalloc allocation.
namespace pagoda::cuda {

class DeviceBuffer {
public:
    DeviceBuffer() = default;
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    DeviceBuffer(DeviceBuffer&& other) noexcept : m_data(std::exchange(other.m_data, nullptr)), m_bytes(other.m_bytes) {}
    DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
        std::swap(m_data, other.m_data);
        std::swap(m_bytes, other.m_bytes);
        return *this;
    }
    ~DeviceBuffer() {
        if (m_data) cudaFree(m_data);
    }

    Status allocate(size_t bytes) {
        if (m_data) cudaFree(m_data);
        m_data = nullptr;
        m_bytes = bytes;
        return check(cudaMalloc(&m_data, bytes == 0 ? 1 : bytes), "cudaMalloc");
    }
    void* get() const { return m_data; }
    template <class T>
    T* as() const { return static_cast<T*>(m_data); }
    size_t bytes() const { return m_bytes; }

private:
    void* m_data = nullptr;
    size_t m_bytes = 0;
};

}  // namespace pagoda::cuda
