// The app's one download service (the CLI's `pull` and the model browser share it): model
// downloads from either hub, several files at once on worker threads, with pause, resume
// and cancel. The queue is persisted, so downloads that were running when the app stopped
// or crashed resume on the next start. Lives on one thread (the GUI's or the CLI's); all
// network and disk work happens on its pool, and results come back as queued calls.
#pragma once

#include <functional>
#include <map>
#include <memory>

#include <QObject>
#include <QTimer>
#include <QThreadPool>

#include "app/hub/download_plan.h"
#include "app/hub/download_progress.h"
#include "app/hub/file_transfer.h"

namespace pagoda::hub {

struct DownloadRequest {
    HubKind hub = HubKind::HuggingFace;
    QString id;        // owner/name
    QString revision;  // empty: the default branch
    GgufSelection gguf = {};  // GGUF repos: which quant (empty: the default one)
};

struct DownloadQueueOptions {
    int maxParallelFiles = 4;
    TransferOptions transfer;
    std::function<HubEndpoint(HubKind)> endpointFor = HubEndpoint::fromEnvironment;
    QString stateFile;   // default: <GenericDataLocation>/pagoda/downloads.json
    QString modelsRoot;  // default: modelsRoot()
    int progressIntervalMs = 250;
};

class DownloadQueue : public QObject {
    Q_OBJECT
public:
    using Options = DownloadQueueOptions;
    explicit DownloadQueue(Options options = Options(), QObject* parent = nullptr);
    ~DownloadQueue() override;  // pauses what runs (partial files are kept) and waits for the workers

    // Starts (or continues) a download and returns its key; the outcome arrives as finished().
    QString enqueue(const DownloadRequest& request);
    void pause(const QString& key);
    void resume(const QString& key);  // also retries a failed download
    void cancel(const QString& key);  // stops and deletes what this download wrote
    // Restarts the downloads that were running when the queue was last saved.
    void resumePersisted();

    std::vector<DownloadProgress> downloads() const;
    static QString keyFor(HubKind hub, const QString& id);
    // keyFor(hub, id), plus ":<quant>" or ":<file>" (lower-case) when the request names one:
    // two quants of one GGUF repo are two downloads.
    static QString keyFor(const DownloadRequest& request);

signals:
    void progress(const pagoda::hub::DownloadProgress& progress);
    // The hub answered and the files are chosen; `note` says what was taken when the
    // request left the choice to Pagoda (a GGUF repo's default quant), else it is empty.
    void planned(const QString& key, const QString& note);
    // ok: the model is complete and verified; `folder` is what the engine loads (the model's
    // folder, or for a GGUF quant its first .gguf file); otherwise `message` says why.
    void finished(const QString& key, bool ok, const QString& message, const QString& folder);

private:
    struct Item;
    Item* find(const QString& key);
    void resolve(Item& item);
    void onResolved(const QString& key, HubResult<DownloadPlan> plan, std::vector<bool> present);
    void schedule();
    void startFile(Item& item, size_t index);
    void onFileDone(const QString& key, size_t index, HubResult<TransferOutcome> outcome);
    void finishItem(Item& item, DownloadState state, const QString& message, FailureKind failure = FailureKind::Other,
                    int httpStatus = 0);
    void stopActive(Item& item, bool cancel);
    void maybeFinishCancel(Item& item);
    void reportProgress();
    DownloadProgress progressOf(const Item& item) const;
    void save() const;
    void load();

    Options m_options;
    QThreadPool m_pool;
    QTimer m_progressTimer;
    std::map<QString, std::unique_ptr<Item>> m_items;
    int m_activeFiles = 0;
};

}  // namespace pagoda::hub
