// The Models page against tests/tools/fake_hub.py: search and the catalog, a model's files,
// Download → progress → the library → Load, the download buttons acting on the queue, and
// hub errors shown in words. The first-run welcome has its own suite (welcome_test.cpp).
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QHeaderView>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "app/desktop/desktop_services.h"
#include "tests/desktop/widget_lookup.h"
#include "tests/support/chat_model_dir.h"
#include "tests/support/fake_hub_process.h"
#include "tests/support/patience.h"
#include "tests/support/tiny_gguf.h"  // writeFile
#include "ui/models/download_row.h"
#include "ui/models/downloads_panel.h"
#include "ui/models/library_model.h"
#include "ui/models/library_panel.h"
#include "ui/models/models_page.h"
#include "ui/models/results_model.h"

using namespace pagoda;
using test::child;

namespace {

const char* kModel = "Qwen/Tiny-Chat";
const char* kShard = "model-00002-of-00003.safetensors";

// Both hubs as good as offline while it lives: their address is a loopback port nobody listens on.
struct Offline {
    QByteArray hf = qgetenv("HF_ENDPOINT"), ms = qgetenv("MODELSCOPE_ENDPOINT");
    Offline() {
        const QByteArray closed = test::closedLoopbackUrl().toString().toUtf8();
        qputenv("HF_ENDPOINT", closed);
        qputenv("MODELSCOPE_ENDPOINT", closed);
    }
    ~Offline() { online(); }
    void online() const {
        qputenv("HF_ENDPOINT", hf);
        qputenv("MODELSCOPE_ENDPOINT", ms);
    }
};

}  // namespace

class ModelsPageTest : public QObject {
    Q_OBJECT

    std::unique_ptr<test::FakeHubProcess> m_hub;
    QTemporaryDir m_source;
    QTemporaryDir m_ggufSource;
    std::unique_ptr<QTemporaryDir> m_work;
    std::unique_ptr<DesktopServices> m_services;

    QString folderOf(const QString& id) const { return m_work->path() + "/models/huggingface/" + id; }

    std::unique_ptr<ui::ModelsPage> openPage() {
        auto page = std::make_unique<ui::ModelsPage>(*m_services);
        page->resize(1200, 800);
        page->show();
        return page;
    }

    // Types `text` and presses Enter; returns when the hub has answered.
    static void search(QWidget& page, const QString& text) {
        auto* edit = child<QLineEdit>(page, "searchEdit");
        edit->setText(text);
        QTest::keyClick(edit, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!child<QProgressBar>(page, "searchBusy")->isVisibleTo(&page), test::kPatienceMs);
    }

    // Searches the fake hub, selects `id` and waits for its file list.
    static void selectResult(QWidget& page, const QString& id) {
        search(page, "tiny");
        auto* view = child<QTableView>(page, "resultsView");
        int row = -1;
        for (int r = 0; r < view->model()->rowCount(); ++r)
            if (view->model()->index(r, 0).data(ui::ResultsModel::IdRole).toString() == id) row = r;
        QVERIFY(row >= 0);
        view->selectRow(row);
        QTRY_VERIFY_WITH_TIMEOUT(child<QTableWidget>(page, "filesView")->rowCount() > 0, test::kPatienceMs);
    }

    hub::DownloadState stateOf(const QString& key) const {
        for (const auto& p : m_services->downloads().downloads())
            if (p.key == key) return p.state;
        return hub::DownloadState::Cancelled;
    }

    // The library row of `id` once it is Ready; -1 until then.
    static int readyRow(ui::LibraryModel& library, const QString& id) {
        for (int r = 0; r < library.rowCount(); ++r)
            if (library.modelAt(r).id == id && library.modelAt(r).status == hub::ModelStatus::Ready) return r;
        return -1;
    }

private slots:
    void initTestCase() {
        m_hub = std::make_unique<test::FakeHubProcess>();
        QVERIFY2(m_hub->running(), qPrintable(m_hub->startError()));
        test::makeChatModelDir(m_source.path().toStdString(), "qwen3-gqa7-bf16-sharded");
        m_hub->addRepo(kModel, m_source.path(), QJsonObject{{"downloads", 500}, {"likes", 7}, {"license", "apache-2.0"}});
        m_hub->addRepo("Qwen/Tiny-Chat-2", m_source.path(), QJsonObject{{"downloads", 100}});
        // A GGUF repo (not matched by "tiny") of llama.cpp's own files: a split Q4_K_M and a
        // Q8_0, with the chat model as its base.
        const QString gguf = m_ggufSource.path(), fixtures = PAGODA_SOURCE_DIR "/tests/fixtures/gguf-models/";
        for (const auto& [from, to] : {std::pair{"qwen3-Q4_K_M-split/qwen3-Q4_K_M-split-00001-of-00002.gguf", "small-q4_k_m-00001-of-00002.gguf"},
                                       std::pair{"qwen3-Q4_K_M-split/qwen3-Q4_K_M-split-00002-of-00002.gguf", "small-q4_k_m-00002-of-00002.gguf"},
                                       std::pair{"qwen2-Q8_0/qwen2-Q8_0.gguf", "small-q8_0.gguf"}})
            QVERIFY(QFile::copy(fixtures + from, gguf + "/" + to));
        test::writeFile(gguf + "/README.md", "# Small\n");
        m_hub->addRepo("Quant/Small-GGUF", gguf, QJsonObject{{"base_model", kModel}});
        for (const char* name : {"HF_TOKEN", "HF_HOME", "HF_HUB_CACHE", "MODELSCOPE_API_TOKEN", "MODELSCOPE_CACHE", "MODELSCOPE_DOMAIN"})
            qunsetenv(name);
        qputenv("HF_ENDPOINT", m_hub->hubUrl().toString().toUtf8());
        qputenv("MODELSCOPE_ENDPOINT", m_hub->hubUrl().toString().toUtf8());
    }

    void init() {
        m_hub->reset();
        m_work = std::make_unique<QTemporaryDir>();
        DesktopServices::Options options;
        options.databasePath = m_work->path() + "/chats.db";
        options.downloads.stateFile = m_work->path() + "/downloads.json";
        options.downloads.modelsRoot = m_work->path() + "/models";
        options.downloads.transfer.stallSeconds = 2;
        options.downloads.transfer.retry.firstDelay = std::chrono::milliseconds(100);
        options.downloads.transfer.retry.maxDelay = std::chrono::milliseconds(400);
        options.downloads.progressIntervalMs = 50;
        options.library.pagodaRoot = m_work->path() + "/models";
        options.library.importsFile = m_work->path() + "/imported.json";
        options.library.bundledModel.clear();  // the rows are this test's models only
        m_services = std::make_unique<DesktopServices>(std::move(options));
        m_services->settings().setHub("huggingface");
    }

    void cleanup() { m_services.reset(); }

    void catalogShowsWhenTheSearchIsEmpty() {
        auto catalog = hub::loadCatalog();
        QVERIFY(catalog.ok() && !catalog->empty());
        auto page = openPage();
        auto* view = child<QTableView>(*page, "resultsView");
        QCOMPARE(view->model()->rowCount(), int(catalog->size()));
        const QModelIndex first = view->model()->index(0, ui::ResultsModel::ModelColumn);
        QVERIFY(first.data().toString().contains(catalog->front().name));
        QVERIFY(first.data(Qt::ToolTipRole).toString().contains(catalog->front().summary));  // English UI
        QVERIFY(!view->model()->index(0, ui::ResultsModel::FitColumn).data().toString().isEmpty());
        QVERIFY(!view->model()->index(0, ui::ResultsModel::SizeColumn).data().toString().isEmpty());

        search(*page, "tiny");
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 2, test::kPatienceMs);
        child<QLineEdit>(*page, "searchEdit")->clear();  // the clear button: back to the picks
        QCOMPARE(view->model()->rowCount(), int(catalog->size()));
    }

    void searchFillsResultsAndSelectingShowsTheFiles() {
        auto page = openPage();
        search(*page, "tiny");
        auto* view = child<QTableView>(*page, "resultsView");
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 2, test::kPatienceMs);
        QCOMPARE(view->model()->index(0, 0).data(ui::ResultsModel::IdRole).toString(), QString(kModel));
        QCOMPARE(view->model()->index(0, ui::ResultsModel::DownloadsColumn).data().toString(), QString("500"));
        QVERIFY(!child<QProgressBar>(*page, "searchBusy")->isVisibleTo(page.get()));

        selectResult(*page, kModel);
        auto* files = child<QTableWidget>(*page, "filesView");
        QStringList names;
        for (int r = 0; r < files->rowCount(); ++r) names << files->item(r, 0)->text();
        QVERIFY2(names.contains("config.json") && names.contains(kShard), qPrintable(names.join(',')));
        QVERIFY(!files->item(0, 1)->text().isEmpty());
        QVERIFY(child<QLabel>(*page, "totalSizeLabel")->text().contains("file"));
        QCOMPARE(child<QLabel>(*page, "licenseLabel")->text(), QString("apache-2.0"));
        QVERIFY(child<QLabel>(*page, "detailsMemoryLabel")->text().contains("at least"));
        // The file list's size reaches the results table too.
        QVERIFY(!view->model()->index(0, ui::ResultsModel::SizeColumn).data().toString().isEmpty());
        QVERIFY(child<QPushButton>(*page, "downloadButton")->isEnabled());
    }

    void hubSwitchSearchesModelScopeAndIsRemembered() {
        auto page = openPage();
        auto* combo = child<QComboBox>(*page, "hubCombo");
        combo->setCurrentIndex(combo->findData("modelscope"));
        QCOMPARE(m_services->settings().hub(), QString("modelscope"));
        search(*page, "tiny");
        auto* view = child<QTableView>(*page, "resultsView");
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 2, test::kPatienceMs);
        bool askedModelScope = false;
        for (const QJsonValue& v : m_hub->log()) askedModelScope |= v.toObject()["path"].toString().contains("dolphin");
        QVERIFY(askedModelScope);
        auto again = openPage();  // a new page starts on the hub chosen last
        QCOMPARE(child<QComboBox>(*again, "hubCombo")->currentData().toString(), QString("modelscope"));
    }

    void hubErrorIsShownInlineInWords() {
        m_hub->addFaults({QJsonObject{{"kind", "status"}, {"path", "@/api/models"}, {"status", 403}, {"count", 0}}});
        auto page = openPage();
        search(*page, "tiny");
        auto* status = child<QLabel>(*page, "searchStatus");
        QTRY_VERIFY_WITH_TIMEOUT(status->property("error").toBool(), test::kPatienceMs);
        QVERIFY(status->isVisibleTo(page.get()));
        QVERIFY2(status->text().contains("Could not search Hugging Face") && status->text().contains("403"),
                 qPrintable(status->text()));
        QVERIFY(!child<QProgressBar>(*page, "searchBusy")->isVisibleTo(page.get()));
        QVERIFY(QApplication::topLevelWidgets().size() >= 1 && !QApplication::activeModalWidget());  // no dialog
    }

    // Issue 21 item 8: a failed search looks the same on either hub, even right after a
    // switch: the picks stay listed under a caption that says so, with the error and a Retry
    // above them; Retry asks the hub again.
    void failedSearchKeepsThePicksWithARetryOnEitherHub_data() {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::newRow("to Hugging Face") << "modelscope" << "huggingface";
        QTest::newRow("to ModelScope") << "huggingface" << "modelscope";
    }
    void failedSearchKeepsThePicksWithARetryOnEitherHub() {
        QFETCH(QString, from);
        QFETCH(QString, to);
        m_services->settings().setHub(from);
        auto page = openPage();
        search(*page, "tiny");
        auto* view = child<QTableView>(*page, "resultsView");
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 2, test::kPatienceMs);

        Offline offline;
        auto* combo = child<QComboBox>(*page, "hubCombo");
        combo->setCurrentIndex(combo->findData(to));
        auto* status = child<QLabel>(*page, "searchStatus");
        QTRY_VERIFY_WITH_TIMEOUT(status->property("error").toBool(), test::kPatienceMs);
        QVERIFY(!child<QProgressBar>(*page, "searchBusy")->isVisibleTo(page.get()));
        const auto catalog = hub::loadCatalog().value();
        QCOMPARE(view->model()->rowCount(), int(catalog.size()));
        QVERIFY(view->model()->index(0, 0).data().toString().contains(catalog.front().name));
        QVERIFY2(child<QLabel>(*page, "resultsCaption")->text().startsWith("Pagoda's picks"),
                 qPrintable(child<QLabel>(*page, "resultsCaption")->text()));
        QVERIFY2(status->text().contains("Could not search") && !status->text().contains("127.0.0.1"),
                 qPrintable(status->text()));  // words first; the URL is in the details
        QVERIFY2(status->toolTip().contains("127.0.0.1"), qPrintable(status->toolTip()));
        auto* retry = child<QPushButton>(*page, "searchRetryButton");
        QVERIFY(retry->isVisibleTo(page.get()));

        offline.online();
        QTest::mouseClick(retry, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 2, test::kPatienceMs);
        QVERIFY(!status->property("error").toBool());
        QVERIFY(!retry->isVisibleTo(page.get()));
        QVERIFY(child<QLabel>(*page, "resultsCaption")->text().startsWith("Models on"));
    }

    // The details pane says a failed file list as the search does (words first, the URL in
    // the tooltip) and its Retry reads the list again.
    void failedFileListSaysWhatToDoAndRetries() {
        auto page = openPage();
        search(*page, "tiny");
        auto* view = child<QTableView>(*page, "resultsView");
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 2, test::kPatienceMs);
        Offline offline;
        view->selectRow(0);
        auto* status = child<QLabel>(*page, "detailsStatus");
        QTRY_VERIFY_WITH_TIMEOUT(status->property("error").toBool(), test::kPatienceMs);
        QVERIFY2(status->text().contains("refused the connection") && !status->text().contains("127.0.0.1"),
                 qPrintable(status->text()));
        QVERIFY2(status->toolTip().contains("127.0.0.1"), qPrintable(status->toolTip()));
        auto* retry = child<QPushButton>(*page, "detailsRetryButton");
        QVERIFY(retry->isVisibleTo(page.get()));

        offline.online();
        QTest::mouseClick(retry, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(child<QTableWidget>(*page, "filesView")->rowCount() > 0, test::kPatienceMs);
        QVERIFY(!status->property("error").toBool());
        QVERIFY(!retry->isVisibleTo(page.get()));
    }

    // Issue 21 item 7: a download that failed offline says what to do in words (the URL only
    // in the tooltip) and its Retry starts it again.
    void failedDownloadSaysWhatToDoAndRetries() {
        auto page = openPage();
        auto* downloads = page->findChild<ui::DownloadsPanel*>();
        QString key;
        {
            Offline offline;
            key = m_services->downloads().enqueue({hub::HubKind::HuggingFace, kModel, {}});
            QTRY_COMPARE_WITH_TIMEOUT(stateOf(key), hub::DownloadState::Failed, test::kPatienceMs);
        }
        QTRY_VERIFY_WITH_TIMEOUT(downloads->row(key), test::kPatienceMs);
        ui::DownloadRow* row = downloads->row(key);
        auto* detail = row->findChild<QLabel*>("downloadDetail");
        QTRY_VERIFY_WITH_TIMEOUT(detail->text().contains("ModelScope or hf-mirror.com"), test::kPatienceMs);
        QVERIFY2(!detail->text().contains("127.0.0.1"), qPrintable(detail->text()));
        QVERIFY2(detail->toolTip().contains("127.0.0.1"), qPrintable(detail->toolTip()));
        auto* retry = row->findChild<QPushButton*>("resumeButton");
        QVERIFY(retry->isVisibleTo(row));
        QCOMPARE(retry->text(), QString("Retry"));
        QTest::mouseClick(retry, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(key), hub::DownloadState::Completed, test::kPatienceMs);
    }

    void downloadShowsProgressThenTheLibraryLoadsAndDeletesIt() {
        auto page = openPage();
        selectResult(*page, kModel);
        QTest::mouseClick(child<QPushButton>(*page, "downloadButton"), Qt::LeftButton);
        const QString key = hub::DownloadQueue::keyFor(hub::HubKind::HuggingFace, kModel);
        auto* downloads = page->findChild<ui::DownloadsPanel*>();
        QTRY_VERIFY_WITH_TIMEOUT(downloads->row(key), test::kPatienceMs);
        ui::DownloadRow* row = downloads->row(key);
        auto* library = page->findChild<ui::LibraryPanel*>();
        QTRY_VERIFY_WITH_TIMEOUT(readyRow(library->models(), kModel) >= 0, test::kPatienceMs);
        QCOMPARE(row->progress().state, hub::DownloadState::Completed);
        QCOMPARE(row->findChild<QProgressBar*>("downloadProgress")->value(), 1000);
        QVERIFY(row->findChild<QLabel*>("downloadDetail")->text().contains("Completed"));
        QVERIFY(row->findChild<QPushButton*>("dismissButton")->isVisibleTo(row));

        // The new model is selected: Load reaches Loaded, and the table says which is loaded.
        auto* load = child<QPushButton>(*page, "loadButton");
        QTRY_VERIFY_WITH_TIMEOUT(load->isEnabled(), test::kPatienceMs);
        QTest::mouseClick(load, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(m_services->loader().state(), ModelLoader::State::Loaded, test::kPatienceMs);
        const int r = readyRow(library->models(), kModel);
        QCOMPARE(library->models().index(r, ui::LibraryModel::StatusColumn).data().toString(), QString("loaded"));
        QVERIFY(child<QLabel>(*page, "loadedLabel")->text().contains(kModel));
        QTest::mouseClick(child<QPushButton>(*page, "unloadButton"), Qt::LeftButton);
        QCOMPARE(m_services->loader().state(), ModelLoader::State::Empty);

        // Delete asks first; yes removes the folder.
        QTimer::singleShot(0, [] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (box) box->button(QMessageBox::Yes)->click();
        });
        QTest::mouseClick(child<QPushButton>(*page, "deleteButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(library->models().rowCount(), 0, test::kPatienceMs);
        QVERIFY(!QFileInfo::exists(folderOf(kModel)));
    }

    // A GGUF repo offers its quants, Q4_K_M first chosen; the files and the memory follow the
    // choice, and Download fetches that quant only, which the library then lists by its tag.
    void ggufRepoOffersItsQuantsAndDownloadsTheChosenOne() {
        auto page = openPage();
        search(*page, "small-gguf");
        auto* view = child<QTableView>(*page, "resultsView");
        QCOMPARE(view->model()->rowCount(), 1);
        view->selectRow(0);
        auto* quants = child<QComboBox>(*page, "quantChoice");
        auto* files = child<QTableWidget>(*page, "filesView");
        QTRY_VERIFY_WITH_TIMEOUT(files->rowCount() > 0, test::kPatienceMs);
        QVERIFY(quants->isVisibleTo(page.get()));
        QCOMPARE(quants->count(), 2);
        QCOMPARE(quants->currentData().toString(), QString("Q4_K_M"));
        QVERIFY2(quants->itemText(1).startsWith("Q8_0 — ") && quants->itemText(1).contains("KiB"), qPrintable(quants->itemText(1)));
        QVERIFY2(quants->itemText(0).startsWith("Q4_K_M — ") && quants->itemText(0).contains("586.7 KiB"),
                 qPrintable(quants->itemText(0)));  // the sum of its two parts
        auto fileNames = [&] {
            QStringList names;
            for (int r = 0; r < files->rowCount(); ++r) names << files->item(r, 0)->text();
            return names;
        };
        QCOMPARE(fileNames(), QStringList({"small-q4_k_m-00001-of-00002.gguf", "small-q4_k_m-00002-of-00002.gguf", "README.md"}));
        const QString q4Memory = child<QLabel>(*page, "detailsMemoryLabel")->text();
        QVERIFY2(q4Memory.contains("8K-token context"), qPrintable(q4Memory));  // the base model's shape: KV included

        quants->setCurrentIndex(1);
        QCOMPARE(fileNames(), QStringList({"small-q8_0.gguf", "README.md"}));
        QVERIFY2(child<QLabel>(*page, "totalSizeLabel")->text().contains("in 2 file"),
                 qPrintable(child<QLabel>(*page, "totalSizeLabel")->text()));
        QVERIFY(child<QLabel>(*page, "detailsMemoryLabel")->text().contains("8K-token context"));

        QTest::mouseClick(child<QPushButton>(*page, "downloadButton"), Qt::LeftButton);
        auto* library = page->findChild<ui::LibraryPanel*>();
        auto readyQuant = [&] {
            for (int r = 0; r < library->models().rowCount(); ++r) {
                const hub::LocalModel& m = library->models().modelAt(r);
                if (m.status == hub::ModelStatus::Ready && m.id == "Quant/Small-GGUF") return m.name();
            }
            return QString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(readyQuant(), QString("Quant/Small-GGUF:Q8_0"), test::kPatienceMs);
        QCOMPARE(library->models().rowCount(), 1);
        QVERIFY(!QFileInfo::exists(m_work->path() + "/models/huggingface/Quant/Small-GGUF/small-q4_k_m-00001-of-00002.gguf"));
        // The quant loads in the window, by its file.
        auto* load = child<QPushButton>(*page, "loadButton");
        QTRY_VERIFY_WITH_TIMEOUT(load->isEnabled(), test::kPatienceMs);
        QTest::mouseClick(load, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(m_services->loader().state(), ModelLoader::State::Loaded, test::kPatienceMs);
        QVERIFY(child<QLabel>(*page, "loadedLabel")->text().contains("Quant/Small-GGUF:Q8_0"));
        QTest::mouseClick(child<QPushButton>(*page, "unloadButton"), Qt::LeftButton);
        // Another repo hides the choice again.
        selectResult(*page, kModel);
        QVERIFY(!quants->isVisibleTo(page.get()));
    }

    void pauseResumeAndCancelButtonsActOnTheQueue() {
        // The shard's bytes never come (a gate the test never opens): it is mid-download throughout.
        m_hub->addFaults({QJsonObject{{"kind", "gate"}, {"path", kShard}, {"count", 0}}});
        auto page = openPage();
        auto* downloads = page->findChild<ui::DownloadsPanel*>();
        const QString key = m_services->downloads().enqueue({hub::HubKind::HuggingFace, kModel, {}});
        QTRY_VERIFY_WITH_TIMEOUT(downloads->row(key) && stateOf(key) == hub::DownloadState::Downloading,
                                 test::kPatienceMs);
        ui::DownloadRow* row = downloads->row(key);
        auto* pause = row->findChild<QPushButton*>("pauseButton");
        auto* resume = row->findChild<QPushButton*>("resumeButton");
        QTRY_VERIFY_WITH_TIMEOUT(pause->isVisibleTo(row), test::kPatienceMs);
        QTest::mouseClick(pause, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(key), hub::DownloadState::Paused, test::kPatienceMs);
        QTRY_VERIFY_WITH_TIMEOUT(resume->isVisibleTo(row) && !pause->isVisibleTo(row), test::kPatienceMs);
        QVERIFY(row->findChild<QLabel*>("downloadDetail")->text().contains("Paused"));

        QTest::mouseClick(resume, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(key) == hub::DownloadState::Downloading, test::kPatienceMs);
        QTest::mouseClick(row->findChild<QPushButton*>("cancelButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(key), hub::DownloadState::Cancelled, test::kPatienceMs);
        QTRY_VERIFY_WITH_TIMEOUT(!downloads->row(key), test::kPatienceMs);  // nothing left to show
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(folderOf(kModel)), test::kPatienceMs);
    }

    void importedFolderJoinsTheLibrary() {
        QTemporaryDir folder;
        test::makeChatModelDir(folder.path().toStdString());
        auto page = openPage();
        auto* library = page->findChild<ui::LibraryPanel*>();
        library->importFolder(folder.path());
        QTRY_VERIFY_WITH_TIMEOUT(library->models().rowCount() == 1, test::kPatienceMs);
        QCOMPARE(library->models().modelAt(0).source, hub::ModelSource::Imported);
        QCOMPARE(library->models().modelAt(0).status, hub::ModelStatus::Ready);
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(*page, "loadButton")->isEnabled(),
                                 test::kPatienceMs);  // selected after import
    }

    // Selecting a model of the library fills the details pane with what Pagoda knows of it,
    // in a pane as narrow as a laptop leaves; nothing there to download.
    void libraryModelShowsItsDetails() {
        QTemporaryDir folder;
        test::makeChatModelDir(folder.path().toStdString());
        auto page = openPage();
        page->resize(1000, 600);
        auto* library = page->findChild<ui::LibraryPanel*>();
        library->importFolder(folder.path());
        QTRY_VERIFY_WITH_TIMEOUT(library->models().rowCount() == 1, test::kPatienceMs);
        const hub::LocalModel model = library->models().modelAt(0);
        QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>(*page, "detailsTitle")->text(), model.name(), test::kPatienceMs);
        QVERIFY(child<QLabel>(*page, "architectureLabel")->text().contains(model.architecture));
        const QString weights = child<QLabel>(*page, "weightsLabel")->text();
        QVERIFY2(weights.contains(model.dtype) && weights.contains(hub::formatBytes(model.sizeOnDisk)), qPrintable(weights));
        QCOMPARE(child<QLabel>(*page, "locationLabel")->text(), model.folder);
        QVERIFY2(child<QLabel>(*page, "detailsMemoryLabel")->text().contains(hub::formatBytes(
                     hub::estimateMemory(model.shape, hub::kFitContextTokens, 0).totalBytes)),
                 qPrintable(child<QLabel>(*page, "detailsMemoryLabel")->text()));
        QVERIFY(!child<QLabel>(*page, "contextLabel")->text().isEmpty());
        QVERIFY(!child<QPushButton>(*page, "downloadButton")->isVisible());
        QVERIFY(!child<QTableWidget>(*page, "filesView")->isVisible());
        QVERIFY(!child<QLabel>(*page, "hubLinkLabel")->isVisible());  // an import has no hub page
        QVERIFY(child<QLabel>(*page, "locationLabel")->isVisible());
    }

    // The pane follows the last click, between the hub's results and My models, even when the
    // row clicked was already selected.
    void detailsFollowTheLastClickedModel() {
        QTemporaryDir folder;
        test::makeChatModelDir(folder.path().toStdString());
        auto page = openPage();
        auto* library = page->findChild<ui::LibraryPanel*>();
        library->importFolder(folder.path());
        QTRY_VERIFY_WITH_TIMEOUT(library->models().rowCount() == 1, test::kPatienceMs);
        const QString local = library->models().modelAt(0).name();
        search(*page, "tiny");
        auto* results = child<QTableView>(*page, "resultsView");
        auto* libraryView = child<QTableView>(*page, "libraryView");
        const auto click = [](QTableView* view, int row) {
            const QRect cell = view->visualRect(view->model()->index(row, 0));
            QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
        };
        auto* title = child<QLabel>(*page, "detailsTitle");
        click(results, 0);
        const QString hubTitle = title->text();
        QVERIFY(hubTitle != local);
        click(libraryView, 0);
        QTRY_COMPARE_WITH_TIMEOUT(title->text(), local, test::kPatienceMs);
        click(results, 0);
        QTRY_COMPARE_WITH_TIMEOUT(title->text(), hubTitle, test::kPatienceMs);
        click(libraryView, 0);  // still the selected row there
        QTRY_COMPARE_WITH_TIMEOUT(title->text(), local, test::kPatienceMs);
    }

    // On a laptop-sized page no short column is cut; the name column takes the rest and
    // shortens a long name in the middle, the whole name in its tooltip.
    void columnsFitAndLongNamesAreElidedInTheMiddle() {
        QTemporaryDir folder;
        test::makeChatModelDir(folder.path().toStdString());
        auto page = openPage();
        page->resize(1000, 600);
        search(*page, "tiny");
        auto* library = page->findChild<ui::LibraryPanel*>();
        library->importFolder(folder.path());
        QTRY_VERIFY_WITH_TIMEOUT(library->models().rowCount() == 1, test::kPatienceMs);
        QCoreApplication::processEvents();
        for (const char* name : {"resultsView", "libraryView"}) {
            auto* view = child<QTableView>(*page, name);
            QHeaderView* header = view->horizontalHeader();
            QCOMPARE(view->textElideMode(), Qt::ElideMiddle);
            QCOMPARE(header->sectionResizeMode(0), QHeaderView::Stretch);
            for (int column = 1; column < view->model()->columnCount(); ++column) {
                const int needed = std::max(static_cast<QAbstractItemView*>(view)->sizeHintForColumn(column),
                                            header->sectionSizeHint(column));
                QVERIFY2(header->sectionSize(column) >= needed,
                         qPrintable(QString("%1 column %2 is %3 px, needs %4").arg(name).arg(column)
                                        .arg(header->sectionSize(column)).arg(needed)));
            }
        }
        const hub::LocalModel model = library->models().modelAt(0);
        QVERIFY(library->models().index(0, ui::LibraryModel::ModelColumn).data(Qt::ToolTipRole).toString().contains(model.name()));
    }
};

QTEST_MAIN(ModelsPageTest)
#include "models_page_test.moc"
