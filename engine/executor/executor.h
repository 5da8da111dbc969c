// Runs the model forward on one backend. The scheduler decides what runs; an executor
// only turns a Batch into logits and keeps the KV cache the batch addresses.
#pragma once

#include <span>

#include "engine/common/result.h"
#include "engine/executor/batch.h"

namespace pagoda {

class Executor {
public:
    virtual ~Executor() = default;

    // Writes the batch's K/V into the cache and returns logits, one row of vocabSize
    // floats per batch.logitsIndices entry. The span is valid until the next call.
    virtual Result<std::span<const float>> execute(const Batch& batch) = 0;

    virtual int numKvBlocks() const = 0;
    virtual int blockSize() const = 0;
};

}  // namespace pagoda
