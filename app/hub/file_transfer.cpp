#include "app/hub/file_transfer.h"

#include <filesystem>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <fmt/format.h>
#include <unistd.h>

#include "app/hub/content_hash.h"
#include "app/hub/download_manifest.h"

namespace pagoda::hub {

namespace {

// "bytes 100-199/1000" → 100 and 1000 (-1 when absent or malformed).
std::pair<qint64, qint64> parseContentRange(const QByteArray& header) {
    const QByteArray h = header.trimmed();
    if (!h.startsWith("bytes ")) return {-1, -1};
    const qsizetype dash = h.indexOf('-'), slash = h.indexOf('/');
    if (dash < 0 || slash < dash) return {-1, -1};
    bool okStart = false, okTotal = false;
    const qint64 start = h.mid(6, dash - 6).toLongLong(&okStart);
    const qint64 total = h.mid(slash + 1).toLongLong(&okTotal);
    return {okStart ? start : -1, okTotal ? total : -1};
}

std::string str(const QString& s) { return s.toStdString(); }

}  // namespace

Result<bool> fileMatches(const QString& path, const HubFile& file) {
    if (file.size >= 0 && QFileInfo(path).size() != file.size) return false;
    const auto expected = expectedDigest(file);
    if (!expected) return true;
    ContentHash hash(expected->kind, file.size);
    if (auto read = hashFile(path, hash); !read) return read.error();
    return hash.hex() == expected->hex;
}

namespace {

// The .incomplete file being written, and the running hash of everything in it.
class PartFile {
public:
    PartFile(const QString& path, const HubFile& file)
        : m_file(path), m_expected(expectedDigest(file)),
          m_hash(m_expected ? m_expected->kind : DigestKind::Sha256, file.size), m_expectedSize(file.size) {}

    // A resumed file is hashed from its first byte, so it is still checked end to end.
    Status open() {
        if (!m_file.open(QIODevice::ReadWrite))
            return makeError(fmt::format("cannot open {}: {}", str(m_file.fileName()), str(m_file.errorString())));
        m_size = m_file.size();
        if ((m_expectedSize >= 0 && m_size > m_expectedSize) || !hashFile(m_file.fileName(), m_hash, m_size) ||
            !m_file.seek(m_size))
            restart();
        return Ok{};
    }
    qint64 size() const { return m_size; }
    bool complete() const { return m_expectedSize >= 0 && m_size == m_expectedSize; }
    bool restart() {
        m_size = 0;
        m_hash.reset();
        return m_file.resize(0) && m_file.seek(0);
    }
    bool append(const char* data, qint64 n) {
        if (m_file.write(data, n) != n) return false;
        m_hash.add(data, qsizetype(n));
        m_size += n;
        return true;
    }
    QString writeError() const { return m_file.errorString(); }
    // Empty when the bytes are what the hub said; else what went wrong, for the message.
    std::string digestMismatch() const {
        if (!m_expected || m_hash.hex() == m_expected->hex) return {};
        return fmt::format("{} mismatch: expected {}, got {}", m_hash.name(), str(m_expected->hex), str(m_hash.hex()));
    }
    void remove() { m_file.remove(); }
    // Durable before it is renamed, so a crash never leaves a short file at the final name.
    void closeDurably() {
        m_file.flush();
        ::fsync(m_file.handle());
        m_file.close();
    }

private:
    QFile m_file;
    std::optional<ExpectedDigest> m_expected;
    ContentHash m_hash;
    qint64 m_expectedSize;
    qint64 m_size = 0;
};

struct Attempt {
    enum Kind { ReachedEnd, Retry, Stopped, Fatal };
    Attempt(Kind k, std::string m = {}, QByteArray r = {}, FailureKind f = FailureKind::Other, int s = 0)
        : kind(k), message(std::move(m)), retryAfter(std::move(r)), failure(f), httpStatus(s) {}
    Attempt(Kind k, HubError error) : Attempt(k, std::move(error.message), {}, error.kind, error.httpStatus) {}
    Kind kind;
    std::string message;
    QByteArray retryAfter;
    FailureKind failure;  // what kind of failure, for the window's advice
    int httpStatus;
};

// One attempt: ask the hub again (its CDN links are signed and expire), follow redirects
// hop by hop, and stream the final answer onto the end of the part file.
Attempt fetchOnce(const FileDownload& job, const TransferOptions& options, const TransferControl& control, PartFile& part,
                  const std::function<void(qint64)>& onBytes, const std::string& where) {
    const HubConnection& hub = job.hub->connection();
    const qint64 expectedSize = job.file.size;
    QUrl target = job.hub->fileUrl(job.modelId, job.revision, job.file.path);
    std::string sinkError;
    bool fatalWrite = false;
    for (int hop = 0; hop < 10; ++hop) {
        HttpRequest request = hub.requestFor(target);
        request.stallSeconds = options.stallSeconds;
        if (part.size() > 0) request.headers.emplace_back("Range", "bytes=" + QByteArray::number(part.size()) + "-");
        bool writing = false;
        QByteArray errorBody;  // a redirect's or an error's body: kept (briefly) for the message
        HttpSink sink;
        sink.onHeaders = [&](const HttpResponse& r) {
            if (r.status == 206) {
                const auto [start, total] = parseContentRange(r.header("content-range"));
                if (start != part.size() || (expectedSize >= 0 && total >= 0 && total != expectedSize)) {
                    sinkError = fmt::format("{}: the server resumed at the wrong place ({})", where,
                                            r.header("content-range").toStdString());
                    part.restart();
                    return false;
                }
                writing = true;
            } else if (r.status == 200) {
                // A full answer to a Range request: start over rather than append.
                if (part.size() > 0 && !part.restart()) return false;
                writing = true;
            }
            return true;
        };
        sink.onData = [&](const char* data, size_t size) {
            if (!writing) {
                if (errorBody.size() < (64 << 10)) errorBody.append(data, qsizetype(std::min<size_t>(size, 64 << 10)));
                return true;
            }
            if (expectedSize >= 0 && part.size() + qint64(size) > expectedSize) {
                sinkError = fmt::format("{}: the server sent more than the {} bytes the hub listed", where, expectedSize);
                part.restart();
                return false;
            }
            if (!part.append(data, qint64(size))) {
                sinkError = fmt::format("{}: cannot write: {}", where, str(part.writeError()));
                fatalWrite = true;  // disk full or unwritable: retrying cannot help
                return false;
            }
            onBytes(part.size());
            return true;
        };
        sink.keepGoing = [&] { return !control.stopping.load(); };
        auto answer = httpSend(request, &sink);
        if (fatalWrite) return {Attempt::Fatal, sinkError};
        if (!answer) {
            if (control.stopping) return {Attempt::Stopped};
            if (!sinkError.empty()) return {Attempt::Retry, sinkError};
            return {Attempt::Retry, answer.error().message, {}, answer.error().kind};
        }
        const HttpResponse& r = *answer;
        if (r.status >= 300 && r.status < 400) {
            target = redirectTarget(r);
            if (!target.isValid()) return {Attempt::Fatal, fmt::format("{}: a redirect without a Location", where)};
            continue;
        }
        if (r.status == 416) {
            part.restart();
            return {Attempt::Retry, fmt::format("{}: the server refused to resume (HTTP 416)", where)};
        }
        if (isRetryableStatus(r.status))
            return {Attempt::Retry, fmt::format("{}: HTTP {}", where, r.status), r.header("retry-after"), FailureKind::Busy, r.status};
        if (r.status != 200 && r.status != 206) {
            HttpResponse failure = r;
            failure.body = errorBody;
            return {Attempt::Fatal, job.hub->describeFailure(failure, job.modelId)};
        }
        if (expectedSize < 0 || part.complete()) return {Attempt::ReachedEnd};
        return {Attempt::Retry, fmt::format("{}: the connection ended after {} of {} bytes", where, part.size(), expectedSize)};
    }
    return {Attempt::Fatal, fmt::format("{}: more than 10 redirects", where)};
}

}  // namespace

HubResult<TransferOutcome> downloadFile(const FileDownload& job, const TransferOptions& options,
                                        const TransferControl& control, const std::function<void(qint64)>& onBytes) {
    const std::string where = fmt::format("{} {}", str(job.modelId), str(job.file.path));
    const QString folder = QFileInfo(job.destination).path();
    if (!QDir().mkpath(folder)) return HubError(makeError(fmt::format("{}: cannot create the folder {}", where, str(folder))));
    PartFile part(job.destination + kIncompleteSuffix, job.file);
    if (auto opened = part.open(); !opened) return HubError(makeError(fmt::format("{}: {}", where, opened.error().message)));
    onBytes(part.size());

    int failures = 0, mismatches = 0;
    while (true) {
        if (control.cancel) {
            part.remove();
            return TransferOutcome::Cancelled;
        }
        if (control.pause) return TransferOutcome::Paused;
        if (!part.complete()) {
            const qint64 before = part.size();
            Attempt attempt = fetchOnce(job, options, control, part, onBytes, where);
            if (attempt.kind == Attempt::Fatal) return HubError(makeError(attempt.message), attempt.failure, attempt.httpStatus);
            if (attempt.kind == Attempt::Stopped) continue;
            if (attempt.kind == Attempt::Retry) {
                if (part.size() > before) failures = 0;  // progress resets the count, as huggingface_hub does
                if (++failures >= options.retry.maxAttempts)
                    return HubError(makeError(fmt::format("{} (gave up after {} attempts; the partial file is kept for a resume)",
                                                          attempt.message, failures)),
                                    attempt.failure, attempt.httpStatus);
                sleepUnlessStopped(options.retry.delayBefore(failures, attempt.retryAfter), &control.stopping);
                continue;
            }
        }
        if (const std::string mismatch = part.digestMismatch(); !mismatch.empty()) {
            const std::string message = fmt::format("{}: {}; the file was deleted", where, mismatch);
            if (++mismatches > options.hashMismatchRetries) {
                part.remove();
                onBytes(0);
                return HubError(makeError(message));
            }
            part.restart();
            onBytes(0);
            continue;
        }
        part.closeDurably();
        std::error_code error;
        std::filesystem::rename((job.destination + kIncompleteSuffix).toStdString(), job.destination.toStdString(), error);
        if (error) return HubError(makeError(fmt::format("{}: cannot rename into place: {}", where, error.message())));
        return TransferOutcome::Done;
    }
}

}  // namespace pagoda::hub
