#include "app/hub/download_queue.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

#include "app/hub/download_manifest.h"
#include "app/hub/model_paths.h"

namespace pagoda::hub {

struct DownloadQueue::Item {
    QString key;
    DownloadRequest request;
    DownloadState state = DownloadState::Resolving;
    bool wasRunning = false;  // loaded from disk in a running state: resumePersisted restarts it
    QString error;
    FailureKind failure = FailureKind::Other;  // with error: what kind of failure
    int httpStatus = 0;
    bool resolved = false;
    HubModelInfo info;  // canonical id and pinned revision once resolved
    QString quant, modelFile;  // GGUF: from the plan
    QString folder;
    std::vector<HubFile> files;
    std::vector<bool> done;
    std::shared_ptr<std::vector<std::atomic<qint64>>> bytes;  // per file, written by its worker
    std::map<size_t, std::shared_ptr<TransferControl>> active;
    std::shared_ptr<const HubClient> client;
    RateMeter rate;

    QString enginePath() const { return modelFile.isEmpty() ? folder : folder + "/" + modelFile; }
};

namespace {

// What this download's manifest says: complete only once every file is verified in place.
DownloadManifest manifestOf(const DownloadRequest& request, const HubModelInfo& info, const std::vector<HubFile>& files,
                            bool complete, const QString& quant, const QString& modelFile) {
    return {request.hub, info.id, info.revision, files, complete, complete ? QDateTime::currentDateTimeUtc() : QDateTime(),
            quant, modelFile};
}

// Speed from the recent samples, and the time the rest takes at that speed.
void applyRate(DownloadProgress& p, const RateMeter& rate) {
    p.bytesPerSecond = rate.bytesPerSecond();
    p.etaSeconds = p.bytesPerSecond > 0 ? qint64(double(p.bytesTotal - p.bytesDone) / p.bytesPerSecond) : -1;
}

QJsonObject toJson(const HubFile& f, bool done) {
    return {{"path", f.path}, {"size", double(f.size)}, {"sha256", f.sha256}, {"gitSha1", f.gitSha1},
            {"lfs", f.lfs},   {"done", done}};
}

}  // namespace

DownloadQueue::DownloadQueue(Options options, QObject* parent) : QObject(parent), m_options(std::move(options)) {
    qRegisterMetaType<pagoda::hub::DownloadProgress>();
    if (m_options.stateFile.isEmpty())
        m_options.stateFile = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/pagoda/downloads.json";
    if (m_options.modelsRoot.isEmpty()) m_options.modelsRoot = hub::modelsRoot();
    m_pool.setMaxThreadCount(m_options.maxParallelFiles + 2);  // + resolves, which are short
    m_progressTimer.setInterval(m_options.progressIntervalMs);
    connect(&m_progressTimer, &QTimer::timeout, this, &DownloadQueue::reportProgress);
    load();
}

DownloadQueue::~DownloadQueue() {
    for (auto& [key, item] : m_items)
        for (auto& [index, control] : item->active) control->requestPause();
    m_pool.waitForDone();
    save();  // states are unchanged, so running downloads resume on the next start
}

QString DownloadQueue::keyFor(HubKind hub, const QString& id) { return hubName(hub) + ":" + id.toLower(); }

QString DownloadQueue::keyFor(const DownloadRequest& request) {
    const QString named = !request.gguf.quant.isEmpty() ? request.gguf.quant : request.gguf.file;
    return keyFor(request.hub, request.id) + (named.isEmpty() ? QString() : ":" + named.toLower());
}

DownloadQueue::Item* DownloadQueue::find(const QString& key) {
    auto it = m_items.find(key);
    return it == m_items.end() ? nullptr : it->second.get();
}

QString DownloadQueue::enqueue(const DownloadRequest& request) {
    const QString key = keyFor(request);
    if (auto valid = validateModelId(request.id); !valid) {
        QMetaObject::invokeMethod(this, [this, key, message = QString::fromStdString(valid.error().message)] {
            emit finished(key, false, message, {});
        }, Qt::QueuedConnection);
        return key;
    }
    Item* item = find(key);
    // A different revision, or a download that completed (its files may have been deleted
    // since): plan again from scratch; files already present and verified are not fetched.
    const bool replan = item && (item->request.revision != request.revision || item->state == DownloadState::Completed);
    if (replan && item->state != DownloadState::Resolving && item->active.empty()) {
        m_items.erase(key);
        item = nullptr;
    }
    if (!item) {
        auto fresh = std::make_unique<Item>();
        fresh->key = key;
        fresh->request = request;
        item = fresh.get();
        m_items[key] = std::move(fresh);
    }
    resume(key);
    return key;
}

void DownloadQueue::resume(const QString& key) {
    Item* item = find(key);
    if (!item || item->state == DownloadState::Completed) return;
    if (!item->active.empty()) {  // still stopping: take the stop back
        for (auto& [index, control] : item->active) control->pause = false, control->stopping = false;
    }
    item->error.clear();
    item->failure = FailureKind::Other;
    item->httpStatus = 0;
    item->wasRunning = false;
    item->client = makeHubClient(m_options.endpointFor(item->request.hub), m_options.transfer.retry);
    item->state = item->resolved ? DownloadState::Downloading : DownloadState::Resolving;
    if (!item->resolved) resolve(*item);
    save();
    emit progress(progressOf(*item));
    schedule();
    if (!m_progressTimer.isActive()) m_progressTimer.start();
}

void DownloadQueue::resumePersisted() {
    for (auto& [key, item] : m_items)
        if (item->wasRunning) resume(key);
}

void DownloadQueue::resolve(Item& item) {
    const QString key = item.key;
    const DownloadRequest request = item.request;
    const QString root = m_options.modelsRoot;
    std::shared_ptr<const HubClient> client = item.client;
    m_pool.start([this, key, request, root, client] {
        HubResult<DownloadPlan> plan = planDownload(*client, request.id, request.revision, request.gguf);
        std::vector<bool> present;
        if (plan) {
            // Files already at their final name from an earlier run count only if their hash still matches.
            const QString folder = root + "/" + hubName(request.hub) + "/" + plan->info.id;
            // Only a verified file ever reaches its final name in Pagoda's folder, so one the
            // manifest lists at this revision with the same hash is trusted at its size (a
            // resumed 15 GB download does not re-read what it finished); anything else at a
            // final name is hashed before it counts.
            const auto manifest = readManifest(folder, plan->quant);
            auto verifiedBefore = [&](const HubFile& f) {
                if (!manifest || manifest->revision != plan->info.revision) return false;
                for (const HubFile& m : manifest->files)
                    if (m.path == f.path && m.sha256 == f.sha256 && m.gitSha1 == f.gitSha1 && m.size == f.size)
                        return QFileInfo(folder + "/" + f.path).size() == f.size;
                return false;
            };
            qint64 remaining = 0;
            for (const HubFile& f : plan->files) {
                const QString path = folder + "/" + f.path;
                const auto matches = !QFileInfo::exists(path) ? Result<bool>(false)
                                     : verifiedBefore(f)      ? Result<bool>(true)
                                                              : fileMatches(path, f);
                const bool ok = matches && *matches;
                present.push_back(ok);
                if (!ok) remaining += std::max<qint64>(f.size, 0) - QFileInfo(path + kIncompleteSuffix).size();
            }
            if (auto space = checkDiskSpace(folder, remaining); !space) plan = HubError(space.error());
        }
        QMetaObject::invokeMethod(this, [this, key, plan = std::move(plan), present = std::move(present)]() mutable {
            onResolved(key, std::move(plan), std::move(present));
        }, Qt::QueuedConnection);
    });
}

void DownloadQueue::onResolved(const QString& key, HubResult<DownloadPlan> plan, std::vector<bool> present) {
    Item* item = find(key);
    if (!item || item->state == DownloadState::Cancelled) return;
    if (!plan)
        return finishItem(*item, DownloadState::Failed, QString::fromStdString(plan.error().message), plan.error().kind,
                          plan.error().httpStatus);
    item->resolved = true;
    item->info = plan->info;
    item->files = plan->files;
    item->quant = plan->quant;
    item->modelFile = plan->modelFile;
    item->done = std::move(present);
    item->folder = m_options.modelsRoot + "/" + hubName(item->request.hub) + "/" + item->info.id;
    item->bytes = std::make_shared<std::vector<std::atomic<qint64>>>(item->files.size());
    for (size_t i = 0; i < item->files.size(); ++i) (*item->bytes)[i] = item->done[i] ? item->files[i].size : 0;
    QDir().mkpath(item->folder);
    if (auto written = writeManifest(item->folder, manifestOf(item->request, item->info, item->files, false, item->quant,
                                                              item->modelFile));
        !written)
        return finishItem(*item, DownloadState::Failed, QString::fromStdString(written.error().message));
    if (!plan->note.isEmpty()) emit planned(key, plan->note);
    if (item->state == DownloadState::Resolving) item->state = DownloadState::Downloading;
    save();
    schedule();
}

void DownloadQueue::schedule() {
    for (auto& [key, item] : m_items) {
        if (item->state != DownloadState::Downloading) continue;
        for (size_t i = 0; i < item->files.size() && m_activeFiles < m_options.maxParallelFiles; ++i)
            if (!item->done[i] && !item->active.count(i)) startFile(*item, i);
        if (std::all_of(item->done.begin(), item->done.end(), [](bool d) { return d; })) {
            if (auto written = writeManifest(item->folder, manifestOf(item->request, item->info, item->files, true,
                                                                      item->quant, item->modelFile));
                !written)
                finishItem(*item, DownloadState::Failed, QString::fromStdString(written.error().message));
            else
                finishItem(*item, DownloadState::Completed, {});
            return schedule();  // finishItem may have changed m_items' states; start the next
        }
    }
}

void DownloadQueue::startFile(Item& item, size_t index) {
    auto control = std::make_shared<TransferControl>();
    item.active[index] = control;
    ++m_activeFiles;
    FileDownload job{nullptr, item.info.id, item.info.revision, item.files[index], item.folder + "/" + item.files[index].path};
    m_pool.start([this, key = item.key, index, job, control, client = item.client, bytes = item.bytes,
                  options = m_options.transfer]() mutable {
        job.hub = client.get();
        auto outcome = downloadFile(job, options, *control, [&](qint64 n) { (*bytes)[index] = n; });
        QMetaObject::invokeMethod(this, [this, key, index, outcome = std::move(outcome)] { onFileDone(key, index, outcome); },
                                  Qt::QueuedConnection);
    });
}

void DownloadQueue::onFileDone(const QString& key, size_t index, HubResult<TransferOutcome> outcome) {
    --m_activeFiles;
    Item* item = find(key);
    if (!item) return schedule();
    item->active.erase(index);
    if (!outcome) {
        if (item->state == DownloadState::Downloading) {
            stopActive(*item, false);  // the other files keep their partial bytes for a retry
            finishItem(*item, DownloadState::Failed, QString::fromStdString(outcome.error().message), outcome.error().kind,
                       outcome.error().httpStatus);
        }
    } else if (*outcome == TransferOutcome::Done) {
        item->done[index] = true;
        save();
    } else if (*outcome == TransferOutcome::Paused && item->state == DownloadState::Downloading) {
        // resume() arrived while this transfer was stopping: it simply starts again below.
    }
    if (item->state == DownloadState::Cancelled) maybeFinishCancel(*item);
    schedule();
}

void DownloadQueue::stopActive(Item& item, bool cancel) {
    for (auto& [index, control] : item.active) cancel ? control->requestCancel() : control->requestPause();
}

void DownloadQueue::pause(const QString& key) {
    Item* item = find(key);
    if (!item || (item->state != DownloadState::Downloading && item->state != DownloadState::Resolving)) return;
    item->state = DownloadState::Paused;
    stopActive(*item, false);
    save();
    emit progress(progressOf(*item));
}

void DownloadQueue::cancel(const QString& key) {
    Item* item = find(key);
    if (!item || item->state == DownloadState::Completed || item->state == DownloadState::Cancelled) return;
    item->state = DownloadState::Cancelled;
    stopActive(*item, true);
    maybeFinishCancel(*item);
}

// Once no worker writes into the folder any more, everything this download wrote goes:
// a cancelled model must not leave files behind that look like a model.
void DownloadQueue::maybeFinishCancel(Item& item) {
    if (!item.active.empty()) return;
    if (!item.folder.isEmpty()) {
        auto manifest = readManifest(item.folder, item.quant);
        // A quant shares its folder with the repo's other quants: only its own files go.
        if (!manifest || !manifest->complete) item.quant.isEmpty() ? void(QDir(item.folder).removeRecursively())
                                                                   : void(removeQuantFiles(item.folder, item.quant));
    }
    finishItem(item, DownloadState::Cancelled, "cancelled");
}

void DownloadQueue::finishItem(Item& item, DownloadState state, const QString& message, FailureKind failure, int httpStatus) {
    item.state = state;
    const bool failed = state == DownloadState::Failed;
    item.error = failed ? message : QString();
    item.failure = failed ? failure : FailureKind::Other;
    item.httpStatus = failed ? httpStatus : 0;
    save();
    emit progress(progressOf(item));
    emit finished(item.key, state == DownloadState::Completed, message, item.enginePath());
}

DownloadProgress DownloadQueue::progressOf(const Item& item) const {
    DownloadProgress p;
    p.key = item.key;
    p.hub = item.request.hub;
    p.modelId = item.resolved ? item.info.id : item.request.id;
    p.folder = item.enginePath();
    p.state = item.state;
    p.error = item.error;
    p.failure = item.failure;
    p.httpStatus = item.httpStatus;
    p.viaMirror = item.client && item.client->connection().endpoint().isMirror;
    p.filesTotal = int(item.files.size());
    p.filesTransferring = int(item.active.size());
    for (size_t i = 0; i < item.files.size(); ++i) {
        p.bytesTotal += std::max<qint64>(item.files[i].size, 0);
        p.bytesDone += item.bytes ? (*item.bytes)[i].load() : 0;
        p.filesDone += item.done[i] ? 1 : 0;
    }
    applyRate(p, item.rate);
    return p;
}

void DownloadQueue::reportProgress() {
    bool any = false;
    for (auto& [key, item] : m_items) {
        if (item->state != DownloadState::Downloading) continue;
        any = true;
        DownloadProgress p = progressOf(*item);
        item->rate.add(std::chrono::steady_clock::now(), p.bytesDone);
        applyRate(p, item->rate);
        emit progress(p);
    }
    if (!any) m_progressTimer.stop();
}

std::vector<DownloadProgress> DownloadQueue::downloads() const {
    std::vector<DownloadProgress> out;
    for (const auto& [key, item] : m_items) out.push_back(progressOf(*item));
    return out;
}

void DownloadQueue::save() const {
    QJsonArray list;
    for (const auto& [key, item] : m_items) {
        if (item->state == DownloadState::Completed || item->state == DownloadState::Cancelled) continue;
        QJsonArray files;
        for (size_t i = 0; i < item->files.size(); ++i) files.append(toJson(item->files[i], item->done[i]));
        list.append(QJsonObject{{"hub", hubName(item->request.hub)}, {"id", item->request.id},
                                {"revision", item->request.revision}, {"quant", item->request.gguf.quant},
                                {"file", item->request.gguf.file}, {"state", downloadStateName(item->state)},
                                {"error", item->error}, {"failure", failureKindName(item->failure)},
                                {"httpStatus", item->httpStatus}, {"resolved", item->resolved},
                                {"canonicalId", item->info.id}, {"pinnedRevision", item->info.revision},
                                {"files", files}});
    }
    QDir().mkpath(QFileInfo(m_options.stateFile).path());
    QSaveFile file(m_options.stateFile);
    if (file.open(QIODevice::WriteOnly)) {
        file.write(QJsonDocument(QJsonObject{{"downloads", list}}).toJson());
        file.commit();
    }
}

void DownloadQueue::load() {
    QFile file(m_options.stateFile);
    if (!file.open(QIODevice::ReadOnly)) return;
    for (const QJsonValue& v : QJsonDocument::fromJson(file.readAll()).object()["downloads"].toArray()) {
        const QJsonObject o = v.toObject();
        const auto hub = parseHubName(o["hub"].toString());
        if (!hub || !validateModelId(o["id"].toString())) continue;  // a damaged entry is dropped, not fatal
        auto item = std::make_unique<Item>();
        item->request = {*hub, o["id"].toString(), o["revision"].toString(), {o["quant"].toString(), o["file"].toString()}};
        item->key = keyFor(item->request);
        const QString state = o["state"].toString();
        item->state = state == "paused" ? DownloadState::Paused : state == "failed" ? DownloadState::Failed : DownloadState::Resolving;
        item->wasRunning = state == "downloading" || state == "resolving";
        item->error = o["error"].toString();
        item->failure = parseFailureKind(o["failure"].toString());
        item->httpStatus = o["httpStatus"].toInt();
        // The file list is planned again on resume (hash checks of finished files included),
        // so a damaged or stale entry can never mark a file done that is not.
        m_items[item->key] = std::move(item);
    }
}

}  // namespace pagoda::hub
