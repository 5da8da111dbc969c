#include "app/store/app_settings.h"

#include <algorithm>

#include "app/hub/memory_estimate.h"

namespace pagoda::store {

namespace {

QString backendName(Backend backend) { return backend == Backend::Cuda ? "cuda" : "cpu"; }

}  // namespace

// An explicit INI file, not QCoreApplication's organization/application names, so the CLI,
// the window and the tests all read the same $XDG_CONFIG_HOME/pagoda/pagoda.ini.
AppSettings::AppSettings() : m_settings(QSettings::IniFormat, QSettings::UserScope, "pagoda", "pagoda") {}

QString AppSettings::language() const { return m_settings.value("ui/language").toString(); }
void AppSettings::setLanguage(const QString& language) { m_settings.setValue("ui/language", language); }

// A value this build does not know (a newer version's) follows the desktop.
QString AppSettings::theme() const {
    const QString theme = m_settings.value("ui/theme", "system").toString();
    return theme == "light" || theme == "dark" ? theme : QStringLiteral("system");
}
void AppSettings::setTheme(const QString& theme) { m_settings.setValue("ui/theme", theme); }

bool AppSettings::keepApiInTray() const { return m_settings.value("ui/keepApiInTray", false).toBool(); }
void AppSettings::setKeepApiInTray(bool on) { m_settings.setValue("ui/keepApiInTray", on); }

bool AppSettings::firstRunDone() const { return m_settings.value("ui/firstRunDone", false).toBool(); }
void AppSettings::setFirstRunDone(bool done) { m_settings.setValue("ui/firstRunDone", done); }

QByteArray AppSettings::windowGeometry() const { return m_settings.value("ui/windowGeometry").toByteArray(); }
void AppSettings::setWindowGeometry(const QByteArray& geometry) { m_settings.setValue("ui/windowGeometry", geometry); }

QString AppSettings::hub() const { return m_settings.value("models/hub", "huggingface").toString(); }
void AppSettings::setHub(const QString& hub) { m_settings.setValue("models/hub", hub); }

QString AppSettings::lastModel() const { return m_settings.value("models/last").toString(); }
void AppSettings::setLastModel(const QString& id) { m_settings.setValue("models/last", id); }

QString AppSettings::exportFolder() const { return m_settings.value("chats/exportFolder").toString(); }
void AppSettings::setExportFolder(const QString& folder) { m_settings.setValue("chats/exportFolder", folder); }

EngineSettings AppSettings::engine() const {
    EngineSettings defaults;
    EngineSettings s;
    // Never chosen: CUDA where it can run, else the CPU.
    const QString backend = m_settings.value("engine/backend").toString();
    s.backend = backend == "cuda" || (backend.isEmpty() && detectBackends().cuda) ? Backend::Cuda : Backend::Cpu;
    // Never chosen: the share that is free on this machine now (an estimate, not a fixed 60 %).
    s.memoryUtilization = m_settings.contains("engine/memoryUtilization")
                              ? m_settings.value("engine/memoryUtilization").toDouble()
                              : defaultMemoryUtilization(s.backend, backendMemoryBytes(s), hub::availableMemoryBytes());
    s.maxModelLen = m_settings.value("engine/maxModelLen", defaults.maxModelLen).toInt();
    s.maxNumSeqs = m_settings.value("engine/maxNumSeqs", defaults.maxNumSeqs).toInt();
    // A name this build does not know (a newer version's) loads the model as stored.
    s.quantization = parseQuantization(m_settings.value("engine/quantization", "none").toString().toStdString())
                         .value_or(Quantization::None);
    return s;
}

void AppSettings::setEngine(const EngineSettings& s) {
    m_settings.setValue("engine/backend", backendName(s.backend));
    m_settings.setValue("engine/memoryUtilization", s.memoryUtilization);
    m_settings.setValue("engine/maxModelLen", s.maxModelLen);
    m_settings.setValue("engine/maxNumSeqs", s.maxNumSeqs);
    m_settings.setValue("engine/quantization", QString::fromLatin1(quantizationName(s.quantization)));
}

double AppSettings::memoryBandwidth(qint64 totalMemoryBytes) const {
    if (m_settings.value("machine/memoryBytes").toLongLong() != totalMemoryBytes) return 0;
    return std::max(0.0, m_settings.value("machine/memoryBandwidth").toDouble());
}

void AppSettings::setMemoryBandwidth(double bytesPerSecond, qint64 totalMemoryBytes) {
    m_settings.setValue("machine/memoryBandwidth", bytesPerSecond);
    m_settings.setValue("machine/memoryBytes", totalMemoryBytes);
}

ServerSettings AppSettings::server() const {
    ServerSettings defaults;
    ServerSettings s;
    s.host = m_settings.value("server/host", defaults.host).toString();
    s.port = m_settings.value("server/port", defaults.port).toInt();
    s.apiKey = m_settings.value("server/apiKey").toString();
    s.cors = m_settings.value("server/cors", defaults.cors).toBool();
    s.startWithModel = m_settings.value("server/startWithModel", defaults.startWithModel).toBool();
    return s;
}

void AppSettings::setServer(const ServerSettings& s) {
    m_settings.setValue("server/host", s.host);
    m_settings.setValue("server/port", s.port);
    m_settings.setValue("server/apiKey", s.apiKey);
    m_settings.setValue("server/cors", s.cors);
    m_settings.setValue("server/startWithModel", s.startWithModel);
}

std::vector<RemoteEndpoint> AppSettings::remoteEndpoints() const {
    std::vector<RemoteEndpoint> list;
    const int count = m_settings.beginReadArray("remoteEndpoints");
    for (int i = 0; i < count; ++i) {
        m_settings.setArrayIndex(i);
        RemoteEndpoint endpoint{m_settings.value("url").toString(), m_settings.value("key").toString(),
                                m_settings.value("model").toString()};
        if (!endpoint.url.isEmpty()) list.push_back(endpoint);
    }
    m_settings.endArray();
    return list;
}

void AppSettings::rememberEndpoint(const RemoteEndpoint& endpoint) {
    std::vector<RemoteEndpoint> list = remoteEndpoints();
    std::erase_if(list, [&](const RemoteEndpoint& e) { return e.url == endpoint.url && e.model == endpoint.model; });
    list.insert(list.begin(), endpoint);
    if (list.size() > size_t(kRememberedEndpoints)) list.resize(kRememberedEndpoints);
    m_settings.remove("remoteEndpoints");
    m_settings.beginWriteArray("remoteEndpoints", int(list.size()));
    for (int i = 0; i < int(list.size()); ++i) {
        m_settings.setArrayIndex(i);
        m_settings.setValue("url", list[size_t(i)].url);
        m_settings.setValue("key", list[size_t(i)].key);
        m_settings.setValue("model", list[size_t(i)].model);
    }
    m_settings.endArray();
}

}  // namespace pagoda::store
