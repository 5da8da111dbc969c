// The online-softmax bookkeeping shared by the attention kernels (flash attention's running
// max and denominator, flash-decoding's merge of partitions), written once so the CPU
// tests and the CUDA kernels use the same handling of empty (all-masked) ranges.
#pragma once

#include <math.h>

#include "kernels/common/portable.h"

namespace pagoda {

// A masked logit. Kept as a plain constant (no <limits>) so device code can use it.
constexpr float kMaskedLogit = -INFINITY;

// exp(logit - max) that is 0 for a masked logit even when max is masked too, where the
// plain formula would give exp(-inf + inf) = NaN.
PAGODA_HD float softmaxWeight(float logit, float max) { return logit == kMaskedLogit ? 0.0f : expf(logit - max); }

// Factor that rescales sums taken under `oldMax` to `newMax` (newMax >= oldMax). 1 while
// nothing has been seen yet, so an all-masked tile leaves the state untouched.
PAGODA_HD float softmaxRescale(float oldMax, float newMax) {
    return oldMax == kMaskedLogit ? (newMax == kMaskedLogit ? 1.0f : 0.0f) : expf(oldMax - newMax);
}

// Normalizes an accumulated output; a row that saw no key at all yields 0, not NaN.
PAGODA_HD float softmaxNormalize(float accumulated, float denominator) {
    return denominator > 0.0f ? accumulated / denominator : 0.0f;
}

// Flash-decoding merge (vLLM paged_attention_v2_reduce_kernel): partition p has max m_p,
// exp-sum l_p and unnormalized output o_p taken under m_p. With M = max m_p the result is
// sum_p exp(m_p - M) o_p / sum_p exp(m_p - M) l_p. These give the per-partition factor and
// the global max; the kernel does the sums.
PAGODA_HD float mergedMax(const float* maxLogits, int numPartitions) {
    float m = kMaskedLogit;
    for (int p = 0; p < numPartitions; ++p) m = fmaxf(m, maxLogits[p]);
    return m;
}

PAGODA_HD float mergedDenominator(const float* maxLogits, const float* expSums, int numPartitions, float globalMax) {
    float l = 0.0f;
    for (int p = 0; p < numPartitions; ++p) l += expSums[p] * softmaxRescale(maxLogits[p], globalMax);
    return l;
}

}  // namespace pagoda
