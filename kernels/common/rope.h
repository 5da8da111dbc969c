// Rotary position embedding math shared by the CPU and CUDA kernels: frequencies
// (with Llama 3 scaling) and the rotation itself in both pair layouts.
#pragma once

#include <cmath>

#include "kernels/common/portable.h"

namespace pagoda {

struct RopeSpec {
    float theta = 10000.0f;
    int rotaryDim = 0;         // leading dims of each head that rotate; the rest pass through
    bool interleaved = false;  // GPT-J pairs (x[2i], x[2i+1]) as GLM; else NeoX halves as Llama/Qwen
    // Llama 3 frequency rewrite; factor 0 means none.
    float llama3Factor = 0.0f;
    float llama3LowFreqFactor = 1.0f;
    float llama3HighFreqFactor = 4.0f;
    float llama3OriginalMaxPositions = 8192.0f;
};

// inv_freq[i] = theta^(-2i/rotaryDim) for i < rotaryDim/2, in f32 as HF computes it, then
// rewritten for Llama 3 scaling (HF `_compute_llama3_parameters`): long wavelengths are
// divided by `factor`, short ones kept, the band between interpolated smoothly.
PAGODA_HD void ropeInvFreq(const RopeSpec& spec, float* invFreq) {
    const int half = spec.rotaryDim / 2;
    for (int i = 0; i < half; ++i) {
        float f = 1.0f / powf(spec.theta, float(2 * i) / float(spec.rotaryDim));
        if (spec.llama3Factor > 0.0f) {
            const float pi = 3.14159265358979323846f;
            const float wavelen = 2.0f * pi / f;
            const float lowFreqWavelen = spec.llama3OriginalMaxPositions / spec.llama3LowFreqFactor;
            const float highFreqWavelen = spec.llama3OriginalMaxPositions / spec.llama3HighFreqFactor;
            if (wavelen > lowFreqWavelen) {
                f = f / spec.llama3Factor;
            } else if (wavelen >= highFreqWavelen) {
                const float smooth = (spec.llama3OriginalMaxPositions / wavelen - spec.llama3LowFreqFactor) /
                                     (spec.llama3HighFreqFactor - spec.llama3LowFreqFactor);
                f = (1.0f - smooth) * f / spec.llama3Factor + smooth * f;
            }
        }
        invFreq[i] = f;
    }
}

// cos/sin of position * inv_freq, f32 like HF's rotary embedding.
PAGODA_HD void ropeCosSin(const float* invFreq, int half, int position, float* cosOut, float* sinOut) {
    for (int i = 0; i < half; ++i) {
        const float angle = float(position) * invFreq[i];
        cosOut[i] = cosf(angle);
        sinOut[i] = sinf(angle);
    }
}

// Rotates one head vector in place. NeoX (HF `rotate_half`): dim i pairs with i + half.
// Interleaved (HF Glm `rotate_half`, vLLM is_neox_style=False): dim 2i pairs with 2i+1.
PAGODA_HD void applyRope(float* x, const float* cosv, const float* sinv, int rotaryDim, bool interleaved) {
    const int half = rotaryDim / 2;
    for (int i = 0; i < half; ++i) {
        const int a = interleaved ? 2 * i : i;
        const int b = interleaved ? 2 * i + 1 : i + half;
        const float xa = x[a], xb = x[b];
        x[a] = xa * cosv[i] - xb * sinv[i];
        x[b] = xb * cosv[i] + xa * sinv[i];
    }
}

}  // namespace pagoda
