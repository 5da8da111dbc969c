// The digests the hubs publish for a file's bytes, computed incrementally: sha256 (LFS
// files, every ModelScope file) or Hugging Face's git blob sha1 ("blob <size>\0" + bytes)
// for small files. The downloader hashes while writing; verification re-reads whole files.
// OpenSSL's libcrypto does the work: with SHA extensions it hashes ~1.5 GB/s here, where
// QCryptographicHash managed 169 MB/s, slower than a fast link delivers a shard.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <QString>
#include <openssl/types.h>

#include "app/hub/hub_types.h"
#include "engine/common/result.h"

namespace pagoda::hub {

enum class DigestKind { Sha256, GitBlobSha1 };

struct ExpectedDigest {
    DigestKind kind;
    QString hex;  // lower case
};

// sha256 when the hub gave one, else the git sha1 (which needs the size); nothing when neither.
std::optional<ExpectedDigest> expectedDigest(const HubFile& file);

class ContentHash {
public:
    // size: the whole file's, which the git blob header includes.
    ContentHash(DigestKind kind, qint64 size);
    void reset();
    void add(const char* data, qsizetype size);
    QString hex() const;  // of everything added so far; adding may continue
    const char* name() const { return m_kind == DigestKind::Sha256 ? "sha256" : "git-sha1"; }

private:
    struct ContextDeleter {
        void operator()(EVP_MD_CTX* context) const;
    };
    DigestKind m_kind;
    qint64 m_size;
    std::unique_ptr<EVP_MD_CTX, ContextDeleter> m_context;
};

// Feeds the first `bytes` of the file (-1: all of it) to `hash`, 1 MiB at a time; onChunk
// gets each chunk's size and returns false to stop (then the result is an error "stopped").
Status hashFile(const QString& path, ContentHash& hash, qint64 bytes = -1,
                const std::function<bool(qint64)>& onChunk = {});

}  // namespace pagoda::hub
