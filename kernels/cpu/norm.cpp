#include "kernels/cpu/norm.h"

#include <cmath>

namespace pagoda::cpu {

namespace {

void normalizeRow(const float* xr, double sumSquares, size_t n, const Vector& weight, float eps, float* yr) {
    const float inv = 1.0f / std::sqrt(float(sumSquares / double(n)) + eps);
    for (size_t i = 0; i < n; ++i) yr[i] = (xr[i] * inv) * loadAsFloat(weight.data, weight.type, i);
}

}  // namespace

void rmsNorm(const float* x, size_t rows, const Vector& weight, float eps, float* y) {
    const size_t n = weight.size;
    for (size_t r = 0; r < rows; ++r) {
        const float* xr = x + r * n;
        double sumSquares = 0.0;
        for (size_t i = 0; i < n; ++i) sumSquares += double(xr[i]) * xr[i];
        normalizeRow(xr, sumSquares, n, weight, eps, y + r * n);
    }
}

void addRmsNorm(float* residual, const float* delta, size_t rows, const Vector& weight, float eps, float* y) {
    const size_t n = weight.size;
    for (size_t r = 0; r < rows; ++r) {
        float* xr = residual + r * n;
        const float* dr = delta + r * n;
        double sumSquares = 0.0;
        for (size_t i = 0; i < n; ++i) {
            xr[i] += dr[i];
            sumSquares += double(xr[i]) * xr[i];
        }
        normalizeRow(xr, sumSquares, n, weight, eps, y + r * n);
    }
}

}  // namespace pagoda::cpu
