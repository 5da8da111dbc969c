// `pagoda selftest`: on a machine with an NVIDIA GPU, runs models on CUDA and on the CPU and
// compares their greedy tokens and log-probabilities, then measures CUDA decode speed as a
// share of the card's memory bandwidth. Elsewhere it says why CUDA cannot run.
#pragma once

#include <QStringList>

namespace pagoda::cli {

int runSelftest(const QStringList& arguments);

}  // namespace pagoda::cli
