// The API server over HTTP on loopback, as clients see it: real sockets, real engine.
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <algorithm>
#include <regex>

#include <nlohmann/json.hpp>

#include "app/api/api_server.h"
#include "app/host/engine_host.h"
#include "tests/support/chat_model_dir.h"
#include "tests/support/patience.h"

using namespace pagoda;
using nlohmann::json;

namespace {

struct Reply {
    int status = 0;
    QByteArray body;
    json parsed() const { return json::parse(body.toStdString()); }
};

// Server-sent events of a finished stream, without the "data: " framing.
QStringList sseEvents(const QByteArray& body) {
    QStringList events;
    for (const QByteArray& block : body.split('\n'))
        if (block.startsWith("data: ")) events << QString::fromUtf8(block.mid(6));
    return events;
}

// The JSON chunks of a finished stream, [DONE] left out.
std::vector<json> streamChunks(const Reply& reply) {
    std::vector<json> chunks;
    for (const QString& event : sseEvents(reply.body))
        if (event != "[DONE]") chunks.push_back(json::parse(event.toStdString()));
    return chunks;
}

size_t codePoints(const std::string& text) {
    return size_t(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

// A prompt of token ids long enough to fill several 16-token KV blocks.
json longIdPrompt(int salt, int length = 40) {
    json ids = json::array();
    for (int i = 0; i < length; ++i) ids.push_back(10 + (i * 7 + salt) % 200);
    return ids;
}

}  // namespace

class ApiServerTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        test::makeChatModelDir(m_dir.path().toStdString());
        EngineOptions options;
        options.modelDir = m_dir.path().toStdString();
        options.kvCacheMemoryBytes = 64 << 20;
        options.threads = 2;
        QVERIFY(m_host.load(options).ok());
        m_server = std::make_unique<ApiServer>(m_host, ApiServerOptions{QHostAddress::LocalHost, 0, {}, {"tiny"}, {}});
        QVERIFY(m_server->start().ok());
        m_base = QString("http://127.0.0.1:%1").arg(m_server->port());
    }

    // Structured output over real HTTP: the random fixture model writes gibberish, so an answer
    // that parses and fits was made so by the grammar.
    void constrainedAnswersFitTheirSchemaRegexAndChoice() {
        const json schema = {{"type", "object"},
                             {"properties", {{"name", {{"type", "string"}, {"maxLength", 6}}},
                                             {"n", {{"type", "integer"}, {"minimum", 1}, {"maximum", 9}}},
                                             {"c", {{"enum", {"x", "y"}}}}}},
                             {"required", {"name", "n", "c"}},
                             {"additionalProperties", false}};
        for (const json& sampling : {json{{"temperature", 0}}, json{{"temperature", 1.0}, {"seed", 3}}}) {
            json request = {{"messages", {{{"role", "user"}, {"content", "who?"}}}},
                            {"max_tokens", 200},
                            {"response_format", {{"type", "json_schema"}, {"json_schema", {{"name", "p"}, {"schema", schema}}}}}};
            request.update(sampling);
            const Reply r = post("/v1/chat/completions", request);
            QCOMPARE(r.status, 200);
            const json choice = r.parsed()["choices"][0];
            QCOMPARE(choice["finish_reason"], "stop");
            const json answer = json::parse(choice["message"]["content"].get<std::string>());
            QCOMPARE(answer.size(), size_t(3));
            QVERIFY(answer["name"].is_string());
            QVERIFY(answer["n"].is_number_integer() && answer["n"] >= 1 && answer["n"] <= 9);
            QVERIFY(answer["c"] == "x" || answer["c"] == "y");
            request["stream"] = true;
            std::string streamed;
            for (const json& chunk : streamChunks(post("/v1/chat/completions", request)))
                if (!chunk["choices"].empty() && chunk["choices"][0]["delta"].contains("content"))
                    streamed += chunk["choices"][0]["delta"]["content"].get<std::string>();
            QCOMPARE(streamed, choice["message"]["content"].get<std::string>());
        }
        const Reply regex = post("/v1/completions", {{"prompt", "mail"}, {"max_tokens", 100}, {"temperature", 1.0},
                                                     {"n", 4}, {"guided_regex", "[a-z]{1,6}@[a-z]{1,6}\\.(com|org)"}});
        QCOMPARE(regex.status, 200);
        for (const json& choice : regex.parsed()["choices"]) {
            const std::string text = choice["text"];
            QVERIFY2(std::regex_match(text, std::regex("[a-z]{1,6}@[a-z]{1,6}\\.(com|org)")), text.c_str());
        }
        const Reply choice = post("/v1/chat/completions", {{"messages", {{{"role", "user"}, {"content", "?"}}}},
                                                           {"temperature", 1.0}, {"n", 4},
                                                           {"structured_outputs", {{"choice", {"left", "right"}}}}});
        QCOMPARE(choice.status, 200);
        for (const json& c : choice.parsed()["choices"])
            QVERIFY(c["message"]["content"] == "left" || c["message"]["content"] == "right");
    }

    void badConstraintsAre400sNamingTheFieldAndTheServerKeepsServing() {
        const json message = {{{"role", "user"}, {"content", "hi"}}};
        const std::vector<std::pair<json, std::string>> cases = {
            {{{"guided_regex", "(ab"}}, "guided_regex"},
            {{{"guided_grammar", "start ::= [a-z]"}}, "guided_grammar"},
            {{{"response_format", {{"type", "json_schema"}, {"json_schema", {{"name", "x"}, {"schema", {{"type", "frob"}}}}}}}},
             "response_format.json_schema.schema"},
            {{{"response_format", {{"type", "yaml"}}}}, "response_format.type"},
            {{{"guided_json", {{"type", "object"}}}, {"grammar", "root ::= [a]"}}, "grammar"},
            {{{"guided_json", {{"type", "string"}, {"minLength", 1000000000}}}}, "guided_json"},
        };
        for (const auto& [fields, param] : cases) {
            json request = {{"messages", message}};
            request.update(fields);
            const Reply r = post("/v1/chat/completions", request);
            QCOMPARE(r.status, 400);
            QCOMPARE(r.parsed()["error"]["param"].get<std::string>(), param);
        }
        const Reply ollama = post("/api/generate", {{"prompt", "hi"}, {"format", {{"type", "frob"}}}});
        QCOMPARE(ollama.status, 400);
        QCOMPARE(ollama.parsed()["error"]["param"], "format");
        const Reply fine = post("/v1/chat/completions", {{"messages", message}, {"guided_choice", {"ok"}}});
        QCOMPARE(fine.status, 200);
        QCOMPARE(fine.parsed()["choices"][0]["message"]["content"], "ok");
    }

    // Constraints built to explode (a huge enum, deep nesting, nested and ambiguous
    // repetition, a 3000-way anyOf) are refused or answered, each within the test's patience,
    // and the server answers an ordinary request afterwards.
    void explosiveConstraintsAreRefusedOrAnswered_data() {
        QTest::addColumn<QByteArray>("fields");
        json bigEnum = json::array();
        for (int i = 0; i < 20000; ++i) bigEnum.push_back("value-" + std::to_string(i) + std::string(size_t(i % 7), 'x'));
        json nested = {{"type", "integer"}};
        for (int i = 0; i < 30; ++i) nested = {{"type", "object"}, {"properties", {{"a", nested}}}, {"required", {"a"}}};
        json manyAnyOf = json::array();
        for (int i = 0; i < 3000; ++i) {
            const std::string key = "k" + std::to_string(i);
            manyAnyOf.push_back({{"type", "object"}, {"properties", {{key, {{"type", "string"}}}}}, {"required", {key}}});
        }
        const json cube = {{"type", "array"}, {"maxItems", 1000},
                           {"items", {{"type", "array"}, {"maxItems", 1000}, {"items", {{"type", "string"}, {"maxLength", 1000}}}}}};
        const auto row = [](const char* name, const json& fields) { QTest::newRow(name) << QByteArray::fromStdString(fields.dump()); };
        row("20000-value enum", {{"guided_json", {{"enum", bigEnum}}}});
        row("30 nested objects", {{"guided_json", nested}});
        row("3000-way anyOf", {{"guided_json", {{"anyOf", manyAnyOf}}}});
        row("1000 x 1000 x 1000 array", {{"guided_json", cube}});
        row("nested counted regex", {{"guided_regex", "((a{0,10000}){0,10000}){0,10000}"}});
        row("ambiguous regex", {{"guided_regex", "(a*)*(a|aa)+b"}});
        row("schema pattern with nested plus", {{"guided_json", {{"type", "string"}, {"pattern", "^(x+x+)+y$"}}}});
        row("GBNF counted repeat of a repeat", {{"guided_grammar", "root ::= (\"a\"{0,10000}){0,10000}"}});
        row("minLength of a billion", {{"guided_json", {{"type", "string"}, {"minLength", 1000000000}}}});
        row("regex repeat of a billion", {{"guided_regex", "a{1000000000}"}});
    }
    void explosiveConstraintsAreRefusedOrAnswered() {
        QFETCH(QByteArray, fields);
        json request = {{"messages", {{{"role", "user"}, {"content", "hi"}}}}, {"max_tokens", 16}, {"temperature", 0}};
        request.update(json::parse(fields.toStdString()));
        const Reply r = post("/v1/chat/completions", request);  // waits at most the test's patience
        QVERIFY2(r.status == 200 || r.status == 400, r.body.constData());
        if (r.status == 400) QVERIFY(!r.parsed()["error"]["param"].is_null());
        const Reply after = post("/v1/chat/completions", {{"messages", {{{"role", "user"}, {"content", "hi"}}}}, {"max_tokens", 2}});
        QCOMPARE(after.status, 200);
    }

    void modelsListsTheLoadedModelWithItsContext() {
        const Reply r = get("/v1/models");
        QCOMPARE(r.status, 200);
        const json j = r.parsed();
        QCOMPARE(j["object"], "list");
        QCOMPARE(j["data"][0]["id"], "tiny");
        QCOMPARE(j["data"][0]["max_model_len"].get<int>(), m_host.maxModelLen());
        QCOMPARE(get("/v1/models/tiny").status, 200);
        QCOMPARE(get("/v1/models/other").status, 404);
    }

    void chatCompletionStreamAndWholeAnswerAgree() {
        const json request = {{"model", "tiny"},
                              {"messages", {{{"role", "system"}, {"content", "be brief"}}, {{"role", "user"}, {"content", "hello"}}}},
                              {"temperature", 0},
                              {"max_tokens", 12}};
        const Reply whole = post("/v1/chat/completions", request);
        QCOMPARE(whole.status, 200);
        const json answer = whole.parsed();
        QCOMPARE(answer["object"], "chat.completion");
        QCOMPARE(answer["choices"][0]["message"]["role"], "assistant");
        QCOMPARE(answer["choices"][0]["finish_reason"], "length");
        QCOMPARE(answer["usage"]["completion_tokens"].get<int>(), 12);
        const std::string content = answer["choices"][0]["message"]["content"].get<std::string>();

        json streaming = request;
        streaming["stream"] = true;
        streaming["stream_options"] = {{"include_usage", true}};
        const Reply stream = post("/v1/chat/completions", streaming);
        QCOMPARE(stream.status, 200);
        const QStringList events = sseEvents(stream.body);
        QVERIFY(events.size() >= 4);
        QCOMPARE(events.last(), QString("[DONE]"));
        const json first = json::parse(events.first().toStdString());
        QCOMPARE(first["choices"][0]["delta"]["role"], "assistant");
        std::string streamed;
        json finishChunk, usageChunk;
        for (int i = 0; i + 1 < events.size(); ++i) {
            const json chunk = json::parse(events[i].toStdString());
            QCOMPARE(chunk["object"], "chat.completion.chunk");
            if (chunk["choices"].empty()) {
                usageChunk = chunk;
                continue;
            }
            const json& delta = chunk["choices"][0]["delta"];
            if (delta.contains("content")) streamed += delta["content"].get<std::string>();
            if (!chunk["choices"][0]["finish_reason"].is_null()) finishChunk = chunk;
        }
        QCOMPARE(streamed, content);
        QCOMPARE(finishChunk["choices"][0]["finish_reason"], "length");
        QCOMPARE(usageChunk["usage"]["completion_tokens"].get<int>(), 12);
        QCOMPARE(usageChunk["usage"]["prompt_tokens"], answer["usage"]["prompt_tokens"]);
    }

    void completionsTakeTextListsAndTokenIds() {
        const Reply r = post("/v1/completions",
                             {{"prompt", {"hello", "world"}}, {"max_tokens", 4}, {"temperature", 0}, {"echo", true}});
        QCOMPARE(r.status, 200);
        const json j = r.parsed();
        QCOMPARE(j["object"], "text_completion");
        QCOMPARE(j["choices"].size(), size_t(2));
        QVERIFY(j["choices"][1]["text"].get<std::string>().rfind("world", 0) == 0);  // echoed
        const Reply ids = post("/v1/completions", {{"prompt", {1, 2, 3}}, {"max_tokens", 3}});
        QCOMPARE(ids.status, 200);
        QCOMPARE(ids.parsed()["usage"]["prompt_tokens"].get<int>(), 3);
    }

    void errorsHaveOpenAiShapeAndStatus_data() {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("type");
        const QByteArray chat = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        QTest::newRow("unknown model") << "POST" << "/v1/chat/completions" << QByteArray(chat + ", \"model\": \"gpt-9\"}") << 404 << "NotFoundError";
        QTest::newRow("truncated json") << "POST" << "/v1/chat/completions" << QByteArray("{\"messages\": [") << 400 << "BadRequestError";
        QTest::newRow("missing messages") << "POST" << "/v1/chat/completions" << QByteArray("{}") << 400 << "BadRequestError";
        QTest::newRow("max_tokens too large") << "POST" << "/v1/chat/completions" << QByteArray(chat + ", \"max_tokens\": 100000}") << 400 << "BadRequestError";
        QTest::newRow("negative max_tokens") << "POST" << "/v1/chat/completions" << QByteArray(chat + ", \"max_tokens\": -1}") << 400 << "BadRequestError";
        QTest::newRow("not utf-8") << "POST" << "/v1/completions" << QByteArray("{\"prompt\": \"\xff\xfe\"}") << 400 << "BadRequestError";
        QTest::newRow("unknown path") << "GET" << "/v2/nothing" << QByteArray() << 404 << "NotFoundError";
        QTest::newRow("wrong method") << "GET" << "/v1/chat/completions" << QByteArray() << 405 << "MethodNotAllowedError";
    }
    void errorsHaveOpenAiShapeAndStatus() {
        QFETCH(QString, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, type);
        const Reply r = method == "GET" ? get(path) : postRaw(path, body);
        QCOMPARE(r.status, status);
        const json j = r.parsed();
        QCOMPARE(QString::fromStdString(j["error"]["type"].get<std::string>()), type);
        QCOMPARE(j["error"]["code"].get<int>(), status);
        QVERIFY(!j["error"]["message"].get<std::string>().empty());
        QCOMPARE(get("/health").status, 200);  // and the server keeps serving
    }

    void promptTooLongNamesTheTokenCounts() {
        std::string longText;
        for (int i = 0; i < 3000; ++i) longText += "hello ";
        const Reply r = post("/v1/completions", {{"prompt", longText}, {"max_tokens", 4}});
        QCOMPARE(r.status, 400);
        const std::string message = r.parsed()["error"]["message"].get<std::string>();
        QVERIFY2(message.find(std::to_string(m_host.maxModelLen())) != std::string::npos, message.c_str());
    }

    void tokenizeAndDetokenizeRoundTrip() {
        const Reply t = post("/tokenize", {{"prompt", "Hello, world"}, {"add_special_tokens", false}});
        QCOMPARE(t.status, 200);
        const json ids = t.parsed()["tokens"];
        QCOMPARE(t.parsed()["count"].get<size_t>(), ids.size());
        const Reply d = post("/detokenize", {{"tokens", ids}});
        QCOMPARE(d.status, 200);
        QCOMPARE(d.parsed()["prompt"], "Hello, world");
    }

    void metricsAreInPrometheusText() {
        const Reply r = get("/metrics");
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.contains("pagoda:num_requests_running{model_name=\"tiny\"}"));
        QVERIFY(r.body.contains("pagoda:generation_tokens_total"));
        QVERIFY(r.body.contains("pagoda:time_to_first_token_seconds_bucket"));
    }

    void concurrentStreamsGetTheirOwnGreedyAnswers() {
        // Each prompt alone first, then all together: batching must not change or mix answers.
        const int clients = 12;
        std::vector<std::string> alone(clients);
        auto body = [](int i) {
            return json{{"messages", {{{"role", "user"}, {"content", "question " + std::to_string(i * 7)}}}},
                        {"temperature", 0},
                        {"max_tokens", 6 + i % 4}};
        };
        for (int i = 0; i < clients; ++i)
            alone[size_t(i)] = post("/v1/chat/completions", body(i)).parsed()["choices"][0]["message"]["content"];

        QNetworkAccessManager manager;
        std::vector<QNetworkReply*> replies;
        for (int i = 0; i < clients; ++i) {
            json streaming = body(i);
            streaming["stream"] = true;
            replies.push_back(manager.post(jsonRequest("/v1/chat/completions"), QByteArray::fromStdString(streaming.dump())));
        }
        QEventLoop loop;
        int done = 0;
        for (QNetworkReply* reply : replies)
            connect(reply, &QNetworkReply::finished, &loop, [&] {
                if (++done == clients) loop.quit();
            });
        QTimer::singleShot(test::kPatienceMs, &loop, &QEventLoop::quit);
        loop.exec();
        QCOMPARE(done, clients);
        for (int i = 0; i < clients; ++i) {
            std::string streamed;
            for (const QString& event : sseEvents(replies[size_t(i)]->readAll())) {
                if (event == "[DONE]") continue;
                const json chunk = json::parse(event.toStdString());
                if (!chunk["choices"].empty() && chunk["choices"][0]["delta"].contains("content"))
                    streamed += chunk["choices"][0]["delta"]["content"].get<std::string>();
            }
            QCOMPARE(streamed, alone[size_t(i)]);
            replies[size_t(i)]->deleteLater();
        }
    }

    void clientsThatDisconnectMidStreamFreeTheirBlocks() {
        QNetworkAccessManager manager;
        std::vector<QNetworkReply*> replies;
        for (int i = 0; i < 10; ++i) {
            const json request = {{"prompt", "a long story " + std::to_string(i)}, {"max_tokens", 200},
                                  {"ignore_eos", true}, {"stream", true}};
            replies.push_back(manager.post(jsonRequest("/v1/completions"), QByteArray::fromStdString(request.dump())));
        }
        // Wait until every stream has delivered something, then hang up on all of them.
        QEventLoop loop;
        QTimer poll;
        connect(&poll, &QTimer::timeout, &loop, [&] {
            bool all = true;
            for (QNetworkReply* r : replies) all &= r->bytesAvailable() > 0;
            if (all) loop.quit();
        });
        poll.start(5);
        QTimer::singleShot(test::kPatienceMs, &loop, &QEventLoop::quit);
        loop.exec();
        for (QNetworkReply* r : replies) r->abort();
        QTRY_COMPARE_WITH_TIMEOUT(m_server->activeRequests(), size_t(0), test::kPatienceMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_host.metrics().kvBlocksUsed, 0, test::kPatienceMs);
        QCOMPARE(m_host.metrics().numRunning, size_t(0));
        for (QNetworkReply* r : replies) r->deleteLater();
    }

    void corsIsOffByDefaultAndFollowsTheAllowList() {
        QNetworkRequest request(QUrl(m_base + "/v1/models"));
        request.setRawHeader("Origin", "http://evil.example");
        QNetworkReply* reply = m_manager.get(request);
        wait(reply);
        QVERIFY(!reply->hasRawHeader("Access-Control-Allow-Origin"));

        ApiServer open(m_host, ApiServerOptions{QHostAddress::LocalHost, 0, {}, {"tiny"}, {"http://editor.local"}});
        QVERIFY(open.start().ok());
        QNetworkRequest preflight(QUrl(QString("http://127.0.0.1:%1/v1/chat/completions").arg(open.port())));
        preflight.setRawHeader("Origin", "http://editor.local");
        preflight.setRawHeader("Access-Control-Request-Method", "POST");
        QNetworkReply* answer = m_manager.sendCustomRequest(preflight, "OPTIONS");
        const Reply r = wait(answer);
        QCOMPARE(r.status, 204);
        QCOMPARE(answer->rawHeader("Access-Control-Allow-Origin"), QByteArray("http://editor.local"));
        QVERIFY(answer->rawHeader("Access-Control-Allow-Methods").contains("POST"));
    }

    // With an allow-list, whole (non-streamed) answers carry the CORS header too, so a
    // browser can read them; a page not on the list is refused before anything runs.
    void corsCoversWholeAnswersAndRefusesOtherPages() {
        ApiServer open(m_host, ApiServerOptions{QHostAddress::LocalHost, 0, {}, {"tiny"}, {"http://editor.local"}});
        QVERIFY(open.start().ok());
        QNetworkRequest request(QUrl(QString("http://127.0.0.1:%1/v1/chat/completions").arg(open.port())));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        request.setRawHeader("Origin", "http://editor.local");
        const QByteArray body = R"({"messages": [{"role": "user", "content": "hi"}], "max_tokens": 2})";
        QNetworkReply* whole = m_manager.post(request, body);
        QCOMPARE(wait(whole).status, 200);
        QCOMPARE(whole->rawHeader("Access-Control-Allow-Origin"), QByteArray("http://editor.local"));
        request.setRawHeader("Origin", "http://evil.example");
        QNetworkReply* refused = m_manager.post(request, body);
        QCOMPARE(wait(refused).status, 403);
        QVERIFY(!refused->hasRawHeader("Access-Control-Allow-Origin"));
    }

    // DNS rebinding: a page whose name resolves to 127.0.0.1 reaches a loopback server with
    // its own name as Host. Only loopback names (and --allowed-hosts) are answered.
    void aLoopbackServerAnswersOnlyLoopbackHostNames() {
        auto status = [this](quint16 port, const QByteArray& host) {
            QNetworkRequest request(QUrl(QString("http://127.0.0.1:%1/v1/models").arg(port)));
            request.setRawHeader("Host", host);
            return wait(m_manager.get(request)).status;
        };
        const quint16 port = m_server->port();
        QCOMPARE(status(port, "attacker.example:" + QByteArray::number(port)), 403);
        QCOMPARE(status(port, "localhost:" + QByteArray::number(port)), 200);
        QCOMPARE(status(port, "[::1]:" + QByteArray::number(port)), 200);
        QCOMPARE(status(port, "127.0.0.1"), 200);
        ApiServerOptions options{QHostAddress::LocalHost, 0, {}, {"tiny"}, {}};
        options.allowedHosts = {"pagoda.lan"};
        ApiServer named(m_host, options);
        QVERIFY(named.start().ok());
        QCOMPARE(status(named.port(), "pagoda.lan:80"), 200);
        QCOMPARE(status(named.port(), "attacker.example"), 403);
    }

    void withoutAModelEngineRoutesAre503() {
        EngineHost empty;
        ApiServer server(empty, ApiServerOptions{QHostAddress::LocalHost, 0, {}, {}, {}});
        QVERIFY(server.start().ok());
        const QString base = QString("http://127.0.0.1:%1").arg(server.port());
        QCOMPARE(getFrom(base, "/health", {}).status, 503);
        QNetworkRequest request(QUrl(base + "/v1/chat/completions"));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        const Reply r = wait(m_manager.post(request, QByteArray("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")));
        QCOMPARE(r.status, 503);
        QCOMPARE(QString::fromStdString(r.parsed()["error"]["type"].get<std::string>()), QString("ServiceUnavailableError"));
    }

    void chatTemplateFileOverridesTheModels() {
        QTemporaryDir dir;
        const QString file = dir.filePath("plain.jinja");
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("{% for m in messages %}{{ m['content'] }}{% endfor %}");
        out.close();
        EngineHost host;
        EngineOptions options;
        options.modelDir = m_dir.path().toStdString();
        options.kvCacheMemoryBytes = 16 << 20;
        options.chatTemplateFile = file.toStdString();
        QVERIFY(host.load(options).ok());
        ApiServer server(host, ApiServerOptions{QHostAddress::LocalHost, 0, {}, {}, {}});
        QVERIFY(server.start().ok());
        QNetworkRequest request(QUrl(QString("http://127.0.0.1:%1/tokenize").arg(server.port())));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        const Reply viaTemplate = wait(m_manager.post(request, QByteArray("{\"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}")));
        const Reply plain = wait(m_manager.post(request, QByteArray("{\"prompt\": \"Hello\", \"add_special_tokens\": false}")));
        QCOMPARE(viaTemplate.status, 200);
        QCOMPARE(viaTemplate.parsed()["tokens"], plain.parsed()["tokens"]);  // the file's template: content only
    }

    // A template of the wrong type was taken for no template at all; now a chat request says
    // what is wrong with it, and completions still work.
    void aBrokenChatTemplateIsNamedNotIgnored() {
        QTemporaryDir dir;
        test::makeChatModelDir(dir.path().toStdString());
        const QString configPath = dir.filePath("tokenizer_config.json");
        QFile config(configPath);
        QVERIFY(config.open(QIODevice::ReadOnly));
        json edited = json::parse(config.readAll().toStdString());
        config.close();
        edited["chat_template"] = 5;
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(QByteArray::fromStdString(edited.dump()));
        config.close();
        EngineHost host;
        EngineOptions options;
        options.modelDir = dir.path().toStdString();
        options.kvCacheMemoryBytes = 16 << 20;
        QVERIFY(host.load(options).ok());
        QVERIFY(host.chatTemplateProblem().contains("chat_template must be a string"));
        ApiServer server(host, ApiServerOptions{QHostAddress::LocalHost, 0, {}, {}, {}});
        QVERIFY(server.start().ok());
        const QString base = QString("http://127.0.0.1:%1").arg(server.port());
        QNetworkRequest chat(QUrl(base + "/v1/chat/completions"));
        chat.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        const Reply refused = wait(m_manager.post(chat, QByteArray(R"({"messages": [{"role": "user", "content": "hi"}]})")));
        QCOMPARE(refused.status, 400);
        const std::string message = refused.parsed()["error"]["message"].get<std::string>();
        QVERIFY2(message.find("chat template cannot be used") != std::string::npos &&
                     message.find("found number") != std::string::npos,
                 message.c_str());
        QNetworkRequest completion(QUrl(base + "/v1/completions"));
        completion.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        QCOMPARE(wait(m_manager.post(completion, QByteArray(R"({"prompt": "hi", "max_tokens": 2})"))).status, 200);
    }

    // A key guards every route but /health and the version probes: the Ollama generation
    // routes, tokenizing and /metrics too (before, /api/generate answered without one).
    void apiKeyIsRequiredOnEveryRouteButTheProbes() {
        ApiServer guarded(m_host, ApiServerOptions{QHostAddress::LocalHost, 0, {"s3cret"}, {"tiny"}, {}});
        QVERIFY(guarded.start().ok());
        const QString base = QString("http://127.0.0.1:%1").arg(guarded.port());
        QCOMPARE(getFrom(base, "/v1/models", {}).status, 401);
        QCOMPARE(getFrom(base, "/v1/models", "Bearer wrong").status, 401);
        QCOMPARE(getFrom(base, "/v1/models", "Bearer s3cret").status, 200);
        for (const char* path : {"/metrics", "/api/tags"}) {
            QCOMPARE(getFrom(base, path, {}).status, 401);
            QCOMPARE(getFrom(base, path, "Bearer s3cret").status, 200);
        }
        const json generate = {
            {"model", "tiny"}, {"prompt", "Hi"}, {"stream", false}, {"options", {{"num_predict", 2}}}};
        const json chat = {{"model", "tiny"},
                           {"messages", {{{"role", "user"}, {"content", "Hi"}}}},
                           {"stream", false},
                           {"options", {{"num_predict", 2}}}};
        const std::pair<const char*, json> posts[] = {{"/api/generate", generate},
                                                      {"/api/chat", chat},
                                                      {"/api/show", {{"model", "tiny"}}},
                                                      {"/tokenize", {{"prompt", "Hi"}}},
                                                      {"/v1/completions", {{"prompt", "Hi"}, {"max_tokens", 2}}}};
        for (const auto& [path, body] : posts) {
            QCOMPARE(postTo(base, path, body, {}).status, 401);
            QCOMPARE(postTo(base, path, body, "Bearer s3cret").status, 200);
        }
        for (const char* path : {"/health", "/version", "/api/version"}) QCOMPARE(getFrom(base, path, {}).status, 200);
    }

    // Each Ollama field of the wrong type, or a number no int holds, is a 400 naming the
    // field; before, nlohmann's type errors escaped the handler and aborted the server.
    void ollamaFieldsOfTheWrongTypeAre400s_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("field");
        QTest::newRow("show model number") << "/api/show" << QByteArray(R"({"model":5})") << "model";
        QTest::newRow("show name object") << "/api/show" << QByteArray(R"({"name":{}})") << "name";
        QTest::newRow("generate stream string")
            << "/api/generate" << QByteArray(R"({"prompt":"x","stream":"no"})") << "stream";
        QTest::newRow("generate model number")
            << "/api/generate" << QByteArray(R"({"prompt":"x","model":5})") << "model";
        QTest::newRow("generate raw string")
            << "/api/generate" << QByteArray(R"({"prompt":"x","raw":"true"})") << "raw";
        QTest::newRow("generate prompt number") << "/api/generate" << QByteArray(R"({"prompt":5})") << "prompt";
        QTest::newRow("generate system list")
            << "/api/generate" << QByteArray(R"({"prompt":"x","system":[]})") << "system";
        QTest::newRow("chat stream 1") << "/api/chat"
                                       << QByteArray(R"({"messages":[{"role":"user","content":"x"}],"stream":1})")
                                       << "stream";
        QTest::newRow("chat model list") << "/api/chat"
                                         << QByteArray(R"({"messages":[{"role":"user","content":"x"}],"model":["x"]})")
                                         << "model";
        QTest::newRow("chat think string")
            << "/api/chat" << QByteArray(R"({"messages":[{"role":"user","content":"x"}],"think":"y"})") << "think";
        QTest::newRow("top_k 1e300") << "/api/generate" << QByteArray(R"({"prompt":"x","options":{"top_k":1e300}})")
                                     << "options.top_k";
        QTest::newRow("top_k 2.7") << "/api/generate" << QByteArray(R"({"prompt":"x","options":{"top_k":2.7}})")
                                   << "options.top_k";
        QTest::newRow("num_predict 1e300")
            << "/api/generate" << QByteArray(R"({"prompt":"x","options":{"num_predict":1e300}})")
            << "options.num_predict";
        QTest::newRow("seed string") << "/api/generate" << QByteArray(R"({"prompt":"x","options":{"seed":"1"}})")
                                     << "options.seed";
        QTest::newRow("options list") << "/api/chat"
                                      << QByteArray(R"({"messages":[{"role":"user","content":"x"}],"options":[]})")
                                      << "options";
    }
    void ollamaFieldsOfTheWrongTypeAre400s() {
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(QString, field);
        const Reply reply = postRaw(path, body);
        QCOMPARE(reply.status, 400);
        QCOMPARE(QString::fromStdString(reply.parsed()["error"]["param"].get<std::string>()), field);
        QCOMPARE(get("/health").status, 200);  // and the server is still there
    }

    // A web page may POST text/plain across origins without a preflight. A foreign page is
    // refused before anything runs (CORS is off); a page of this machine gets the same 400
    // as any client, not a crash.
    void crossOriginTextPlainPostIsAnsweredNotFatal() {
        QNetworkRequest request(QUrl(m_base + "/api/show"));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "text/plain");
        request.setRawHeader("Origin", "http://evil.example");
        const Reply foreign = wait(m_manager.post(request, QByteArray(R"({"model":5})")));
        QCOMPARE(foreign.status, 403);
        QVERIFY(foreign.parsed()["error"]["message"].get<std::string>().find("--allowed-origins") != std::string::npos);
        request.setRawHeader("Origin", "http://localhost:3000");
        const Reply local = wait(m_manager.post(request, QByteArray(R"({"model":5})")));
        QCOMPARE(local.status, 400);
        QCOMPARE(get("/health").status, 200);
    }

    void promptLogprobsComeBackInVllmsShape() {
        const json ids = longIdPrompt(1, 12);
        const Reply r = post("/v1/completions",
                             {{"prompt", ids}, {"max_tokens", 2}, {"temperature", 0}, {"prompt_logprobs", 2}});
        QCOMPARE(r.status, 200);
        // Ordered, to see which key comes first.
        const auto answer = nlohmann::ordered_json::parse(r.body.toStdString());
        const auto& promptLogprobs = answer["choices"][0]["prompt_logprobs"];
        QCOMPARE(promptLogprobs.size(), ids.size());
        QVERIFY(promptLogprobs[0].is_null());
        for (size_t i = 1; i < ids.size(); ++i) {
            const auto& entry = promptLogprobs[i];
            const std::string own = std::to_string(ids[i].get<int>());
            QCOMPARE(entry.begin().key(), own);  // the prompt token first, then the top entries
            QVERIFY(entry.size() >= 2 && entry.size() <= 3);
            QVERIFY(entry[own]["logprob"].get<double>() <= 0.0);
            QVERIFY(entry[own]["rank"].get<int64_t>() >= 1);
            QVERIFY(entry[own]["decoded_token"].is_string());
        }
        // The answer is the same as without asking, which reads from the prefix cache.
        const Reply plain = post("/v1/completions", {{"prompt", ids}, {"max_tokens", 2}, {"temperature", 0}});
        QCOMPARE(plain.parsed()["choices"][0]["text"], r.parsed()["choices"][0]["text"]);
        QVERIFY(plain.parsed()["choices"][0]["prompt_logprobs"].is_null());

        const Reply chat = post("/v1/chat/completions", {{"messages", {{{"role", "user"}, {"content", "hello"}}}},
                                                         {"max_tokens", 2},
                                                         {"prompt_logprobs", 0}});
        QCOMPARE(chat.status, 200);
        const json chatAnswer = chat.parsed();
        QCOMPARE(chatAnswer["prompt_logprobs"].size(), chatAnswer["usage"]["prompt_tokens"].get<size_t>());
        QCOMPARE(chatAnswer["prompt_logprobs"][1].size(), size_t(1));  // 0: the prompt token alone
    }

    void echoWithLogprobsListsThePromptTokensFirst() {
        const json request = {{"prompt", "hello world, hello"}, {"max_tokens", 3}, {"temperature", 0},
                              {"echo", true}, {"logprobs", 1}, {"return_token_ids", true}};
        const Reply r = post("/v1/completions", request);
        QCOMPARE(r.status, 200);
        const json answer = r.parsed();
        const json& choice = answer["choices"][0];
        const json& logprobs = choice["logprobs"];
        const size_t promptTokens = answer["usage"]["prompt_tokens"].get<size_t>();
        QCOMPARE(logprobs["tokens"].size(), promptTokens + 3);
        QVERIFY(logprobs["token_logprobs"][0].is_null());
        QVERIFY(logprobs["top_logprobs"][0].is_null());
        // The prompt's logprobs are the prompt_logprobs the choice carries too.
        for (size_t i = 1; i < promptTokens; ++i) {
            const std::string id = std::to_string(choice["prompt_token_ids"][i].get<int>());
            QCOMPARE(logprobs["token_logprobs"][i].get<double>(), choice["prompt_logprobs"][i][id]["logprob"].get<double>());
        }
        // Offsets run over the echoed text: each token starts where the previous ended.
        std::string joined;
        for (size_t i = 0; i < logprobs["tokens"].size(); ++i) {
            QCOMPARE(logprobs["text_offset"][i].get<size_t>(), codePoints(joined));
            joined += logprobs["tokens"][i].get<std::string>();
        }
        QVERIFY(choice["text"].get<std::string>().rfind("hello world, hello", 0) == 0);

        // Streamed: the same tokens and logprobs, the prompt's in the first chunk.
        json streaming = request;
        streaming["stream"] = true;
        const Reply stream = post("/v1/completions", streaming);
        QCOMPARE(stream.status, 200);
        json tokens = json::array(), values = json::array();
        for (const json& chunk : streamChunks(stream))
            for (const json& c : chunk["choices"]) {
                for (const auto& t : c["logprobs"]["tokens"]) tokens.push_back(t);
                for (const auto& v : c["logprobs"]["token_logprobs"]) values.push_back(v);
            }
        QCOMPARE(tokens, logprobs["tokens"]);
        QCOMPARE(values.size(), logprobs["token_logprobs"].size());
        QVERIFY(values[0].is_null());
    }

    void aRepeatedLongPromptReportsCachedTokens() {
        // Chat and completions, whole and streamed: the second time, the prefix cache serves
        // the prompt's full blocks and usage says how many tokens.
        const json ids = longIdPrompt(2, 50);
        const json completion = {{"prompt", ids}, {"max_tokens", 2}};
        QCOMPARE(post("/v1/completions", completion).status, 200);
        const json usage = post("/v1/completions", completion).parsed()["usage"];
        QVERIFY2(usage["prompt_tokens_details"]["cached_tokens"].get<int>() >= 32, usage.dump().c_str());
        json streamed = completion;
        streamed["stream"] = true;
        streamed["stream_options"] = {{"include_usage", true}};
        const json last = streamChunks(post("/v1/completions", streamed)).back();
        QVERIFY2(last["usage"]["prompt_tokens_details"]["cached_tokens"].get<int>() >= 32, last.dump().c_str());

        std::string longText;
        for (int i = 0; i < 12; ++i) longText += "the same long question, asked again and again. ";
        const json chat = {{"messages", {{{"role", "user"}, {"content", longText}}}}, {"max_tokens", 2}};
        QCOMPARE(post("/v1/chat/completions", chat).status, 200);
        const json chatUsage = post("/v1/chat/completions", chat).parsed()["usage"];
        QVERIFY2(chatUsage["prompt_tokens_details"]["cached_tokens"].get<int>() >= 16, chatUsage.dump().c_str());
        json chatStreamed = chat;
        chatStreamed["stream"] = true;
        chatStreamed["stream_options"] = {{"include_usage", true}};
        const json chatLast = streamChunks(post("/v1/chat/completions", chatStreamed)).back();
        QVERIFY2(chatLast["usage"]["prompt_tokens_details"]["cached_tokens"].get<int>() >= 16, chatLast.dump().c_str());
    }

    void continuousUsageStatsPutUsageOnEveryChunk() {
        for (const char* path : {"/v1/chat/completions", "/v1/completions"}) {
            json request = {{"max_tokens", 5}, {"temperature", 0}, {"ignore_eos", true}, {"stream", true},
                            {"stream_options", {{"include_usage", true}, {"continuous_usage_stats", true}}}};
            if (std::string(path) == "/v1/completions")
                request["prompt"] = "once upon a time";
            else
                request["messages"] = {{{"role", "user"}, {"content", "hello"}}};
            const std::vector<json> chunks = streamChunks(post(path, request));
            QVERIFY(chunks.size() >= 3);
            const json& final = chunks.back();
            QVERIFY(final["choices"].empty());
            QCOMPARE(final["usage"]["completion_tokens"].get<int>(), 5);
            int previous = -1;
            for (size_t i = 0; i + 1 < chunks.size(); ++i) {
                QVERIFY2(chunks[i].contains("usage"), chunks[i].dump().c_str());
                const json& usage = chunks[i]["usage"];
                QCOMPARE(usage["prompt_tokens"], final["usage"]["prompt_tokens"]);
                QVERIFY(usage["completion_tokens"].get<int>() >= previous);
                QCOMPARE(usage["total_tokens"].get<int>(),
                         usage["prompt_tokens"].get<int>() + usage["completion_tokens"].get<int>());
                previous = usage["completion_tokens"].get<int>();
            }
            QCOMPARE(previous, 5);
            // Without the option, only the last chunk has usage.
            request["stream_options"] = {{"include_usage", true}};
            const std::vector<json> plain = streamChunks(post(path, request));
            for (size_t i = 0; i + 1 < plain.size(); ++i) QVERIFY(!plain[i].contains("usage"));
        }
    }

    void returnTokenIdsGiveThePromptAndGeneratedIds() {
        const json ids = longIdPrompt(3, 9);
        const json request = {{"prompt", ids}, {"max_tokens", 4}, {"temperature", 0}, {"ignore_eos", true},
                              {"return_token_ids", true}};
        const json answer = post("/v1/completions", request).parsed();
        const json& choice = answer["choices"][0];
        QCOMPARE(choice["prompt_token_ids"], ids);
        QCOMPARE(choice["token_ids"].size(), size_t(4));

        json streaming = request;
        streaming["stream"] = true;
        json streamedIds = json::array();
        const std::vector<json> chunks = streamChunks(post("/v1/completions", streaming));
        QCOMPARE(chunks.front()["choices"][0]["prompt_token_ids"], ids);
        for (const json& chunk : chunks) {
            for (const auto& id : chunk["choices"][0]["token_ids"]) streamedIds.push_back(id);
            if (&chunk != &chunks.front()) QVERIFY(chunk["choices"][0]["prompt_token_ids"].is_null());
        }
        QCOMPARE(streamedIds, choice["token_ids"]);

        const json chatRequest = {{"messages", {{{"role", "user"}, {"content", "hello"}}}}, {"max_tokens", 3},
                                  {"temperature", 0}, {"ignore_eos", true}, {"return_token_ids", true}};
        const json chat = post("/v1/chat/completions", chatRequest).parsed();
        QCOMPARE(chat["prompt_token_ids"].size(), chat["usage"]["prompt_tokens"].get<size_t>());
        QCOMPARE(chat["choices"][0]["token_ids"].size(), size_t(3));
        json chatStreaming = chatRequest;
        chatStreaming["stream"] = true;
        json chatIds = json::array();
        const std::vector<json> chatChunks = streamChunks(post("/v1/chat/completions", chatStreaming));
        QCOMPARE(chatChunks.front()["prompt_token_ids"], chat["prompt_token_ids"]);
        QVERIFY(!chatChunks.front()["choices"][0].contains("token_ids"));  // the role chunk, as vLLM's
        QVERIFY(!chatChunks[1].contains("prompt_token_ids"));
        for (const json& chunk : chatChunks)
            if (chunk["choices"][0].contains("token_ids"))
                for (const auto& id : chunk["choices"][0]["token_ids"]) chatIds.push_back(id);
        QCOMPARE(chatIds, chat["choices"][0]["token_ids"]);
    }

    void truncatePromptTokensKeepsTheLastTokens() {
        const json ids = longIdPrompt(4, 30);
        const Reply r = post("/v1/completions", {{"prompt", ids}, {"max_tokens", 2}, {"truncate_prompt_tokens", 5},
                                                 {"return_token_ids", true}});
        QCOMPARE(r.status, 200);
        const json answer = r.parsed();
        QCOMPARE(answer["usage"]["prompt_tokens"].get<int>(), 5);
        QCOMPARE(answer["choices"][0]["prompt_token_ids"], json(std::vector<int>(ids.end() - 5, ids.end())));
        const Reply chat = post("/v1/chat/completions", {{"messages", {{{"role", "user"}, {"content", "hello there"}}}},
                                                         {"max_tokens", 2},
                                                         {"truncate_prompt_tokens", 3}});
        QCOMPARE(chat.status, 200);
        QCOMPARE(chat.parsed()["usage"]["prompt_tokens"].get<int>(), 3);
        // More than the context leaves for max_tokens: vLLM's 400.
        const Reply tooMany = post("/v1/completions", {{"prompt", ids}, {"max_tokens", 4},
                                                       {"truncate_prompt_tokens", m_host.maxModelLen()}});
        QCOMPARE(tooMany.status, 400);
        QCOMPARE(tooMany.parsed()["error"]["param"], "truncate_prompt_tokens");
        QVERIFY(tooMany.parsed()["error"]["message"].get<std::string>().find("Please request a smaller truncation "
                                                                           "size.") != std::string::npos);
    }

private:
    QNetworkRequest jsonRequest(const QString& path) const {
        QNetworkRequest request(QUrl(m_base + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        return request;
    }

    static Reply wait(QNetworkReply* reply) {
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(test::kPatienceMs, &loop, &QEventLoop::quit);
        loop.exec();
        Reply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
        reply->deleteLater();
        return r;
    }

    Reply getFrom(const QString& base, const QString& path, const QByteArray& authorization) {
        QNetworkRequest request(QUrl(base + path));
        if (!authorization.isEmpty()) request.setRawHeader("Authorization", authorization);
        return wait(m_manager.get(request));
    }
    Reply postTo(const QString& base, const QString& path, const json& body, const QByteArray& authorization) {
        QNetworkRequest request(QUrl(base + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        if (!authorization.isEmpty()) request.setRawHeader("Authorization", authorization);
        return wait(m_manager.post(request, QByteArray::fromStdString(body.dump())));
    }
    Reply get(const QString& path) { return getFrom(m_base, path, {}); }
    Reply postRaw(const QString& path, const QByteArray& body) { return wait(m_manager.post(jsonRequest(path), body)); }
    Reply post(const QString& path, const json& body) { return postRaw(path, QByteArray::fromStdString(body.dump())); }

    QTemporaryDir m_dir;
    EngineHost m_host;
    std::unique_ptr<ApiServer> m_server;
    QString m_base;
    QNetworkAccessManager m_manager;
};

QTEST_GUILESS_MAIN(ApiServerTest)
#include "api_server_test.moc"
