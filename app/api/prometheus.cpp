#include "app/api/prometheus.h"

#include <fmt/format.h>

namespace pagoda {

namespace {

void gauge(std::string& out, const char* name, const char* help, const std::string& labels, double value) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0}{{{2}}} {3}\n", name, help, labels, value);
}

void counter(std::string& out, const char* name, const char* help, const std::string& labels, double value) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0}{{{2}}} {3}\n", name, help, labels, value);
}

void histogram(std::string& out, const char* name, const char* help, const std::string& labels,
               const LatencyHistogram& h) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} histogram\n", name, help);
    uint64_t cumulative = 0;
    for (size_t b = 0; b < LatencyHistogram::kBounds.size(); ++b) {
        cumulative += h.counts[b];
        out += fmt::format("{}_bucket{{{},le=\"{}\"}} {}\n", name, labels, LatencyHistogram::kBounds[b], cumulative);
    }
    out += fmt::format("{0}_bucket{{{1},le=\"+Inf\"}} {2}\n{0}_sum{{{1}}} {3}\n{0}_count{{{1}}} {2}\n", name, labels,
                       h.count, h.sum);
}

}  // namespace

std::string prometheusText(const MetricsSnapshot& m, const std::string& modelName, size_t apiRequestsInFlight) {
    std::string labels = "model_name=\"";
    for (char c : modelName) labels += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    labels += "\"";
    std::string out;
    gauge(out, "pagoda:num_requests_running", "Sequences in the running batch.", labels, double(m.numRunning));
    gauge(out, "pagoda:num_requests_waiting", "Sequences waiting to be scheduled.", labels, double(m.numWaiting));
    gauge(out, "pagoda:api_requests_in_flight", "HTTP requests being answered.", labels, double(apiRequestsInFlight));
    gauge(out, "pagoda:kv_cache_usage_perc", "Fraction of KV cache blocks in use.", labels,
          m.kvBlocksTotal ? double(m.kvBlocksUsed) / m.kvBlocksTotal : 0.0);
    counter(out, "pagoda:prefix_cache_queries_total", "Full KV blocks looked up in the prefix cache.", labels,
            double(m.prefixCacheQueries));
    counter(out, "pagoda:prefix_cache_hits_total", "Full KV blocks found in the prefix cache.", labels,
            double(m.prefixCacheHits));
    counter(out, "pagoda:num_preemptions_total", "Sequences preempted for lack of KV blocks.", labels,
            double(m.preemptions));
    counter(out, "pagoda:prompt_tokens_total", "Prompt tokens computed (prefix-cache hits excluded).", labels,
            double(m.promptTokens));
    counter(out, "pagoda:generation_tokens_total", "Tokens generated.", labels, double(m.generationTokens));
    counter(out, "pagoda:request_success_total", "Requests finished.", labels, double(m.requestsFinished));
    counter(out, "pagoda:request_aborted_total",
            "Requests finished by an abort: a client that went away, a stop, an unload.", labels,
            double(m.requestsAborted));
    histogram(out, "pagoda:time_to_first_token_seconds", "Time from arrival to the first token.", labels,
              m.timeToFirstToken);
    histogram(out, "pagoda:inter_token_latency_seconds", "Time between consecutive tokens.", labels,
              m.interTokenLatency);
    return out;
}

}  // namespace pagoda
