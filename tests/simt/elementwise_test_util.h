// Helpers of the elementwise kernel suite: tensors stored in a checkpoint dtype, the
// rounding the kernels apply to their outputs, and comparisons that say where they differ.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/simt/simt.h"  // first: the CUDA built-ins the kernel headers need

#include <QtTest>

#include "kernels/common/dtype.h"
#include "kernels/cuda/elementwise_launch.cuh"

namespace pagoda::simt::test {

// Bytes of `values` stored as `type` (rounded to nearest even, as the kernels' fromFloat).
inline std::vector<unsigned char> store(const std::vector<float>& values, DType type) {
    std::vector<unsigned char> bytes(values.size() * dtypeSize(type));
    for (size_t i = 0; i < values.size(); ++i) {
        if (type == DType::F32) {
            std::memcpy(bytes.data() + 4 * i, &values[i], 4);
        } else {
            const uint16_t h = type == DType::BF16 ? floatToBf16(values[i]) : floatToF16(values[i]);
            std::memcpy(bytes.data() + 2 * i, &h, 2);
        }
    }
    return bytes;
}

inline std::vector<float> load(const std::vector<unsigned char>& bytes, DType type) {
    std::vector<float> values(bytes.size() / dtypeSize(type));
    for (size_t i = 0; i < values.size(); ++i) values[i] = loadAsFloat(bytes.data(), type, i);
    return values;
}

inline float roundTo(float x, DType type) { return loadAsFloat(store({x}, type).data(), type, 0); }

inline std::vector<float> randomFloats(std::mt19937& rng, size_t n, float lo = -2.0f, float hi = 2.0f) {
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
}

// Values a dtype holds exactly, so a table stored in it reads back as these floats.
inline std::vector<float> randomRepresentable(std::mt19937& rng, size_t n, DType type) {
    std::vector<float> v = randomFloats(rng, n);
    for (float& x : v) x = roundTo(x, type);
    return v;
}

// "" when got[i] == want[i] for all i, else the first mismatch.
inline std::string compareExact(const std::vector<float>& got, const std::vector<float>& want) {
    if (got.size() != want.size()) return "size " + std::to_string(got.size()) + " != " + std::to_string(want.size());
    for (size_t i = 0; i < got.size(); ++i)
        if (!(got[i] == want[i]) && !(std::isnan(got[i]) && std::isnan(want[i])))
            return "element " + std::to_string(i) + ": " + std::to_string(got[i]) + " != " + std::to_string(want[i]);
    return {};
}

// An output rounded to `type` from a value the kernel computed in a different (but
// equally valid) f32 order: equal to the reference rounded the same way, or to its
// rounding after a relative nudge of `relative` either side (a rounding boundary between).
inline std::string compareRounded(const std::vector<float>& got, const std::vector<float>& reference, DType type,
                                  float relative) {
    if (got.size() != reference.size()) return "size mismatch";
    for (size_t i = 0; i < got.size(); ++i) {
        const float r = reference[i];
        const float lo = roundTo(r - std::fabs(r) * relative, type), hi = roundTo(r + std::fabs(r) * relative, type);
        if (!(got[i] >= lo && got[i] <= hi))
            return "element " + std::to_string(i) + ": " + std::to_string(got[i]) + " not in [" + std::to_string(lo) +
                   ", " + std::to_string(hi) + "] around " + std::to_string(r) + " (" + dtypeName(type) + ")";
    }
    return {};
}

// Every kernel runs with its own shape and again with a 2-block grid, so the grid-stride
// loops over rows are exercised too.
template <class Kernel>
void launchBoth(const cuda::LaunchShape& shape, Kernel&& kernel, std::vector<float>* reset = nullptr,
                std::vector<float> initial = {}) {
    launch(shape.grid(), dim3(shape.block), shape.sharedBytes, kernel);
    if (shape.gridX <= 2) return;
    std::vector<float> first;
    if (reset) first = *reset, *reset = initial;
    launch(dim3(2), dim3(shape.block), shape.sharedBytes, kernel);
    if (reset) QCOMPARE(compareExact(*reset, first), std::string());
}

inline const DType kElementTypes[] = {DType::F32, DType::BF16, DType::F16};

}  // namespace pagoda::simt::test
