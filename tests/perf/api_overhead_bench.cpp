// What the HTTP API costs on top of the engine: the same requests sent straight to the
// EngineHost and through ApiServer on loopback, one at a time (latency p50/p99) and 16 at a
// time (requests/s). Prints one JSON object. Not run by CI.
//
//   build/tests/perf/pagoda_api_overhead_bench MODEL_DIR [REQUESTS]
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/api/api_server.h"
#include "app/host/engine_host.h"

using namespace pagoda;

namespace {

double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, size_t(q * double(v.size() - 1) + 0.5))];
}

// Runs `count` requests with at most `concurrency` in flight; `start(i, done)` launches one
// and calls done() when it finished. Returns per-request latencies (ms) and requests/s.
std::pair<std::vector<double>, double> drive(int count, int concurrency,
                                            const std::function<void(int, std::function<void()>)>& start) {
    std::vector<double> latencies;
    QEventLoop loop;
    QElapsedTimer total;
    total.start();
    int launched = 0, finished = 0;
    std::function<void()> launch = [&] {
        const int i = launched++;
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        start(i, [&, timer] {
            latencies.push_back(double(timer->nsecsElapsed()) / 1e6);
            if (++finished == count) loop.quit();
            else if (launched < count) launch();
        });
    };
    for (int i = 0; i < concurrency && launched < count; ++i) launch();
    loop.exec();
    return {latencies, count / (double(total.nsecsElapsed()) / 1e9)};
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s MODEL_DIR [REQUESTS]\n", argv[0]);
        return 2;
    }
    const int count = argc > 2 ? std::atoi(argv[2]) : 200;
    EngineHost host;
    EngineOptions options;
    options.modelDir = argv[1];
    options.kvCacheMemoryBytes = 256 << 20;
    if (auto loaded = host.load(options); !loaded) {
        std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
        return 1;
    }
    ApiServer server(host, ApiServerOptions{QHostAddress::LocalHost, 0, {}, {"m"}, {}});
    if (!server.start().ok()) return 1;

    const std::vector<int32_t> prompt = host.tokenizer()->encode("[user] hello there\n[assistant] ", false).value();
    SamplingParams params;
    params.temperature = 0;
    params.maxTokens = 8;
    params.ignoreEos = true;

    std::map<std::string, std::function<void()>> waiting;
    QObject::connect(&host, &EngineHost::requestOutput, [&](const RequestOutput& out) {
        const auto it = waiting.find(out.requestId);  // the server's own requests pass by here too
        if (!out.finished || it == waiting.end()) return;
        auto done = std::move(it->second);
        waiting.erase(it);
        done();
    });
    auto direct = [&](int i, std::function<void()> done) {
        static int serial = 0;
        const std::string id = fmt::format("direct-{}-{}", i, serial++);
        waiting[id] = std::move(done);
        host.submit({id, prompt, params});
    };
    QNetworkAccessManager manager;
    const QByteArray body = QByteArray::fromStdString(
        nlohmann::json{{"prompt", prompt}, {"max_tokens", 8}, {"temperature", 0}, {"ignore_eos", true}}.dump());
    QNetworkRequest request(QUrl(QString("http://127.0.0.1:%1/v1/completions").arg(server.port())));
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    auto viaHttp = [&](int, std::function<void()> done) {
        QNetworkReply* reply = manager.post(request, body);
        QObject::connect(reply, &QNetworkReply::finished, [reply, done] {
            reply->deleteLater();
            done();
        });
    };

    drive(20, 1, direct);  // warm up both paths
    drive(20, 1, viaHttp);
    const auto [directLatency, directRate1] = drive(count, 1, direct);
    const auto [httpLatency, httpRate1] = drive(count, 1, viaHttp);
    const auto [directBatch, directRate16] = drive(count, 16, direct);
    const auto [httpBatch, httpRate16] = drive(count, 16, viaHttp);
    std::printf("%s\n", fmt::format("{{\"requests\": {}, \"max_tokens\": 8, "
                                    "\"direct_p50_ms\": {:.3f}, \"direct_p99_ms\": {:.3f}, "
                                    "\"http_p50_ms\": {:.3f}, \"http_p99_ms\": {:.3f}, "
                                    "\"added_p50_ms\": {:.3f}, \"added_p99_ms\": {:.3f}, "
                                    "\"direct_requests_per_s_c16\": {:.1f}, \"http_requests_per_s_c16\": {:.1f}}}",
                                    count, percentile(directLatency, 0.5), percentile(directLatency, 0.99),
                                    percentile(httpLatency, 0.5), percentile(httpLatency, 0.99),
                                    percentile(httpLatency, 0.5) - percentile(directLatency, 0.5),
                                    percentile(httpLatency, 0.99) - percentile(directLatency, 0.99), directRate16,
                                    httpRate16)
                            .c_str());
    (void)directBatch;
    (void)httpBatch;
    (void)directRate1;
    (void)httpRate1;
    return 0;
}
