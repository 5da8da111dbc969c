// The HTTP/1.1 transport under the API (app/api/http/), driven byte by byte from plain
// sockets: request order on a connection, Connection: close and HTTP/1.0, timeouts, limits,
// half-closes, the connection cap, and handlers that throw. The server runs on a thread of
// its own so the test can block on its socket.
#include <QObject>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <memory>
#include <stdexcept>

#include "app/api/http/request_parser.h"
#include "app/api/http/server.h"
#include "tests/support/patience.h"
#include "tests/support/raw_http_client.h"

using namespace pagoda;
using namespace pagoda::http;
using test::RawHttpClient;
using test::RawResponse;

namespace {

// An http::Server living on its own thread for the lifetime of this object.
class ServerThread {
public:
    ServerThread(ServerLimits limits, Handler handler) {
        m_context.moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            &m_context,
            [&] {
                m_server = std::make_unique<Server>(limits, std::move(handler), [](int status, const std::string& message) {
                    return Response{status, "text/plain", message, {}};
                });
                m_server->listen(QHostAddress::LocalHost, 0);
                m_port = m_server->serverPort();
            },
            Qt::BlockingQueuedConnection);
    }
    ~ServerThread() {
        QMetaObject::invokeMethod(&m_context, [&] { m_server.reset(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    uint16_t port() const { return m_port; }
    int openConnections() {
        int n = 0;
        QMetaObject::invokeMethod(&m_context, [&] { n = m_server->openConnections(); }, Qt::BlockingQueuedConnection);
        return n;
    }

private:
    QThread m_thread;
    QObject m_context;
    std::unique_ptr<Server> m_server;
    uint16_t m_port = 0;
};

// Answers later, from the server's event loop (a responder can be kept and answered then).
void answerAfter(int ms, Responder responder, Response response) {
    auto kept = std::make_shared<Responder>(std::move(responder));
    QTimer::singleShot(ms, [kept, response] { kept->send(response); });
}

// /slow answers after a while, /fast at once, /echo with the body, /stream?n in n chunks,
// /throw throws, /drop drops its responder.
void routes(Request request, Responder responder) {
    const std::string path(request.path());
    if (path == "/slow") return answerAfter(300, std::move(responder), {200, "text/plain", "slow", {}});
    if (path == "/fast") return responder.send({200, "text/plain", "fast", {}});
    if (path == "/echo") return responder.send({200, "text/plain", request.body, {}});
    if (path == "/get") return responder.send({200, "text/plain", "twelve bytes", {}});
    if (path == "/throw") throw std::runtime_error("the handler failed");
    if (path == "/drop") return;
    if (path.starts_with("/stream")) {
        const std::string name = path.substr(7);
        auto kept = std::make_shared<Responder>(std::move(responder));
        kept->beginStream(200, "text/event-stream");
        if (name == "-throw") throw std::runtime_error("after the stream began");
        for (int i = 0; i < 3; ++i)
            QTimer::singleShot(50 * (i + 1), [kept, name, i] {
                kept->sendChunk(name + std::to_string(i) + ";");
                if (i == 2) kept->endStream();
            });
        return;
    }
    responder.send({404, "text/plain", "no such path", {}});
}

std::string get(const std::string& path, const std::string& extra = "") {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";
}

}  // namespace

class HttpServerTest : public QObject {
    Q_OBJECT

private slots:
    // A slow request then a fast one on one socket: answers come in request order (Qt's
    // server answered the fast one first), and two streams never interleave.
    void pipelinedRequestsAreAnsweredInOrder() {
        ServerThread server({}, routes);
        RawHttpClient client(server.port());
        QVERIFY(client.send(get("/slow") + get("/fast") + get("/slow")));
        QCOMPARE(client.readResponse().body, std::string("slow"));
        QCOMPARE(client.readResponse().body, std::string("fast"));
        QCOMPARE(client.readResponse().body, std::string("slow"));

        QVERIFY(client.send(get("/streamA") + get("/streamB")));
        const RawResponse a = client.readResponse();
        const RawResponse b = client.readResponse();
        QVERIFY(a.chunked && b.chunked);
        QCOMPARE(a.body, std::string("A0;A1;A2;"));
        QCOMPARE(b.body, std::string("B0;B1;B2;"));
    }

    void connectionCloseAndHttp10AreHonoured() {
        ServerThread server({}, routes);
        {
            RawHttpClient client(server.port());
            QVERIFY(client.send(get("/fast", "Connection: close\r\n")));
            const RawResponse r = client.readResponse();
            QCOMPARE(r.body, std::string("fast"));
            QCOMPARE(r.header("connection"), std::string("close"));
            QVERIFY(client.closedByServer());
        }
        {  // HTTP/1.0 needs no Host, is answered in 1.0 and closed
            RawHttpClient client(server.port());
            QVERIFY(client.send("GET /fast HTTP/1.0\r\n\r\n"));
            const RawResponse r = client.readResponse();
            QCOMPARE(r.version, std::string("HTTP/1.0"));
            QCOMPARE(r.body, std::string("fast"));
            QVERIFY(client.closedByServer());
        }
        {  // a 1.0 stream has no chunks: it ends with the connection
            RawHttpClient client(server.port());
            QVERIFY(client.send("GET /streamX HTTP/1.0\r\n\r\n"));
            const RawResponse r = client.readResponse();
            QVERIFY(!r.chunked);
            QCOMPARE(r.body, std::string("X0;X1;X2;"));
        }
        {  // 1.0 with keep-alive stays open
            RawHttpClient client(server.port());
            QVERIFY(client.send("GET /fast HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
            QCOMPARE(client.readResponse().header("connection"), std::string("keep-alive"));
            QVERIFY(client.send("GET /get HTTP/1.0\r\n\r\n"));
            QCOMPARE(client.readResponse().body, std::string("twelve bytes"));
        }
    }

    void idleConnectionsAreClosedAfterTheKeepAliveTimeout() {
        ServerLimits limits;
        limits.keepAliveTimeoutMs = 200;
        ServerThread server(limits, routes);
        RawHttpClient silent(server.port());
        QVERIFY(silent.closedByServer());  // never sent a byte
        RawHttpClient client(server.port());
        QVERIFY(client.send(get("/fast")));
        QCOMPARE(client.readResponse().status, 200);
        QVERIFY(client.closedByServer());  // idle after its answer
        QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, test::kPatienceMs);
    }

    // Slowloris: a head that trickles in is cut off when its time is up, even though bytes
    // keep coming; a body that stops arriving too.
    void slowHeadsAndStalledBodiesGet408() {
        ServerLimits limits;
        limits.headTimeoutMs = 300;
        limits.bodyTimeoutMs = 300;
        ServerThread server(limits, routes);
        RawHttpClient slow(server.port());
        QVERIFY(slow.send("GET /fast HTTP/1.1\r\n"));
        for (int i = 0; i < test::kPatienceMs / 50 && !slow.hasInput(); ++i) {  // a header every 50 ms, never the end
            QTest::qSleep(50);
            slow.send("X-Trickle: " + std::to_string(i) + "\r\n");
        }
        const RawResponse r = slow.readResponse();
        QCOMPARE(r.status, 408);
        QVERIFY(slow.closedByServer());

        RawHttpClient stalled(server.port());
        QVERIFY(stalled.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
        QCOMPARE(stalled.readResponse().status, 408);
        QVERIFY(stalled.closedByServer());
    }

    void limitsAreEnforcedWithTheRightStatus_data() {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        const QByteArray host = "Host: x\r\n";
        QTest::newRow("head too large") << "GET / HTTP/1.1\r\n" + host + "X-Big: " + QByteArray(70000, 'a') + "\r\n\r\n"
                                        << 431;
        QByteArray many = "GET / HTTP/1.1\r\n" + host;
        for (int i = 0; i < 120; ++i) many += "X-" + QByteArray::number(i) + ": 1\r\n";
        QTest::newRow("too many headers") << many + "\r\n" << 431;
        QTest::newRow("request line too long") << "GET /" + QByteArray(70000, 'a') << 414;
        QTest::newRow("body too large, said up front") << "POST /echo HTTP/1.1\r\n" + host + "Content-Length: 100000000\r\n\r\n"
                                                      << 413;
        QTest::newRow("chunked body too large") << "POST /echo HTTP/1.1\r\n" + host +
                                                       "Transfer-Encoding: chunked\r\n\r\n10000000\r\n"
                                                << 413;
        QTest::newRow("conflicting lengths") << "POST /echo HTTP/1.1\r\n" + host +
                                                    "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"
                                             << 400;
        QTest::newRow("length and chunked") << "POST /echo HTTP/1.1\r\n" + host +
                                                   "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                                            << 400;
        QTest::newRow("negative length") << "POST /echo HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n" << 400;
        QTest::newRow("no Host in 1.1") << QByteArray("GET /fast HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("two Hosts") << "GET /fast HTTP/1.1\r\n" + host + host + "\r\n" << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("GET /fast HTTP/2.0\r\n\r\n") << 505;
        QTest::newRow("gzip transfer coding") << "POST /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n" << 501;
        QTest::newRow("folded header") << "GET /fast HTTP/1.1\r\n" + host + "X-A: 1\r\n  folded\r\n\r\n" << 400;
        QTest::newRow("space before colon") << "GET /fast HTTP/1.1\r\n" + host + "X-A : 1\r\n\r\n" << 400;
        QTest::newRow("garbage") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15) << 400;
        QTest::newRow("bad chunk size") << "POST /echo HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" << 400;
        QTest::newRow("unknown expectation") << "POST /echo HTTP/1.1\r\n" + host + "Expect: magic\r\nContent-Length: 1\r\n\r\na"
                                             << 417;
    }
    void limitsAreEnforcedWithTheRightStatus() {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        ServerThread server({}, routes);
        RawHttpClient client(server.port());
        client.send(std::string_view(request.constData(), size_t(request.size())));  // may be cut short by the answer
        const RawResponse r = client.readResponse();
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("connection"), std::string("close"));
        QVERIFY(!r.body.empty());  // says what was wrong
        QVERIFY(client.closedByServer());
        RawHttpClient next(server.port());  // and the server goes on
        QVERIFY(next.send(get("/fast")));
        QCOMPARE(next.readResponse().status, 200);
    }

    // The 413 comes from the head alone: the client never sends the 100 MB.
    void oversizedBodyIsRefusedBeforeItIsSent() {
        ServerThread server({}, routes);
        RawHttpClient client(server.port());
        QVERIFY(client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\n\r\n"));
        const RawResponse r = client.readResponse(false, true);
        QCOMPARE(r.status, 413);
        QVERIFY(r.body.find("100000000") != std::string::npos);
    }

    void expectContinueAndChunkedBodies() {
        ServerThread server({}, routes);
        RawHttpClient client(server.port());
        QVERIFY(client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
        QCOMPARE(client.readResponse(false, true).status, 100);
        QVERIFY(client.send("hello"));
        QCOMPARE(client.readResponse().body, std::string("hello"));
        QVERIFY(client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nX-Trailer: 1\r\n\r\n"));
        QCOMPARE(client.readResponse().body, std::string("abcdefg"));
        QVERIFY(client.send(get("/fast")));  // the connection is still in step
        QCOMPARE(client.readResponse().body, std::string("fast"));
    }

    // HEAD gets GET's headers and no body: the next answer on the connection is intact.
    void headGetsHeadersOnly() {
        ServerThread server({}, routes);
        RawHttpClient client(server.port());
        QVERIFY(client.send("HEAD /get HTTP/1.1\r\nHost: x\r\n\r\n" + get("/fast")));
        const RawResponse head = client.readResponse(true);
        QCOMPARE(head.status, 200);
        QCOMPARE(head.header("content-length"), std::string("12"));
        QCOMPARE(client.readResponse().body, std::string("fast"));
    }

    // A client that sends its request and shuts down its writing side still reads the answer
    // (QTcpSocket closed the connection at that point).
    void halfClosedClientStillGetsItsAnswer() {
        ServerThread server({}, routes);
        for (const char* path : {"/fast", "/slow", "/streamH"}) {
            RawHttpClient client(server.port());
            QVERIFY(client.send(get(path)));
            client.shutdownWriting();
            const RawResponse r = client.readResponse();
            QCOMPARE(r.status, 200);
            QVERIFY(!r.body.empty());
            QVERIFY(client.closedByServer());
        }
        RawHttpClient pipelined(server.port());  // everything sent before the half-close is answered
        QVERIFY(pipelined.send(get("/slow") + get("/fast") + get("/streamP")));
        pipelined.shutdownWriting();
        QCOMPARE(pipelined.readResponse().body, std::string("slow"));
        QCOMPARE(pipelined.readResponse().body, std::string("fast"));
        const RawResponse last = pipelined.readResponse();
        QCOMPARE(last.body, std::string("P0;P1;P2;"));
        QCOMPARE(last.header("connection"), std::string("close"));
        QVERIFY(pipelined.closedByServer());
    }

    // A client that goes away while its answer is pending is reported, so its generation
    // can be aborted, whether it asked for a stream or a whole answer.
    void goneClientsAreReported() {
        auto gone = std::make_shared<std::atomic<int>>(0);
        QObject context;
        ServerThread server({}, [gone](Request request, Responder responder) {
            auto kept = std::make_shared<Responder>(std::move(responder));
            if (request.path() == "/stream") {
                kept->beginStream(200, "text/event-stream");
                auto* timer = new QTimer;  // lives until the stream ends
                QObject::connect(timer, &QTimer::timeout, [kept, timer] {
                    if (!kept->connected()) return timer->deleteLater();
                    kept->sendChunk("tick\n");
                });
                timer->start(20);
            }
            kept->onClientGone(QThread::currentThread(), [gone, kept] { ++*gone; });
        });
        for (const char* path : {"/stream", "/whole"}) {
            const int before = *gone;
            RawHttpClient client(server.port());
            QVERIFY(client.send(get(path)));
            QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 1, test::kPatienceMs);
            client.close();
            QTRY_COMPARE_WITH_TIMEOUT(gone->load(), before + 1, test::kPatienceMs);
        }
    }

    // A client that stops reading a stream is let go once its unread answer passes the
    // bound, rather than the server holding everything the stream makes.
    void aStreamNobodyReadsCountsAsGone() {
        ServerLimits limits;
        limits.maxPendingOutputBytes = 256u << 10;
        auto gone = std::make_shared<std::atomic<int>>(0);
        ServerThread server(limits, [gone](Request, Responder responder) {
            auto kept = std::make_shared<Responder>(std::move(responder));
            kept->beginStream(200, "application/octet-stream");
            kept->onClientGone(QThread::currentThread(), [gone] { ++*gone; });
            auto* timer = new QTimer;  // lives until the stream ends
            QObject::connect(timer, &QTimer::timeout, [kept, timer] {
                if (!kept->connected()) return timer->deleteLater();
                kept->sendChunk(std::string(64u << 10, 'z'));
            });
            timer->start(1);
        });
        RawHttpClient client(server.port());
        QVERIFY(client.send(get("/flood")));  // and never reads
        QTRY_COMPARE_WITH_TIMEOUT(gone->load(), 1, test::kPatienceMs);
        QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, test::kPatienceMs);
    }

    void connectionsBeyondTheCapAreAnswered503() {
        ServerLimits limits;
        limits.maxConnections = 2;
        ServerThread server(limits, routes);
        RawHttpClient a(server.port()), b(server.port());
        QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 2, test::kPatienceMs);
        RawHttpClient c(server.port());
        QVERIFY(c.send(get("/fast")));
        const RawResponse refused = c.readResponse();
        QCOMPARE(refused.status, 503);
        QVERIFY(refused.body.find("more than 2 connections") != std::string::npos);
        QVERIFY(c.closedByServer());
        a.close();
        QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 1, test::kPatienceMs);
        RawHttpClient d(server.port());
        QVERIFY(d.send(get("/fast")));
        QCOMPARE(d.readResponse().status, 200);
    }

    // Nothing a handler throws ends the process: before the answer began it is a 500, after
    // it the connection ends; a dropped responder answers 500 too.
    void handlerFailuresNeverEndTheServer() {
        ServerThread server({}, routes);
        RawHttpClient client(server.port());
        QVERIFY(client.send(get("/throw")));
        const RawResponse thrown = client.readResponse();
        QCOMPARE(thrown.status, 500);
        QVERIFY(thrown.body.find("the handler failed") != std::string::npos);
        QVERIFY(client.send(get("/drop")));
        QCOMPARE(client.readResponse().status, 500);
        QVERIFY(client.send(get("/fast")));
        QCOMPARE(client.readResponse().status, 200);  // the same connection goes on

        RawHttpClient streaming(server.port());
        QVERIFY(streaming.send(get("/stream-throw")));
        QVERIFY(streaming.closedByServer());
        RawHttpClient after(server.port());
        QVERIFY(after.send(get("/fast")));
        QCOMPARE(after.readResponse().status, 200);
    }

    // However the bytes are split, the parser sees the same requests.
    void parserGivesTheSameRequestsWhateverTheSplit() {
        const std::string bytes = "\r\nPOST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                                  "POST /b HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n\n2\nxy\n0\n\n"
                                  "GET http://h/c HTTP/1.0\r\n\r\n";
        for (size_t piece : {size_t(1), size_t(2), size_t(7), bytes.size()}) {
            RequestParser parser;
            std::vector<Request> requests;
            for (size_t at = 0; at < bytes.size(); at += piece) {
                parser.feed(std::string_view(bytes).substr(at, piece));
                RequestParser::State state;
                while ((state = parser.next()) == RequestParser::State::Complete || state == RequestParser::State::HeadReady)
                    if (state == RequestParser::State::Complete) requests.push_back(parser.take());
                QVERIFY2(state != RequestParser::State::Failed, parser.error().message.c_str());
            }
            QCOMPARE(requests.size(), size_t(3));
            QCOMPARE(requests[0].path(), std::string_view("/a"));
            QCOMPARE(requests[0].body, std::string("abc"));
            QCOMPARE(requests[1].body, std::string("xy"));
            QCOMPARE(requests[2].target, std::string("/c"));
            QVERIFY(!requests[2].keepAlive);
        }
    }
};

QTEST_GUILESS_MAIN(HttpServerTest)
#include "http_server_test.moc"
