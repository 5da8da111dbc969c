#include "app/host/server_controller.h"

#include <QRandomGenerator>
#include <QTime>

#include <fmt/format.h>

namespace pagoda {

Result<ApiServerOptions> apiServerOptions(const store::ServerSettings& settings) {
    ApiServerOptions options;
    if (!options.host.setAddress(settings.host))
        return makeError(fmt::format("host '{}' is not an IP address; use 127.0.0.1 (this computer only) or "
                                     "0.0.0.0 (the local network)",
                                     settings.host.toStdString()));
    if (settings.port < 0 || settings.port > 65535)  // 0: any free port, as ApiServer takes it
        return makeError(fmt::format("port {} is not between 1 and 65535 (or 0: any free port)", settings.port));
    options.port = quint16(settings.port);
    if (!settings.apiKey.isEmpty()) options.apiKeys << settings.apiKey;
    if (settings.cors) options.allowedOrigins << QStringLiteral("*");
    return options;
}

bool exposedWithoutKey(const store::ServerSettings& settings) {
    // A host that does not parse is an error shown elsewhere; as an address it is not loopback.
    ApiServerOptions options;
    options.host = QHostAddress(settings.host);
    if (!settings.apiKey.isEmpty()) options.apiKeys << settings.apiKey;
    return options.exposedWithoutKey();
}

ServerController::ServerController(EngineHost& host, QObject* parent) : QObject(parent), m_host(host) {}

ServerController::~ServerController() {
    blockSignals(true);  // nobody may act on a controller that is going away
    stop();
}

Status ServerController::start(const store::ServerSettings& settings) {
    if (isRunning()) stop();  // new settings: bind again rather than keep the old address
    auto fail = [this](const Error& error) -> Status {
        emit startFailed(QString::fromStdString(error.message));
        return error;
    };
    auto options = apiServerOptions(settings);
    if (!options) return fail(options.error());
    if (!m_servedModelName.isEmpty()) options->servedModelNames = {m_servedModelName};
    auto server = std::make_unique<ApiServer>(m_host, std::move(options).value());
    if (auto started = server->start(); !started) return fail(started.error());
    connect(server.get(), &ApiServer::requestLogged, this, [this](const QString& line) {
        // The time of day makes the log readable when calls come in bursts.
        const QString stamped = QTime::currentTime().toString(QStringLiteral("HH:mm:ss")) + u' ' + line;
        m_log << stamped;
        if (m_log.size() > kMaxLogLines) m_log.remove(0, m_log.size() - kMaxLogLines);
        emit requestLogged(stamped);
    });
    m_server = std::move(server);
    m_settings = settings;
    emit runningChanged(true);
    return Ok{};
}

void ServerController::stop() {
    if (!m_server) return;
    m_server.reset();  // aborts the requests in flight and closes the listener
    emit runningChanged(false);
}

QString ServerController::servedModelName() const {
    return m_servedModelName.isEmpty() ? m_host.modelName() : m_servedModelName;
}

bool ServerController::isRunning() const { return m_server && m_server->isRunning(); }

quint16 ServerController::port() const { return isRunning() ? m_server->port() : 0; }

QString ServerController::baseUrl() const { return isRunning() ? baseUrlFor(m_settings.host, port()) : QString(); }

QString ServerController::baseUrlFor(const QString& host, quint16 port) {
    // A listener on every address is dialled on loopback from this computer.
    QHostAddress address(host);
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::Any) address = QHostAddress::LocalHost;
    if (address == QHostAddress::AnyIPv6) address = QHostAddress::LocalHostIPv6;
    QString text = address.isNull() ? host : address.toString();
    if (address.protocol() == QAbstractSocket::IPv6Protocol) text = u'[' + text + u']';
    return QStringLiteral("http://%1:%2/v1").arg(text).arg(port);
}

QString ServerController::generateApiKey() {
    // The system generator: a key guards the API on the network, so it must not be guessable.
    QRandomGenerator* random = QRandomGenerator::system();
    QString key = QStringLiteral("sk-pagoda-");
    for (int i = 0; i < 4; ++i) key += QStringLiteral("%1").arg(random->generate(), 8, 16, QLatin1Char('0'));
    return key;
}

}  // namespace pagoda
