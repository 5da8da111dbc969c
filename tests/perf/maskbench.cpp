// MaskBench runner (issue 19), the Pagoda side of tests/perf/maskbench.py: JSONSchemaBench's schemas
// (maskbench/data of github.com/guidance-ai/jsonschemabench) through the JSON Schema converter and the
// grammar matcher, measured as that repository's maskbench/runner.py measures LLGuidance and XGrammar:
//   * TTFM: jsonSchemaGrammar from the schema's text (parsing included, as the Python engines are handed
//     text too), compileGrammar, TokenGrammar and the first mask;
//   * each instance is written as Python's json.dumps(data, ensure_ascii=False) writes it, tokenized by
//     Pagoda's tokenizer without special tokens; per token the mask is computed, the token must be in it,
//     then accepted (TBM = mask + accept); after the last token one more mask must allow end-of-sequence;
//   * a valid instance rejected is a validation error, an invalid one accepted an invalidation error.
// Each schema runs in a forked child (single-threaded): a crash is counted, a child that makes no progress
// for --compile-timeout seconds while compiling or --instance-timeout seconds on one instance is killed and
// counted as a timeout. One JSON line per schema goes to --out; a summary to stdout. Not run by CI.
//
//   maskbench TOKENIZER_DIR DATA_DIR [--split NAME[,NAME...]] [--files LIST] [--limit N] [--out FILE.jsonl]
//             [--compile-timeout S] [--instance-timeout S] [--jobs N] [--any-json]
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/chat/python_json.h"
#include "engine/structured/compiled_grammar.h"
#include "engine/structured/grammar_matcher.h"
#include "engine/structured/json_schema_grammar.h"
#include "engine/structured/token_vocabulary.h"
#include "engine/tokenizer/tokenizer.h"

namespace {

namespace fs = std::filesystem;
namespace st = pagoda::structured;
using Clock = std::chrono::steady_clock;
using nlohmann::ordered_json;

constexpr rlim_t kMemoryLimit = rlim_t(8) << 30;  // per child: a runaway grammar fails instead of starving the machine

struct Options {
    fs::path tokenizerDir;
    fs::path dataDir;
    std::set<std::string> splits;
    fs::path filesList;
    size_t limit = 0;
    fs::path out = "maskbench.jsonl";
    double compileTimeout = 10;
    double instanceTimeout = 10;
    int jobs = 1;
    bool anyJson = false;  // every schema replaced by {}: the matcher alone on generic JSON, for comparison
};

double microsSince(Clock::time_point t0) { return std::chrono::duration<double, std::micro>(Clock::now() - t0).count(); }

// The instance text is Python's json.dumps(data, ensure_ascii=False), as runner.py tokenizes it:
// engine/chat/python_json writes exactly that (it serves tool-call arguments the same way).
std::string instanceText(const ordered_json& data) {
    auto value = pagoda::parsePythonJson(data.dump(), "instance");
    if (!value) throw std::runtime_error(value.error().message);
    return pagoda::dumpPythonJson(*value);
}

// FNV-1a over every instance's ids (uint32 little-endian, 0xFFFFFFFF after each), as maskbench.py's TokenHash.
struct TokenHash {
    uint64_t h = 0xCBF29CE484222325ull;
    void addWord(uint32_t v) {
        for (int i = 0; i < 4; ++i) h = (h ^ ((v >> (8 * i)) & 0xFF)) * 0x100000001B3ull;
    }
    void add(const std::vector<int32_t>& ids) {
        for (int32_t id : ids) addWord(uint32_t(id));
        addWord(0xFFFFFFFFu);
    }
    std::string hex() const { return fmt::format("{:016x}", h); }
};

std::string splitOf(const std::string& name) {
    if (const size_t dash = name.find("---"); dash != std::string::npos) return name.substr(0, dash);
    size_t end = name.size() - std::string(".json").size();
    size_t digits = end;
    while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) --digits;
    if (digits < end && digits > 0 && name[digits - 1] == '_') return name.substr(0, digits - 1);
    return name.substr(0, end);
}

// ---- one schema, measured in the child ------------------------------------------------------------------------

struct Context {
    const pagoda::Tokenizer& tokenizer;
    std::shared_ptr<const st::TokenVocabulary> vocabulary;
    int32_t eos;
    bool anyJson;
};

// The child tells the parent how far it got: "C <ttfm_us>" once compiled, "I" after each instance,
// "R <json>" at the end. The parent restarts its timeout on each line.
void send(int fd, const std::string& line) {
    const std::string text = line + "\n";
    for (size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) return;
        done += size_t(n);
    }
}

pagoda::Result<std::shared_ptr<st::TokenGrammar>> compileSchema(const std::string& schemaText, const Context& ctx) {
    auto grammar = st::jsonSchemaGrammar(ctx.anyJson ? std::string_view("{}") : std::string_view(schemaText));
    if (!grammar) return grammar.error();
    auto compiled = st::compileGrammar(*grammar);
    if (!compiled) return compiled.error();
    return std::make_shared<st::TokenGrammar>(*compiled, ctx.vocabulary);
}

ordered_json measureSchema(const fs::path& file, const Context& ctx, int fd) {
    ordered_json rec = {{"id", file.filename().string()}, {"split", splitOf(file.filename().string())}};
    std::ifstream in(file, std::ios::binary);
    const auto doc = ordered_json::parse(std::string(std::istreambuf_iterator<char>(in), {}), nullptr, false);
    if (doc.is_discarded() || !doc.contains("schema")) {
        rec["status"] = "crash";
        rec["error"] = "data file is not JSON with a \"schema\"";
        return rec;
    }
    const ordered_json tests = doc.value("tests", ordered_json::array());
    rec["tests"] = tests.size();
    const std::string schemaText = doc["schema"].dump();

    const auto t0 = Clock::now();
    auto grammar = compileSchema(schemaText, ctx);
    if (grammar) {
        st::GrammarMatcher matcher(*grammar);
        auto mask = matcher.nextMask();
        if (!mask) grammar = mask.error();
    }
    if (!grammar) {
        rec["status"] = "compile_error";
        rec["error"] = grammar.error().message.substr(0, 300);
        return rec;
    }
    const double ttfm = microsSince(t0);
    rec["ttfm_us"] = ttfm;
    send(fd, fmt::format("C {}", ttfm));

    std::vector<double> masks;
    TokenHash hash;
    size_t tokens = 0, validRejected = 0, invalidAccepted = 0;
    std::string firstError;
    for (size_t i = 0; i < tests.size(); ++i) {
        const auto& test = tests[i];
        const bool valid = test.value("valid", false);
        const std::string text = instanceText(test["data"]);
        auto ids = ctx.tokenizer.encode(text, false);
        if (!ids) {
            rec["status"] = "crash";
            rec["error"] = fmt::format("test #{}: tokenizer: {}", i, ids.error().message);
            return rec;
        }
        hash.add(*ids);
        tokens += ids->size();
        ids->push_back(ctx.eos);
        st::GrammarMatcher matcher(*grammar);
        bool accepted = true;
        std::string error;
        std::string written;  // the instance text accepted so far, for the error message
        for (const int32_t id : *ids) {
            const auto a = Clock::now();
            auto mask = matcher.nextMask();
            const double maskUs = microsSince(a);
            if (!mask) {
                error = mask.error().message;
                accepted = false;
                break;
            }
            if (!(*mask)->allows(id) || id == ctx.eos) {
                masks.push_back(maskUs);
                accepted = (*mask)->allows(id);
                if (!accepted)
                    error = fmt::format("{} rejected after {}", id == ctx.eos ? std::string("end of sequence")
                                                                                : ordered_json(ctx.vocabulary->bytes(id)).dump(-1, ' ', false, ordered_json::error_handler_t::replace),
                                        ordered_json(written.size() > 120 ? "..." + written.substr(written.size() - 120) : written)
                                            .dump(-1, ' ', false, ordered_json::error_handler_t::replace));
                break;
            }
            written += ctx.vocabulary->bytes(id);
            const auto c = Clock::now();
            auto ok = matcher.acceptToken(id);
            masks.push_back(maskUs + microsSince(c));
            if (!ok || !*ok) {  // allowed by the mask but refused by the matcher: counts as rejected
                if (!ok) error = ok.error().message;
                accepted = false;
                break;
            }
        }
        if (valid && !accepted) {
            ++validRejected;
            if (firstError.empty())
                firstError = fmt::format("test #{}: {}", i, error.empty() ? "valid instance rejected" : error);
        } else if (!valid && accepted) {
            ++invalidAccepted;
        }
        send(fd, "I");
    }
    for (double& us : masks) us = std::round(us * 100) / 100;
    rec["tokens"] = tokens;
    rec["valid_rejected"] = validRejected;
    rec["invalid_accepted"] = invalidAccepted;
    rec["token_hash"] = hash.hex();
    rec["mask_us"] = masks;
    rec["status"] = validRejected ? "validation_error" : invalidAccepted ? "invalidation_error" : "pass";
    if (validRejected) rec["error"] = firstError.substr(0, 300);
    return rec;
}

// ---- supervision --------------------------------------------------------------------------------------------

struct Child {
    pid_t pid = -1;
    int fd = -1;
    fs::path file;
    std::string buffer;
    std::string result;
    bool compiled = false;
    double ttfm = -1;
    Clock::time_point deadline;
};

Child spawn(const fs::path& file, const Context& ctx, const Options& opt) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        const rlimit limit{kMemoryLimit, kMemoryLimit};
        ::setrlimit(RLIMIT_AS, &limit);
        std::string line;
        try {
            line = "R " + measureSchema(file, ctx, fds[1]).dump(-1, ' ', false, ordered_json::error_handler_t::replace);
        } catch (const std::bad_alloc&) {
            line = "R " + ordered_json({{"id", file.filename().string()}, {"status", "crash"},
                                        {"error", "out of memory (8 GiB address space)"}}).dump();
        } catch (const std::exception& e) {
            line = "R " + ordered_json({{"id", file.filename().string()}, {"status", "crash"},
                                        {"error", std::string("exception: ") + e.what()}})
                              .dump(-1, ' ', false, ordered_json::error_handler_t::replace);
        }
        send(fds[1], line);
        ::_exit(0);
    }
    ::close(fds[1]);
    Child child;
    child.pid = pid;
    child.fd = fds[0];
    child.file = file;
    child.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(opt.compileTimeout));
    return child;
}

// Reads what the child sent; false at end of file.
bool drain(Child& child, const Options& opt) {
    char buf[1 << 16];
    const ssize_t n = ::read(child.fd, buf, sizeof buf);
    if (n <= 0) return false;
    child.buffer.append(buf, size_t(n));
    for (size_t nl; (nl = child.buffer.find('\n')) != std::string::npos;) {
        const std::string line = child.buffer.substr(0, nl);
        child.buffer.erase(0, nl + 1);
        if (line.rfind("R ", 0) == 0) child.result = line.substr(2);
        if (line.rfind("C ", 0) == 0) {
            child.compiled = true;
            child.ttfm = std::stod(line.substr(2));
        }
        child.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(opt.instanceTimeout));
    }
    return true;
}

ordered_json finish(Child& child, bool timedOut, const Options& opt) {
    if (timedOut) ::kill(child.pid, SIGKILL);
    int status = 0;
    ::waitpid(child.pid, &status, 0);
    ::close(child.fd);
    const std::string name = child.file.filename().string();
    if (!timedOut && !child.result.empty()) {
        auto rec = ordered_json::parse(child.result, nullptr, false);
        if (!rec.is_discarded()) {
            rec["split"] = splitOf(name);
            return rec;
        }
    }
    ordered_json rec = {{"id", name}, {"split", splitOf(name)}, {"mask_us", ordered_json::array()}};
    if (child.compiled) rec["ttfm_us"] = child.ttfm;
    if (timedOut) {
        rec["status"] = "timeout";
        rec["error"] = fmt::format("no progress for {} s", child.compiled ? opt.instanceTimeout : opt.compileTimeout);
        if (!child.compiled) rec["ttfm_us"] = opt.compileTimeout * 1e6;
    } else {
        rec["status"] = "crash";
        rec["error"] = WIFSIGNALED(status) ? fmt::format("killed by signal {} ({})", WTERMSIG(status),
                                                         ::strsignal(WTERMSIG(status)))
                                           : fmt::format("exit status {}", WEXITSTATUS(status));
    }
    return rec;
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(double(v.size()) * p / 100))];
}

int usage(const char* argv0) {
    std::fprintf(stderr,
                 "usage: %s TOKENIZER_DIR DATA_DIR [--split NAME[,NAME...]] [--files LIST] [--limit N]\n"
                 "          [--out FILE.jsonl] [--compile-timeout S] [--instance-timeout S] [--jobs N] [--any-json]\n",
                 argv0);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        try {
            if (a == "--split") {
                std::string list = next();
                for (size_t s = 0, e; s <= list.size(); s = e + 1) {
                    e = std::min(list.find(',', s), list.size());
                    if (e > s) opt.splits.insert(list.substr(s, e - s));
                }
            } else if (a == "--files") opt.filesList = next();
            else if (a == "--limit") opt.limit = std::stoul(next());
            else if (a == "--out") opt.out = next();
            else if (a == "--compile-timeout") opt.compileTimeout = std::stod(next());
            else if (a == "--instance-timeout") opt.instanceTimeout = std::stod(next());
            else if (a == "--jobs") opt.jobs = std::max(1, std::stoi(next()));
            else if (a == "--any-json") opt.anyJson = true;
            else if (a.rfind("--", 0) == 0) return usage(argv[0]);
            else positional.push_back(a);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "maskbench: %s\n", e.what());
            return usage(argv[0]);
        }
    }
    if (positional.size() != 2) return usage(argv[0]);
    opt.tokenizerDir = positional[0];
    opt.dataDir = positional[1];

    std::vector<fs::path> files;
    if (!opt.filesList.empty()) {
        std::ifstream list(opt.filesList);
        for (std::string line; std::getline(list, line);)
            if (!line.empty()) files.push_back(fs::path(line).is_absolute() ? fs::path(line) : opt.dataDir / line);
    } else {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(opt.dataDir, ec))
            if (entry.path().extension() == ".json") files.push_back(entry.path());
        if (ec) {
            std::fprintf(stderr, "maskbench: cannot list %s: %s\n", opt.dataDir.c_str(), ec.message().c_str());
            return 1;
        }
        std::sort(files.begin(), files.end());
    }
    if (!opt.splits.empty())
        std::erase_if(files, [&](const fs::path& f) { return !opt.splits.count(splitOf(f.filename().string())); });
    if (opt.limit && files.size() > opt.limit) files.resize(opt.limit);
    if (files.empty()) {
        std::fprintf(stderr, "maskbench: no schema files selected in %s\n", opt.dataDir.c_str());
        return 1;
    }

    auto tokenizer = pagoda::loadTokenizer(opt.tokenizerDir);
    if (!tokenizer) {
        std::fprintf(stderr, "maskbench: %s\n", tokenizer.error().message.c_str());
        return 1;
    }
    const auto& special = (*tokenizer)->specialTokens();
    if (!special.eosId) {
        std::fprintf(stderr, "maskbench: %s names no eos token\n", opt.tokenizerDir.c_str());
        return 1;
    }
    const int32_t eos = *special.eosId;
    const int32_t eosIds[] = {eos};
    const auto t0 = Clock::now();
    Context ctx{**tokenizer, st::TokenVocabulary::fromTokenizer(**tokenizer, eosIds), eos, opt.anyJson};
    std::fprintf(stderr, "maskbench: %zu schemas; vocabulary of %zu tokens built in %.0f ms\n", files.size(),
                 ctx.vocabulary->size(), microsSince(t0) / 1000);

    std::ofstream out(opt.out, std::ios::app);
    std::vector<Child> running;
    size_t nextFile = 0, done = 0;
    std::map<std::string, size_t> counts;
    std::vector<double> ttfm, tbm;
    const auto start = Clock::now();
    while (nextFile < files.size() || !running.empty()) {
        while (nextFile < files.size() && running.size() < size_t(opt.jobs)) running.push_back(spawn(files[nextFile++], ctx, opt));
        std::vector<pollfd> fds;
        auto wait = std::chrono::milliseconds(1000);
        for (const auto& c : running) {
            fds.push_back({c.fd, POLLIN, 0});
            wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(c.deadline - Clock::now()) +
                                      std::chrono::milliseconds(1));
        }
        ::poll(fds.data(), fds.size(), int(std::max<int64_t>(0, wait.count())));
        for (size_t i = running.size(); i-- > 0;) {
            Child& c = running[i];
            bool ended = false, timedOut = false;
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) ended = !drain(c, opt);
            if (!ended && Clock::now() > c.deadline) ended = timedOut = true;
            if (!ended) continue;
            ordered_json rec = finish(c, timedOut, opt);
            const std::string status = rec.value("status", "crash");
            ++counts[status];
            if (status != "compile_error" && rec.contains("ttfm_us")) ttfm.push_back(rec["ttfm_us"].get<double>());
            if (status == "pass" || status == "validation_error" || status == "invalidation_error")
                for (const auto& us : rec["mask_us"]) tbm.push_back(us.get<double>());
            out << rec.dump(-1, ' ', false, ordered_json::error_handler_t::replace) << '\n';
            out.flush();
            running.erase(running.begin() + std::ptrdiff_t(i));
            if (++done % 100 == 0)
                std::fprintf(stderr, "maskbench: %zu/%zu schemas, %.0f s\n", done, files.size(), microsSince(start) / 1e6);
        }
    }

    std::printf("%s\n",
                fmt::format("{{\"schemas\": {}, \"pass\": {}, \"compile_error\": {}, \"validation_error\": {}, "
                            "\"invalidation_error\": {}, \"crash\": {}, \"timeout\": {}, \"ttfm_p50_us\": {:.1f}, "
                            "\"ttfm_p90_us\": {:.1f}, \"ttfm_p99_us\": {:.1f}, \"tbm_p50_us\": {:.2f}, "
                            "\"tbm_p99_us\": {:.2f}, \"masks\": {}, \"seconds\": {:.1f}}}",
                            files.size(), counts["pass"], counts["compile_error"], counts["validation_error"],
                            counts["invalidation_error"], counts["crash"], counts["timeout"], percentile(ttfm, 50),
                            percentile(ttfm, 90), percentile(ttfm, 99), percentile(tbm, 50), percentile(tbm, 99),
                            tbm.size(), microsSince(start) / 1e6)
                    .c_str());
    return 0;
}
