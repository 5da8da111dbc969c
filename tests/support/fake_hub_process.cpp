#include "tests/support/fake_hub_process.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>

#include "app/hub/http_client.h"
#include "tests/support/patience.h"

namespace pagoda::test {

FakeHubProcess::FakeHubProcess(const QStringList& tokens) : m_process(std::make_unique<QProcess>()) {
    QStringList args{QString(PAGODA_SOURCE_DIR) + "/tests/tools/fake_hub.py", "--repos", m_repos.path()};
    for (const QString& t : tokens) args << "--token" << t;
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_process->start("python3", args);
    if (!m_process->waitForStarted(kPatienceMs)) {
        m_error = "python3 did not start: " + m_process->errorString();
        return;
    }
    QByteArray out;
    while (!out.contains('\n') && m_process->waitForReadyRead(kPatienceMs)) out += m_process->readAllStandardOutput();
    const auto match = QRegularExpression(R"(READY hub=(\d+) cdn=(\d+))").match(QString::fromUtf8(out));
    if (!match.hasMatch()) {
        m_error = "fake hub did not start: " + QString::fromUtf8(out + m_process->readAllStandardError());
        return;
    }
    m_hubPort = match.captured(1).toInt();
    m_cdnPort = match.captured(2).toInt();
}

FakeHubProcess::~FakeHubProcess() {
    m_process->closeWriteChannel();  // it exits when stdin ends
    if (!m_process->waitForFinished(3000)) m_process->kill(), m_process->waitForFinished(3000);
}

QString FakeHubProcess::addRepo(const QString& id, const QString& sourceDir, const QJsonObject& meta) {
    const QString dest = m_repos.path() + "/" + id;
    QDir().mkpath(dest);
    QDirIterator it(sourceDir, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = dest + "/" + QDir(sourceDir).relativeFilePath(source);
        QDir().mkpath(QFileInfo(target).path());
        QFile::copy(source, target);
    }
    if (!meta.isEmpty()) {
        QFile file(dest + "/.fakehub.json");
        file.open(QIODevice::WriteOnly);
        file.write(QJsonDocument(meta).toJson());
    }
    return dest;
}

QByteArray FakeHubProcess::control(const QByteArray& method, const QString& path, const QByteArray& body) const {
    hub::HttpRequest request;
    request.method = method;
    request.url = QUrl(hubUrl().toString() + path);
    request.body = body;
    request.headers.emplace_back("Content-Type", "application/json");
    auto response = hub::httpSend(request);
    return response ? response->body : QByteArray();
}

void FakeHubProcess::addFaults(const QJsonArray& faults) {
    control("POST", "/__control/faults", QJsonDocument(faults).toJson());
}

void FakeHubProcess::releasePieces(int pieces) {
    control("POST", "/__control/release", QJsonDocument(QJsonObject{{"pieces", pieces}}).toJson());
}

void FakeHubProcess::reset() { control("POST", "/__control/reset"); }

QJsonArray FakeHubProcess::log() const { return QJsonDocument::fromJson(control("GET", "/__control/log")).array(); }

QUrl closedLoopbackUrl() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int port = 0;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    if (fd >= 0) ::close(fd);  // bound, never listening: closing it leaves the port with no one behind it
    return QUrl(QString("http://127.0.0.1:%1").arg(port));
}

}  // namespace pagoda::test
