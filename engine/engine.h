// The synchronous engine: add requests, abort them, and step. Each step is
// schedule → execute → process results (nano-vllm's loop); bookkeeping lives in the
// Scheduler and BlockManager, math in the Executor, sampling in the Sampler.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/cache/block_manager.h"
#include "engine/executor/executor.h"
#include "engine/metrics.h"
#include "engine/model/model_config.h"
#include "engine/prompt_logprobs.h"
#include "engine/request.h"
#include "engine/sampling/grammar_masks.h"
#include "engine/sampling/sampler.h"
#include "engine/scheduler/scheduler.h"
#include "engine/tokenizer/tokenizer.h"

namespace pagoda {

struct EngineConfig {
    SchedulerConfig scheduler;
    bool enablePrefixCaching = true;
    int maxModelLen = 0;  // tokens per sequence (prompt + output); 0: the model's context
};

class Engine {
public:
    // `tokenizer` may be null (ids only, no text); it must outlive the engine.
    Engine(std::unique_ptr<Executor> executor, const ModelConfig& model, const Tokenizer* tokenizer,
           EngineConfig config);
    ~Engine();

    // Rejects, with a message naming the problem, an empty or over-long prompt, ids outside
    // the vocabulary, a duplicate id and out-of-range sampling parameters.
    Status addRequest(Request request);
    // Any time, mid-prefill included; the request's final output (finish reason abort)
    // comes out of the next step().
    void abort(const std::string& requestId);
    std::vector<RequestOutput> step();

    // Requests in flight, or finished ones whose last output the next step() still delivers.
    bool hasUnfinished() const { return !m_requests.empty() || !m_pendingOutputs.empty(); }
    int maxModelLen() const { return m_config.maxModelLen; }
    MetricsSnapshot metrics() const;
    const BlockManager& blockManager() const { return m_blocks; }
    // For tests: the live sequences, to check block accounting after every step.
    std::vector<const Sequence*> liveSequences() const;

private:
    struct RequestState {
        std::vector<std::unique_ptr<Sequence>> sequences;
        std::shared_ptr<const SamplingParams> params;
        size_t numFinished = 0;
    };

    Batch buildBatch(const SchedulerOutput& scheduled) const;
    void processResults(const SchedulerOutput& scheduled, std::span<const float> logits,
                        std::vector<RequestOutput>& outputs);
    // Appends a sampled token and decides whether the sequence is done; fills `out`.
    void appendToken(Sequence& seq, const SampleResult& sample, CompletionOutput& out);
    void finishSequence(Sequence& seq, FinishReason reason, CompletionOutput& out);
    RequestOutput& outputFor(std::vector<RequestOutput>& outputs, const std::string& requestId);
    void retireFinishedRequests(std::vector<RequestOutput>& outputs);

    std::unique_ptr<Executor> m_executor;
    const ModelConfig& m_model;
    const Tokenizer* m_tokenizer;
    EngineConfig m_config;
    std::vector<int32_t> m_eosIds;
    GrammarMasks m_grammarMasks;
    BlockManager m_blocks;
    Scheduler m_scheduler;
    Sampler m_sampler;
    PromptLogprobsProcessor m_promptLogprobs;
    std::unordered_map<std::string, RequestState> m_requests;
    std::vector<RequestOutput> m_pendingOutputs;  // aborts, delivered by the next step
    int64_t m_nextSequenceId = 0;
    std::vector<float> m_logitsScratch;
    MetricsRecorder m_metrics;
};

}  // namespace pagoda
