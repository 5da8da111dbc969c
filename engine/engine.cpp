#include "engine/engine.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "engine/generate.h"

namespace pagoda {

const char* finishReasonName(FinishReason reason) {
    switch (reason) {
        case FinishReason::Stop: return "stop";
        case FinishReason::Length: return "length";
        case FinishReason::Abort: return "abort";
    }
    return "?";
}

Engine::Engine(std::unique_ptr<Executor> executor, const ModelConfig& model, const Tokenizer* tokenizer,
               EngineConfig config)
    : m_executor(std::move(executor)),
      m_model(model),
      m_tokenizer(tokenizer),
      m_config(config),
      m_eosIds(endOfGenerationIds(model, tokenizer)),
      m_grammarMasks(tokenizer, m_eosIds),
      m_blocks(m_executor->numKvBlocks(), m_executor->blockSize(), config.enablePrefixCaching),
      m_scheduler(config.scheduler, m_blocks) {
    const int capacity = m_executor->numKvBlocks() * m_executor->blockSize();
    if (m_config.maxModelLen <= 0) m_config.maxModelLen = model.maxPositionEmbeddings;
    m_config.maxModelLen = std::min({m_config.maxModelLen, model.maxPositionEmbeddings, capacity});
}

Engine::~Engine() = default;

Status Engine::addRequest(Request request) {
    if (m_requests.count(request.id)) return makeError(fmt::format("request id '{}' is already in use", request.id));
    if (request.promptIds.empty()) return makeError("the prompt is empty");
    if (request.promptIds.size() >= size_t(m_config.maxModelLen))
        return makeError(fmt::format("this model's maximum context length is {} tokens, but the prompt has {} tokens; "
                                     "shorten it",
                                     m_config.maxModelLen, request.promptIds.size()));
    for (int32_t id : request.promptIds)
        if (id < 0 || id >= m_model.vocabSize)
            return makeError(fmt::format("prompt token id {} is outside the vocabulary (0..{})", id, m_model.vocabSize - 1));
    if (auto valid = request.params.validate(m_model.vocabSize); !valid) return valid.error();

    RequestState state;
    state.params = std::make_shared<const SamplingParams>(std::move(request.params));
    const auto now = std::chrono::steady_clock::now();
    for (int i = 0; i < state.params->n; ++i) {
        auto seq = std::make_unique<Sequence>();
        seq->id = m_nextSequenceId++;
        seq->requestId = request.id;
        seq->index = i;
        seq->tokenIds = request.promptIds;
        seq->numPromptTokens = request.promptIds.size();
        seq->params = state.params;
        // A seeded request draws the same tokens whatever else shares the batch.
        const uint64_t seed = state.params->seed ? *state.params->seed + uint64_t(i) : std::random_device{}();
        seq->rng = std::make_unique<SamplerRng>(seed);
        if (m_tokenizer) {
            DetokenizerOptions options;
            options.skipSpecialTokens = state.params->skipSpecialTokens;
            options.stop = state.params->stop;
            options.includeStopStrInOutput = state.params->includeStopStrInOutput;
            seq->detokenizer = std::make_unique<Detokenizer>(*m_tokenizer, request.promptIds, std::move(options));
        }
        seq->arrival = now;
        if (auto attached = m_grammarMasks.attach(*seq); !attached) return attached.error();
        state.sequences.push_back(std::move(seq));
    }
    if (state.params->promptLogprobs) m_promptLogprobs.add(request.id, request.promptIds, *state.params->promptLogprobs);
    m_scheduler.addWaiting(state.sequences[0].get());
    for (size_t i = 1; i < state.sequences.size(); ++i)
        m_scheduler.addSibling(state.sequences[0].get(), state.sequences[i].get());
    m_requests.emplace(request.id, std::move(state));
    return Ok{};
}

void Engine::abort(const std::string& requestId) {
    const auto it = m_requests.find(requestId);
    if (it == m_requests.end()) return;
    RequestOutput& out = outputFor(m_pendingOutputs, requestId);
    ++m_metrics.requestsAborted;  // it is still here, so some sequence of it is unfinished
    for (auto& seq : it->second.sequences) {
        if (seq->isFinished()) continue;
        out.outputs.push_back({});
        out.outputs.back().index = seq->index;
        finishSequence(*seq, FinishReason::Abort, out.outputs.back());
    }
    retireFinishedRequests(m_pendingOutputs);
}

std::vector<RequestOutput> Engine::step() {
    std::vector<RequestOutput> outputs = std::exchange(m_pendingOutputs, {});
    const SchedulerOutput scheduled = m_scheduler.schedule();
    m_metrics.lastStepTokens = scheduled.numBatchedTokens;
    m_metrics.lastStepSequences = scheduled.scheduled.size();
    if (scheduled.empty()) return outputs;
    m_grammarMasks.prefetch(scheduled);  // overlaps the forward pass
    auto logits = m_executor->execute(buildBatch(scheduled));
    if (!logits) {
        // The batch was built from validated requests, so this is a backend failure: end
        // what ran rather than loop on it.
        for (const auto& s : scheduled.scheduled) {
            RequestOutput& out = outputFor(outputs, s.sequence->requestId);
            out.outputs.push_back({});
            out.outputs.back().index = s.sequence->index;
            finishSequence(*s.sequence, FinishReason::Abort, out.outputs.back());
        }
    } else {
        processResults(scheduled, *logits, outputs);
    }
    retireFinishedRequests(outputs);
    return outputs;
}

Batch Engine::buildBatch(const SchedulerOutput& scheduled) const {
    BatchBuilder builder(m_blocks.blockSize());
    for (const auto& s : scheduled.scheduled) {
        const Sequence& seq = *s.sequence;
        builder.addSequence(std::span(seq.tokenIds).subspan(seq.numComputedTokens, s.numNewTokens),
                            int32_t(seq.numComputedTokens), seq.blockTable, m_promptLogprobs.logitsFor(s));
    }
    return builder.build();
}

void Engine::processResults(const SchedulerOutput& scheduled, std::span<const float> logits,
                            std::vector<RequestOutput>& outputs) {
    const size_t vocab = size_t(m_model.vocabSize);
    size_t row = 0;
    for (const auto& s : scheduled.scheduled) {
        Sequence& seq = *s.sequence;
        const bool samples = s.completesPending();
        const LogitsFor rowsFor = m_promptLogprobs.logitsFor(s);
        const size_t numRows = PromptLogprobsProcessor::numRows(rowsFor, s.numNewTokens);
        const auto rows = logits.subspan(row * vocab, numRows * vocab);
        row += numRows;
        if (rowsFor == LogitsFor::All) m_promptLogprobs.consume(s, rows, vocab);
        seq.numComputedTokens += s.numNewTokens;
        if (seq.numOutputTokens() == 0) m_metrics.promptTokens += s.numNewTokens;
        m_blocks.cacheComputedBlocks(seq);
        if (!samples) continue;

        m_logitsScratch.assign(rows.end() - long(vocab), rows.end());  // the last row samples
        RequestOutput& out = outputFor(outputs, seq.requestId);
        if (!m_grammarMasks.apply(seq, m_logitsScratch)) {  // the grammar outgrew its limits
            out.outputs.push_back({});
            out.outputs.back().index = seq.index;
            finishSequence(seq, FinishReason::Abort, out.outputs.back());
            continue;
        }
        const SampleInput input{seq.params.get(),
                                std::span(seq.tokenIds).first(seq.numPromptTokens),
                                std::span(seq.tokenIds).subspan(seq.numPromptTokens),
                                seq.params->ignoreEos ? std::span<const int32_t>() : std::span<const int32_t>(m_eosIds),
                                seq.rng.get()};
        const SampleResult sample = m_sampler.sample(m_logitsScratch, input);
        out.outputs.push_back({});
        out.outputs.back().index = seq.index;
        appendToken(seq, sample, out.outputs.back());
    }
}

void Engine::appendToken(Sequence& seq, const SampleResult& sample, CompletionOutput& out) {
    const SamplingParams& p = *seq.params;
    const auto now = std::chrono::steady_clock::now();
    if (!seq.firstTokenTime) {
        seq.firstTokenTime = now;
        m_metrics.timeToFirstToken.record(std::chrono::duration<double>(now - seq.arrival).count());
    } else {
        m_metrics.interTokenLatency.record(std::chrono::duration<double>(now - seq.lastTokenTime).count());
    }
    seq.lastTokenTime = now;
    ++m_metrics.generationTokens;

    const int32_t token = sample.token;
    seq.tokenIds.push_back(token);
    out.newTokenIds.push_back(token);
    if (p.logprobs) out.logprobs.push_back(sample);
    const GrammarMasks::Progress grammar = m_grammarMasks.accept(seq, token);
    if (grammar == GrammarMasks::Progress::Rejected) return finishSequence(seq, FinishReason::Abort, out);

    const bool pastMinTokens = seq.numOutputTokens() > size_t(p.minTokens);
    const bool isEos = std::find(m_eosIds.begin(), m_eosIds.end(), token) != m_eosIds.end();
    if (!p.ignoreEos && isEos && pastMinTokens) return finishSequence(seq, FinishReason::Stop, out);
    if (pastMinTokens && std::find(p.stopTokenIds.begin(), p.stopTokenIds.end(), token) != p.stopTokenIds.end()) {
        seq.stopTokenId = out.stopTokenId = token;
        return finishSequence(seq, FinishReason::Stop, out);
    }
    if (seq.detokenizer) {
        auto delta = seq.detokenizer->push(token);
        if (delta) {
            out.newText += delta->text;
            if (delta->stopped && pastMinTokens) {
                seq.stopString = out.stopString = delta->stopString;
                return finishSequence(seq, FinishReason::Stop, out);
            }
        }
    }
    if (grammar == GrammarMasks::Progress::Complete) return finishSequence(seq, FinishReason::Stop, out);
    if (seq.numOutputTokens() >= size_t(p.maxTokens) || seq.tokenIds.size() >= size_t(m_config.maxModelLen))
        return finishSequence(seq, FinishReason::Length, out);
}

void Engine::finishSequence(Sequence& seq, FinishReason reason, CompletionOutput& out) {
    if (seq.detokenizer && out.stopString.empty()) out.newText += seq.detokenizer->finish().text;
    seq.finishReason = out.finishReason = reason;
    m_scheduler.finish(&seq);
    ++m_requests.at(seq.requestId).numFinished;
}

RequestOutput& Engine::outputFor(std::vector<RequestOutput>& outputs, const std::string& requestId) {
    for (auto& out : outputs)
        if (out.requestId == requestId) return out;
    outputs.push_back({});
    outputs.back().requestId = requestId;
    return outputs.back();
}

void Engine::retireFinishedRequests(std::vector<RequestOutput>& outputs) {
    for (RequestOutput& out : outputs) {
        const auto it = m_requests.find(out.requestId);
        if (it == m_requests.end()) continue;
        const RequestState& state = it->second;
        out.usage = {};
        const Sequence& first = *state.sequences.front();
        out.usage.promptTokens = first.numPromptTokens;
        out.usage.cachedPromptTokens = first.numCachedPromptTokens;
        for (const auto& seq : state.sequences) out.usage.completionTokens += seq->numOutputTokens();
        m_promptLogprobs.deliver(out, state.numFinished == state.sequences.size());
        if (state.numFinished == state.sequences.size()) {
            out.finished = true;
            ++m_metrics.requestsFinished;
            m_requests.erase(it);
        }
    }
}

MetricsSnapshot Engine::metrics() const {
    MetricsSnapshot m;
    m.numRunning = m_scheduler.numRunning();
    m.numWaiting = m_scheduler.numWaiting();
    m.kvBlocksTotal = m_blocks.numBlocks();
    m.kvBlocksUsed = m_blocks.numBlocks() - m_blocks.numFreeBlocks();
    m.prefixCacheQueries = m_blocks.stats().prefixQueries;
    m.prefixCacheHits = m_blocks.stats().prefixHits;
    m.preemptions = m_scheduler.totalPreemptions();
    m.promptTokens = m_metrics.promptTokens;
    m.generationTokens = m_metrics.generationTokens;
    m.requestsFinished = m_metrics.requestsFinished;
    m.requestsAborted = m_metrics.requestsAborted;
    m.lastStepTokens = m_metrics.lastStepTokens;
    m.lastStepSequences = m_metrics.lastStepSequences;
    m.timeToFirstToken = m_metrics.timeToFirstToken;
    m.interTokenLatency = m_metrics.interTokenLatency;
    return m;
}

std::vector<const Sequence*> Engine::liveSequences() const {
    std::vector<const Sequence*> live;
    for (const auto& [id, state] : m_requests)
        for (const auto& seq : state.sequences)
            if (!seq->isFinished()) live.push_back(seq.get());
    return live;
}

}  // namespace pagoda
