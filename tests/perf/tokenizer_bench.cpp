// Tokenizer speed on this machine, the C++ side of tests/perf/run_tokenizer_bench.sh:
// load time of a tokenizer.json and single-threaded encode/decode throughput over the
// corpus tests/perf/make_bench_corpus.py writes. Prints one JSON object. Not run by CI.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/tokenizer/tokenizer.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s TOKENIZER_DIR CORPUS_FILE [REPEATS]\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const int repeats = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
    std::ifstream in(argv[2], std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::string> lines;
    size_t lineBytes = 0;
    for (size_t start = 0; start < text.size();) {
        const size_t end = std::min(text.find('\n', start), text.size());
        lines.push_back(text.substr(start, end - start));
        lineBytes += end - start;
        start = end + 1;
    }

    std::vector<double> loads;
    for (int i = 0; i < 5; ++i) {
        const auto t0 = Clock::now();
        auto tokenizer = pagoda::loadTokenizer(dir);
        loads.push_back(seconds(t0));
        if (!tokenizer) {
            std::fprintf(stderr, "%s\n", tokenizer.error().message.c_str());
            return 1;
        }
    }

    // Each measurement uses a freshly loaded tokenizer, so no run profits from the piece
    // cache an earlier run filled (HF's cache is per Tokenizer object too).
    double perLine = 0, whole = 0, decode = 0;
    size_t numIds = 0;
    for (int r = 0; r < repeats; ++r) {
        auto tokenizer = std::move(pagoda::loadTokenizer(dir)).value();
        auto t0 = Clock::now();
        for (const auto& line : lines) numIds += tokenizer->encode(line, false).value().size();
        perLine = std::max(perLine, double(lineBytes) / 1e6 / seconds(t0));

        tokenizer = std::move(pagoda::loadTokenizer(dir)).value();
        t0 = Clock::now();
        const auto ids = tokenizer->encode(text, false).value();
        whole = std::max(whole, double(text.size()) / 1e6 / seconds(t0));

        t0 = Clock::now();
        const auto decoded = tokenizer->decode(ids, false).value();
        decode = std::max(decode, double(decoded.size()) / 1e6 / seconds(t0));
    }
    std::printf("%s\n", fmt::format("{{\"impl\": \"pagoda\", \"load_median_s\": {:.4f}, \"encode_per_line_mb_s\": {:.2f}, "
                                    "\"encode_whole_text_mb_s\": {:.2f}, \"decode_whole_text_mb_s\": {:.2f}, "
                                    "\"corpus_bytes\": {}, \"lines\": {}}}",
                                    median(loads), perLine, whole, decode, text.size(), lines.size())
                            .c_str());
    return 0;
}
