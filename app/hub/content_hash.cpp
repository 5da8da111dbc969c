#include "app/hub/content_hash.h"

#include <QFile>

#include <fmt/format.h>

namespace pagoda::hub {

std::optional<ExpectedDigest> expectedDigest(const HubFile& file) {
    if (!file.sha256.isEmpty()) return ExpectedDigest{DigestKind::Sha256, file.sha256.toLower()};
    if (!file.gitSha1.isEmpty() && file.size >= 0) return ExpectedDigest{DigestKind::GitBlobSha1, file.gitSha1.toLower()};
    return std::nullopt;
}

ContentHash::ContentHash(DigestKind kind, qint64 size)
    : m_kind(kind), m_size(size),
      m_hash(kind == DigestKind::Sha256 ? QCryptographicHash::Sha256 : QCryptographicHash::Sha1) {
    reset();
}

void ContentHash::reset() {
    m_hash.reset();
    if (m_kind == DigestKind::GitBlobSha1) m_hash.addData("blob " + QByteArray::number(m_size) + '\0');
}

Status hashFile(const QString& path, ContentHash& hash, qint64 bytes, const std::function<bool(qint64)>& onChunk) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(fmt::format("{}: cannot read: {}", path.toStdString(), file.errorString().toStdString()));
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    for (qint64 left = bytes < 0 ? file.size() : bytes; left > 0;) {
        const qint64 n = file.read(buffer.data(), std::min<qint64>(left, buffer.size()));
        if (n <= 0) return makeError(fmt::format("{}: read failed: {}", path.toStdString(), file.errorString().toStdString()));
        hash.add(buffer.constData(), n);
        left -= n;
        if (onChunk && !onChunk(n)) return makeError("stopped");
    }
    return Ok{};
}

}  // namespace pagoda::hub
