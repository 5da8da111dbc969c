// The words both model hubs share once their JSON is parsed: which hub, a model found by
// search, a model's details, and one file with the size and hashes it must be checked against.
#pragma once

#include <optional>
#include <vector>

#include <QString>
#include <QStringList>

namespace pagoda::hub {

enum class HubKind { HuggingFace, ModelScope };

// "huggingface" / "modelscope": the folder name under the models root and the --hub value.
QString hubName(HubKind kind);
std::optional<HubKind> parseHubName(const QString& name);

// "1.5 GiB", "300 MiB", "12 KiB", "900 B": sizes as downloads and the library show them.
QString formatBytes(qint64 bytes);

struct HubFile {
    QString path;       // repo-relative, '/'-separated, validated by isSafeRepoPath
    qint64 size = -1;   // -1 when the hub did not say
    QString sha256;     // lower-case hex of the content; HF: LFS files only, ModelScope: every file
    QString gitSha1;    // HF only: the git blob id, which checks small (non-LFS) files
    bool lfs = false;
};

struct HubModelSummary {
    QString id;           // "owner/name" as the hub spells it
    QString displayName;  // ModelScope's Chinese name when it has one
    qint64 downloads = 0;
    qint64 likes = 0;
    QString lastModified;  // ISO-8601
    QStringList tags;
    bool gated = false;
};

struct HubModelInfo {
    QString id;        // canonical id (after renames)
    QString revision;  // HF: the commit sha the requested revision resolved to; ModelScope: the branch or tag
    QString gated;     // HF: "", "auto" or "manual"
    bool isPrivate = false;
    QString license;
    QStringList tags;
    QString architecture;  // config.architectures[0] when the hub reports it
    qint64 parameters = 0;  // from the hub's safetensors summary; 0 when unknown
    QString baseModel = {};  // the model this one was made from (a GGUF repo's original), when the hub says
};

struct SearchQuery {
    QString text;
    QString author;
    QString sort = "downloads";  // downloads | likes | lastModified
    int limit = 20;              // page size
};

struct SearchPage {
    std::vector<HubModelSummary> models;
    QString nextPage;  // opaque; empty on the last page
};

}  // namespace pagoda::hub
