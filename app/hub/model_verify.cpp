#include "app/hub/model_verify.h"

#include <vector>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include "app/hub/content_hash.h"
#include "app/hub/download_manifest.h"

namespace pagoda::hub {

namespace {

// One file and the digest it must have.
struct Expected {
    QString path;      // absolute
    QString label;     // as named in messages: the repo path
    QString digest;    // lower-case hex
    bool gitBlob;      // sha1 over "blob <size>\0" + content, else sha256
    QString source;    // what the digest comes from, for the message
    QString remedy;
};

struct Progress {
    const VerifyProgress& callback;
    qint64 done = 0;
    qint64 total = 0;
    bool report() { return !callback || callback(done, total); }
};

std::string text(const QString& s) { return s.toStdString(); }

Error cancelled(const LocalModel& model) { return makeError("verification of " + text(model.id) + " cancelled"); }

Result<std::vector<Expected>> fromManifest(const LocalModel& model) {
    // A GGUF quant's files and manifest live in its repo folder; folder is its .gguf file.
    const QString folder = model.quant.isEmpty() ? model.folder : model.repoFolder;
    const auto manifest = readManifest(folder, model.quant);
    if (!manifest) return manifest.error();
    const QString remedy = "remove the model and download it again";
    std::vector<Expected> files;
    for (const HubFile& f : manifest->files) {
        const QString path = folder + "/" + f.path;
        const QFileInfo info(path);
        if (!info.isFile()) return makeError(text(path) + " is missing; " + text(remedy));
        if (f.size >= 0 && info.size() != f.size)
            return makeError(text(path) + " is " + std::to_string(info.size()) + " bytes; the manifest expects " +
                             std::to_string(f.size) + "; " + text(remedy));
        if (!f.sha256.isEmpty())
            files.push_back({path, f.path, f.sha256.toLower(), false, "the manifest's sha256", remedy});
        else if (!f.gitSha1.isEmpty())
            files.push_back({path, f.path, f.gitSha1.toLower(), true, "the manifest's git sha1", remedy});
    }
    return files;
}

// Snapshot links point at blobs named by their hash: that name is the expected digest.
std::vector<Expected> fromHuggingFaceSnapshot(const LocalModel& model) {
    static const QRegularExpression sha256("^[0-9a-f]{64}$"), sha1("^[0-9a-f]{40}$");
    const QString remedy = "delete it with `hf cache rm model/" + model.id + "` and download it again";
    std::vector<Expected> files;
    const QDir dir(model.folder);
    for (const QFileInfo& entry : dir.entryInfoList(QDir::Files | QDir::System | QDir::NoDotAndDotDot, QDir::Name)) {
        if (!entry.isSymLink()) continue;  // Windows without symlinks: plain copies, no name to check against
        const QString blob = QFileInfo(entry.symLinkTarget()).fileName();
        const bool isSha256 = sha256.match(blob).hasMatch();
        if (isSha256 || sha1.match(blob).hasMatch())
            files.push_back({entry.filePath(), entry.fileName(), blob, !isSha256, "its blob name", remedy});
    }
    return files;
}

}  // namespace

Status verifyModelFiles(const LocalModel& model, const VerifyProgress& progress) {
    std::vector<Expected> files;
    if (model.source == ModelSource::Pagoda) {
        auto listed = fromManifest(model);
        if (!listed) return listed.error();
        files = std::move(listed).value();
    } else if (model.source == ModelSource::HuggingFaceCache) {
        files = fromHuggingFaceSnapshot(model);
    } else {
        return Ok{};
    }
    Progress state{progress};
    for (const Expected& f : files) state.total += QFileInfo(f.path).size();
    if (!state.report()) return cancelled(model);
    for (const Expected& f : files) {
        bool wasCancelled = false;
        ContentHash hash(f.gitBlob ? DigestKind::GitBlobSha1 : DigestKind::Sha256, QFileInfo(f.path).size());
        auto read = hashFile(f.path, hash, -1, [&](qint64 n) {
            state.done += n;
            wasCancelled = !state.report();
            return !wasCancelled;
        });
        if (wasCancelled) return cancelled(model);
        if (!read) return read.error();
        const QString digest = hash.hex();
        if (digest != f.digest)
            return makeError(text(f.path) + " is damaged: its " +
                             (f.gitBlob ? "git sha1" : "sha256") + " is " + text(digest) + " but " + text(f.source) +
                             " is " + text(f.digest) + "; " + text(f.remedy));
    }
    return Ok{};
}

}  // namespace pagoda::hub
