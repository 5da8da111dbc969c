#include "app/cli/search_command.h"

#include <QTextStream>

#include "app/cli/hub_options.h"
#include "app/hub/hub_client.h"
#include "app/hub/memory_estimate.h"
#include "app/hub/model_catalog.h"
#include "app/hub/repo_quants.h"

namespace pagoda::cli {

namespace {

// Without search text: the curated catalog, with whether each model fits this machine at
// an 8K context, so a first-time user has a list to pick from without knowing any names.
int printCatalog(hub::HubKind kind, QTextStream& out, QTextStream& err) {
    auto catalog = hub::loadCatalog();
    if (!catalog) {
        err << "pagoda search: " << QString::fromStdString(catalog.error().message) << "\n";
        return 1;
    }
    const qint64 available = hub::availableMemoryBytes();
    out << QString("%1  %2  %3  %4  %5\n").arg("MODEL", -30).arg("DOWNLOAD", 10).arg("CONTEXT", 7).arg("MEMORY@8K", -22).arg("LICENSE");
    for (const auto& entry : *catalog) {
        const auto estimate = hub::estimateMemory(entry.shape, hub::kFitContextTokens, available);
        out << QString("%1  %2  %3  %4  %5\n")
                   .arg(entry.idOn(kind), -30)
                   .arg(hub::formatBytes(entry.downloadBytes), 10)
                   .arg(entry.contextLength, 7)
                   .arg(hub::formatBytes(estimate.totalBytes) + " (" + hub::fitLabel(estimate.fit) + ")", -22)
                   .arg(entry.license);
    }
    err << "Pagoda's picks on " << hub::hubDisplayName(kind) << "; `pagoda search TEXT` searches the hub.\n";
    return 0;
}

// A GGUF repo's quants under its row: size (the sum of its parts) and the memory estimate
// at an 8K context against this machine, so the choice of a tag is an informed one.
void printQuants(const hub::HubClient& client, const QString& id, QTextStream& out) {
    auto repo = hub::fetchRepoQuants(client, id);
    if (!repo) {
        out << "    (quantizations unavailable: " << QString::fromStdString(repo.error().message) << ")\n";
        return;
    }
    const qint64 available = hub::availableMemoryBytes();
    for (const hub::GgufQuant& q : repo->quants) {
        const auto estimate = hub::estimateQuant(*repo, q, hub::kFitContextTokens, available);
        out << QString("    %1  %2  %3%4\n")
                   .arg(":" + q.tag, -14)
                   .arg(hub::formatBytes(q.bytes), 10)
                   .arg(hub::formatBytes(estimate.totalBytes) + " (" + hub::fitLabel(estimate.fit) + ")", -22)
                   .arg(q.parts.size() > 1 ? QString("  %1 parts").arg(q.parts.size()) : QString());
    }
    if (!repo->shape) out << "    (no config.json here or in a base model: the memory column leaves out the KV cache)\n";
}

}  // namespace

int runSearch(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Search a hub for text-generation models Pagoda can download (safetensors and GGUF). Under each GGUF "
        "repository (the first few, see --quants) its quantizations: the :TAG to pull, the download size and the "
        "memory it needs at an 8K context, with whether that fits this machine.");
    parser.addHelpOption();
    parser.addPositionalArgument("text", "Part of the model id, e.g. Qwen2.5 or glm-4. Without it: Pagoda's curated list.");
    addHubOptions(parser);
    parser.addOptions({{"author", "Only this owner, e.g. Qwen or zai-org.", "owner"},
                       {"sort", "downloads (default), likes or lastModified.", "key", "downloads"},
                       {"limit", "How many results (default 20).", "n", "20"},
                       {"quants", "List the quantizations of this many GGUF results (default 5; 0: none).", "n", "5"}});
    parser.process(arguments);

    QTextStream err(stderr), out(stdout);
    auto fail = [&](const QString& message) {
        err << "pagoda search: " << message << "\n";
        return 1;
    };
    auto endpoint = readHubEndpoint(parser);
    if (!endpoint) return fail(QString::fromStdString(endpoint.error().message));
    bool ok = false;
    const int limit = parser.value("limit").toInt(&ok);
    if (!ok || limit < 1 || limit > 1000) return fail("--limit must be between 1 and 1000");
    int quantRepos = parser.value("quants").toInt(&ok);
    if (!ok || quantRepos < 0) return fail("--quants must be a number of repositories, 0 or more");
    const QString sort = parser.value("sort");
    if (sort != "downloads" && sort != "likes" && sort != "lastModified") return fail("--sort: use downloads, likes or lastModified");

    if (parser.positionalArguments().isEmpty() && !parser.isSet("author")) return printCatalog(endpoint->kind, out, err);

    auto client = hub::makeHubClient(*endpoint);
    hub::SearchQuery query{parser.positionalArguments().join(' '), parser.value("author"), sort, std::min(limit, 100)};
    std::vector<hub::HubModelSummary> found;
    QString page;
    do {  // page through until the limit: the hubs' pages are smaller than what was asked
        auto result = client->search(query, page);
        if (!result) return fail(describeHubFailure(result.error(), *endpoint));
        for (auto& m : result->models)
            if (int(found.size()) < limit) found.push_back(m);
        page = result->nextPage;
    } while (!page.isEmpty() && int(found.size()) < limit);

    if (found.empty()) {
        err << "No models found on " << hub::hubDisplayName(endpoint->kind) << ".\n";
        return 0;
    }
    int width = 20;
    for (const auto& m : found) width = std::max(width, int(m.id.size()));
    out << QString("%1  %2  %3  %4\n").arg("MODEL", -width).arg("DOWNLOADS", 10).arg("LIKES", 7).arg("UPDATED");
    for (const auto& m : found) {
        const bool gguf = m.tags.contains("gguf", Qt::CaseInsensitive) && !m.tags.contains("safetensors", Qt::CaseInsensitive);
        out << QString("%1  %2  %3  %4%5%6\n")
                   .arg(m.id, -width)
                   .arg(m.downloads, 10)
                   .arg(m.likes, 7)
                   .arg(m.lastModified.left(10))
                   .arg(gguf ? "  GGUF" : "")
                   .arg(m.displayName.isEmpty() ? QString() : "  " + m.displayName);
        if (gguf && quantRepos > 0) {
            --quantRepos;
            printQuants(*client, m.id, out);
        }
    }
    err << "Download one with: pagoda pull " << found.front().id
        << (endpoint->kind == hub::HubKind::ModelScope ? " --hub modelscope" : "") << "\n";
    return 0;
}

}  // namespace pagoda::cli
