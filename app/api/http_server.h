// QHttpServer's base with one entry point: every request, whatever its path or method,
// reaches `handler` with a responder it may keep and answer later (the router of Qt 6.4
// answers unknown paths itself, and we want OpenAI-shaped errors for those too).
#pragma once

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>

#include <functional>
#include <string_view>

namespace pagoda {

inline QByteArray toQByteArray(std::string_view s) { return QByteArray(s.data(), qsizetype(s.size())); }

using HeaderPairs = QList<QPair<QByteArray, QByteArray>>;

// A whole response with any number of extra headers (Qt 6.4's write() takes its headers as
// an initializer_list, which cannot be built at run time).
inline void writeResponse(QHttpServerResponder& responder, int status, const QByteArray& contentType,
                          const QByteArray& body, const HeaderPairs& extraHeaders = {}) {
    responder.writeStatusLine(QHttpServerResponder::StatusCode(status));
    if (!contentType.isEmpty()) responder.writeHeader("Content-Type", contentType);
    responder.writeHeader("Content-Length", QByteArray::number(body.size()));
    for (const auto& [key, value] : extraHeaders) responder.writeHeader(key, value);
    responder.writeBody(body);
}

class HttpServer final : public QAbstractHttpServer {
public:
    using Handler = std::function<void(const QHttpServerRequest&, QHttpServerResponder&&)>;

    explicit HttpServer(Handler handler, QObject* parent = nullptr)
        : QAbstractHttpServer(parent), m_handler(std::move(handler)) {}

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override {
        m_handler(request, makeResponder(request, socket));
        return true;
    }
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override {
        m_handler(request, makeResponder(request, socket));
    }

private:
    Handler m_handler;
};

}  // namespace pagoda
