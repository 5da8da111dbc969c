// A new user's whole first session through the real window, against the fake hub: find a
// model on the Models page, download it, see it in the library, load it, and chat with it.
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "app/chat/conversation_session.h"
#include "app/desktop/desktop_services.h"
#include "tests/desktop/widget_lookup.h"
#include "tests/support/chat_model_dir.h"
#include "tests/support/fake_hub_process.h"
#include "tests/support/patience.h"
#include "ui/chat/message_widget.h"
#include "ui/main_window.h"
#include "ui/models/library_model.h"
#include "ui/models/results_model.h"

using namespace pagoda;
using test::child;

namespace {

const char* kModel = "Qwen/Tiny-Chat";


}  // namespace

class FirstChatTest : public QObject {
    Q_OBJECT

private slots:
    void searchDownloadLoadAndChat() {
        test::FakeHubProcess hub;
        QVERIFY2(hub.running(), qPrintable(hub.startError()));
        QTemporaryDir source;
        test::makeChatModelDir(source.path().toStdString());
        hub.addRepo(kModel, source.path(), QJsonObject{{"downloads", 42}});
        for (const char* name : {"HF_TOKEN", "HF_HOME", "HF_HUB_CACHE"}) qunsetenv(name);
        qputenv("HF_ENDPOINT", hub.hubUrl().toString().toUtf8());

        DesktopServices services;  // the real defaults: the suite's own XDG folders
        services.settings().setFirstRunDone(true);
        ui::MainWindow window(services);
        window.resize(1280, 820);
        window.show();

        // Models page: search, pick the result, see its files, download.
        window.showPage(ui::MainWindow::Page::Models);
        auto* search = child<QLineEdit>(window, "searchEdit");
        search->setText("tiny");
        QTest::keyClick(search, Qt::Key_Return);
        auto* results = child<QTableView>(window, "resultsView");
        QTRY_VERIFY_WITH_TIMEOUT(results->model()->rowCount() == 1 &&
                                     results->model()->index(0, 0).data(ui::ResultsModel::IdRole).toString() == kModel,
                                 test::kPatienceMs);
        results->selectRow(0);
        QTRY_VERIFY_WITH_TIMEOUT(child<QTableWidget>(window, "filesView")->rowCount() > 0, test::kPatienceMs);
        auto* download = child<QPushButton>(window, "downloadButton");
        QTRY_VERIFY_WITH_TIMEOUT(download->isEnabled(), test::kPatienceMs);
        QSignalSpy finished(&services.downloads(), &hub::DownloadQueue::finished);
        QTest::mouseClick(download, Qt::LeftButton);
        QVERIFY(finished.wait(test::kPatienceMs));
        QVERIFY2(finished.first().at(1).toBool(), qPrintable(finished.first().at(2).toString()));

        // The library lists it as ready; Load.
        auto* library = child<QTableView>(window, "libraryView");
        auto* libraryModel = qobject_cast<ui::LibraryModel*>(library->model());
        QVERIFY(libraryModel);
        // A finished download refreshes the library and selects the new model.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QModelIndex current = library->currentIndex();
                return current.isValid() && libraryModel->modelAt(current.row()).id == kModel &&
                       libraryModel->modelAt(current.row()).status == hub::ModelStatus::Ready;
            }(),
            test::kPatienceMs);
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(window, "loadButton")->isEnabled(), test::kPatienceMs);
        QSignalSpy loaded(&services.loader(), &ModelLoader::loadFinished);
        QTest::mouseClick(child<QPushButton>(window, "loadButton"), Qt::LeftButton);
        QVERIFY(loaded.wait(test::kPatienceMs));
        QVERIFY2(loaded.first().at(0).toBool(), qPrintable(loaded.first().at(1).toString()));
        QCOMPARE(services.loader().model()->id, QString(kModel));

        // Chat with it.
        window.showPage(ui::MainWindow::Page::Chat);
        store::GenerationSettings settings = window.session().conversation().settings;
        settings.maxTokens = 16;
        window.session().setSettings(settings);
        auto* composer = child<QPlainTextEdit>(window, "composer");
        composer->setFocus();
        QTest::keyClicks(composer, "Hello, new model");
        QTest::keyClick(composer, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!window.session().isGenerating(), test::kPatienceMs);
        const auto path = window.session().conversation().currentPath();
        QCOMPARE(path.size(), size_t(2));
        QCOMPARE(path[1]->stats.model, QString(kModel));  // the library id, not the folder name
        QVERIFY(path[1]->stats.completionTokens > 0);
        QCOMPARE(window.findChildren<ui::MessageWidget*>().size(), 2);
    }
};

QTEST_MAIN(FirstChatTest)
#include "first_chat_test.moc"
