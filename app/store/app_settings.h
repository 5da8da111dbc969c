// The desktop app's preferences in QSettings ($XDG_CONFIG_HOME/pagoda/pagoda.conf): one typed
// accessor per key, so the key names and their defaults live in one place.
#pragma once

#include <QSettings>
#include <QString>

#include <vector>

#include "app/host/engine_settings.h"

namespace pagoda::store {

struct ServerSettings {
    QString host = "127.0.0.1";  // "0.0.0.0" only by the user's explicit choice
    int port = 8000;
    QString apiKey;              // empty: no key needed
    bool cors = false;           // allow any origin
    bool startWithModel = false; // start the API whenever a model is loaded
};

// An OpenAI-compatible server a chat answered with, offered again in every chat's model picker.
struct RemoteEndpoint {
    QString url;
    QString key;
    QString model;  // empty: the first the server lists
    bool operator==(const RemoteEndpoint&) const = default;
};

class AppSettings {
public:
    AppSettings();

    QString language() const;  // "" follows the system locale; "en" or "zh_CN"
    void setLanguage(const QString& language);

    QString theme() const;  // "system" (follows the desktop, the default), "light" or "dark"
    void setTheme(const QString& theme);

    bool keepApiInTray() const;  // closing the window hides it to the tray while the API runs
    void setKeepApiInTray(bool on);

    bool firstRunDone() const;
    void setFirstRunDone(bool done);

    // The main window's size and place (QWidget::saveGeometry); empty before the first close.
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);

    QString hub() const;  // "huggingface", "modelscope" or "mirror"
    void setHub(const QString& hub);

    QString lastModel() const;  // the library id loaded last, loaded again at start
    void setLastModel(const QString& id);

    QString exportFolder() const;  // where the last chat export went; empty before the first
    void setExportFolder(const QString& folder);

    EngineSettings engine() const;
    void setEngine(const EngineSettings& settings);

    // Bytes/s this CPU reads from memory (app/desktop/memory_bandwidth.h), measured once and
    // kept with the memory size it was measured with; 0 when never measured, or when the
    // memory has changed since (then it is measured again).
    double memoryBandwidth(qint64 totalMemoryBytes) const;
    void setMemoryBandwidth(double bytesPerSecond, qint64 totalMemoryBytes);

    ServerSettings server() const;
    void setServer(const ServerSettings& settings);

    // Servers chats have used, the latest first; remembering one again (same URL and model)
    // moves it to the front with its new key. At most kRememberedEndpoints.
    static constexpr int kRememberedEndpoints = 8;
    std::vector<RemoteEndpoint> remoteEndpoints() const;
    void rememberEndpoint(const RemoteEndpoint& endpoint);

private:
    mutable QSettings m_settings;
};

}  // namespace pagoda::store
