// Engine metrics as Prometheus text exposition, named like vLLM's under a `pagoda:` prefix.
#pragma once

#include <string>

#include "engine/metrics.h"

namespace pagoda {

std::string prometheusText(const MetricsSnapshot& metrics, const std::string& modelName, size_t apiRequestsInFlight);

}  // namespace pagoda
