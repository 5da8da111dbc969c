// tests/tools/fake_hub.py run for one test suite: a fake Hugging Face + ModelScope on a
// loopback port and a fake CDN on another, with fault switches and a log of every request.
#pragma once

#include <memory>

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

namespace pagoda::test {

class FakeHubProcess {
public:
    // Starts the fake on an empty repos folder; tokens are the ones it accepts.
    explicit FakeHubProcess(const QStringList& tokens = {"hf_valid_token"});
    ~FakeHubProcess();

    bool running() const { return m_hubPort > 0; }
    QString startError() const { return m_error; }
    QUrl hubUrl() const { return QUrl(QString("http://127.0.0.1:%1").arg(m_hubPort)); }
    int cdnPort() const { return m_cdnPort; }
    QString reposDir() const { return m_repos.path(); }

    // Creates <repos>/<id>/ as a copy of `sourceDir` (plus .fakehub.json when meta is given).
    QString addRepo(const QString& id, const QString& sourceDir, const QJsonObject& meta = {});

    void addFaults(const QJsonArray& faults);
    void releasePieces(int pieces);  // lets `pieces` more pieces through "gate" faults
    void reset();            // faults and log
    QJsonArray log() const;  // every request, in order

private:
    QByteArray control(const QByteArray& method, const QString& path, const QByteArray& body = {}) const;

    QTemporaryDir m_repos;
    std::unique_ptr<QProcess> m_process;
    int m_hubPort = 0;
    int m_cdnPort = 0;
    QString m_error;
};

// http://127.0.0.1:<port> where nothing listens (a port the system just gave out and took
// back): a connection there is refused at once, as a hub behind a firewall or while offline.
QUrl closedLoopbackUrl();

}  // namespace pagoda::test
