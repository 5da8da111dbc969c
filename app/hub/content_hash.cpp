#include "app/hub/content_hash.h"

#include <QByteArray>
#include <QFile>

#include <fmt/format.h>
#include <openssl/evp.h>

namespace pagoda::hub {

std::optional<ExpectedDigest> expectedDigest(const HubFile& file) {
    if (!file.sha256.isEmpty()) return ExpectedDigest{DigestKind::Sha256, file.sha256.toLower()};
    if (!file.gitSha1.isEmpty() && file.size >= 0) return ExpectedDigest{DigestKind::GitBlobSha1, file.gitSha1.toLower()};
    return std::nullopt;
}

void ContentHash::ContextDeleter::operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }

ContentHash::ContentHash(DigestKind kind, qint64 size) : m_kind(kind), m_size(size), m_context(EVP_MD_CTX_new()) {
    reset();
}

void ContentHash::reset() {
    EVP_DigestInit_ex(m_context.get(), m_kind == DigestKind::Sha256 ? EVP_sha256() : EVP_sha1(), nullptr);
    if (m_kind == DigestKind::GitBlobSha1) {
        const QByteArray header = "blob " + QByteArray::number(m_size) + '\0';
        add(header.constData(), header.size());
    }
}

void ContentHash::add(const char* data, qsizetype size) { EVP_DigestUpdate(m_context.get(), data, size_t(size)); }

QString ContentHash::hex() const {
    std::unique_ptr<EVP_MD_CTX, ContextDeleter> copy(EVP_MD_CTX_new());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_MD_CTX_copy_ex(copy.get(), m_context.get());
    EVP_DigestFinal_ex(copy.get(), digest, &length);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(digest), int(length)).toHex());
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
