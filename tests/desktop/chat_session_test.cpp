// The conversation session end to end below the widgets: a real tiny model on the engine
// thread, the real SQLite store on its thread, and a real OpenAI-compatible server on
// loopback for remote endpoints. Every answer is streamed, stored and branched as a user sees.
#include <QFile>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/api/api_server.h"
#include "app/chat/conversation_session.h"
#include "app/chat/remote_chat_generator.h"
#include "app/desktop/desktop_services.h"
#include "tests/support/chat_model_dir.h"
#include "tests/support/patience.h"

using namespace pagoda;

namespace {

hub::LocalModel readyModel(const DesktopServices& services, const QString& folder) {
    auto model = services.library().find(folder);
    if (!model) qFatal("fixture model not found");
    return *model;
}

store::GenerationSettings longAnswers() {
    store::GenerationSettings settings;
    settings.temperature = 0;  // greedy: the random fixture rarely stops, so answers are long
    settings.maxTokens = 48;
    return settings;
}

}  // namespace

class ChatSessionTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_modelDir;
    QTemporaryDir m_dataDir;
    QString m_dbPath;

    std::unique_ptr<DesktopServices> makeServices() {
        DesktopServices::Options options;
        options.databasePath = m_dbPath;
        return std::make_unique<DesktopServices>(std::move(options));
    }

    void loadModel(DesktopServices& services) {
        QSignalSpy loaded(&services.loader(), &ModelLoader::loadFinished);
        services.loader().load(readyModel(services, m_modelDir.path()), services.settings().engine());
        QVERIFY(loaded.wait(test::kPatienceMs));
        QVERIFY2(loaded.first().at(0).toBool(), qPrintable(loaded.first().at(1).toString()));
    }

    static chat::ConversationSession::GeneratorFor generatorsOf(DesktopServices& services) {
        return [&services](const store::GenerationSettings& s) { return services.generatorFor(s); };
    }

    static void waitIdle(chat::ConversationSession& session) {
        QTRY_VERIFY_WITH_TIMEOUT(!session.isGenerating(), test::kPatienceMs);
    }

    static store::Conversation reload(const QString& dbPath, const QString& id) {
        store::ConversationStore store;
        if (!store.open(dbPath)) qFatal("cannot reopen the store");
        auto loaded = store.load(id);
        if (!loaded) qFatal("conversation not stored: %s", loaded.error().message.c_str());
        return *loaded;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_modelDir.isValid() && m_dataDir.isValid());
        test::makeChatModelDir(m_modelDir.path().toStdString());
        m_dbPath = m_dataDir.filePath("conversations.sqlite");
    }

    void sendStreamsTheAnswerAndStoresIt() {
        auto services = makeServices();
        loadModel(*services);
        chat::ConversationSession session(services->store(), generatorsOf(*services));
        session.startNew(longAnswers());
        QSignalSpy updates(&session, &chat::ConversationSession::messageUpdated);
        session.send("Hello there");
        QVERIFY(session.isGenerating());
        waitIdle(session);
        QVERIFY2(updates.count() > 1, "the answer arrived in one piece, not streamed");

        const auto path = session.conversation().currentPath();
        QCOMPARE(path.size(), size_t(2));
        QCOMPARE(path[0]->content, QString("Hello there"));
        QCOMPARE(path[1]->role, store::Role::Assistant);
        QVERIFY(!path[1]->content.isEmpty() || !path[1]->reasoning.isEmpty());
        const store::MessageStats& stats = path[1]->stats;
        QCOMPARE(stats.completionTokens, 48);
        QCOMPARE(stats.finishReason, QString("length"));
        QVERIFY(stats.promptTokens > 0 && stats.contextLimit > stats.promptTokens);
        QVERIFY(stats.tokensPerSecond > 0 && stats.timeToFirstToken > 0);

        services->store().flush();
        const store::Conversation stored = reload(m_dbPath, session.conversation().id);
        QCOMPARE(stored.title, QString("Hello there"));
        QCOMPARE(stored.currentLeafId, path[1]->id);
        QCOMPARE(stored.find(path[1]->id)->content, path[1]->content);
        QCOMPARE(stored.find(path[1]->id)->stats, stats);
    }

    void stopEndsTheAnswerAndKeepsWhatArrived() {
        auto services = makeServices();
        loadModel(*services);
        chat::ConversationSession session(services->store(), generatorsOf(*services));
        auto settings = longAnswers();
        settings.maxTokens = 100000;  // clipped to the context: only stop can end it soon
        // The fixture writes its ~2000 tokens in well under a second, so a machine busy enough
        // to hold this thread back that long lets the answer end by itself first ("length"):
        // then the stop came too late to tell, and the test asks again, up to three times.
        const store::Message* answer = nullptr;
        for (int attempt = 0; attempt < 3 && (!answer || answer->stats.finishReason == "length"); ++attempt) {
            session.startNew(settings);
            QSignalSpy updates(&session, &chat::ConversationSession::messageUpdated);
            session.send("Tell me everything");
            QVERIFY(updates.wait(test::kPatienceMs));
            session.stop();
            waitIdle(session);
            answer = session.conversation().currentPath().back();
        }
        QCOMPARE(answer->stats.finishReason, QString("abort"));
        QVERIFY(answer->stats.completionTokens < answer->stats.contextLimit - answer->stats.promptTokens);
        services->store().flush();
        QCOMPARE(reload(m_dbPath, session.conversation().id).find(answer->id)->stats.finishReason, QString("abort"));
    }

    void regenerateAndEditBranchInsteadOfErasing() {
        auto services = makeServices();
        loadModel(*services);
        chat::ConversationSession session(services->store(), generatorsOf(*services));
        session.startNew(longAnswers());
        session.send("First question");
        waitIdle(session);
        const QString question = session.conversation().currentPath()[0]->id;
        const QString firstAnswer = session.conversation().currentPath()[1]->id;

        QSignalSpy errors(&session, &chat::ConversationSession::errorOccurred);
        session.regenerate(firstAnswer);
        waitIdle(session);
        QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(0).toString()));
        const QString secondAnswer = session.conversation().currentLeafId;
        QVERIFY(secondAnswer != firstAnswer);
        QCOMPARE(session.conversation().siblings(secondAnswer).size(), size_t(2));
        QCOMPARE(session.conversation().find(secondAnswer)->parentId, question);

        session.editAndResend(question, "Edited question");
        waitIdle(session);
        const auto path = session.conversation().currentPath();
        QCOMPARE(path.size(), size_t(2));
        QCOMPARE(path[0]->content, QString("Edited question"));
        QCOMPARE(session.conversation().siblings(path[0]->id).size(), size_t(2));
        QCOMPARE(session.conversation().messages.size(), size_t(5));  // nothing erased

        // Back to the original question: its newest answer is shown.
        session.switchBranch(path[0]->id, -1);
        QCOMPARE(session.conversation().currentPath()[0]->id, question);
        QCOMPARE(session.conversation().currentLeafId, secondAnswer);

        services->store().flush();
        const store::Conversation stored = reload(m_dbPath, session.conversation().id);
        QCOMPARE(stored.messages.size(), size_t(5));
        QCOMPARE(stored.currentLeafId, secondAnswer);
    }

    void conversationSurvivesARestart() {
        QString id;
        QString answer;
        {
            auto services = makeServices();
            loadModel(*services);
            chat::ConversationSession session(services->store(), generatorsOf(*services));
            session.startNew(longAnswers());
            session.send("Remember me");
            waitIdle(session);
            id = session.conversation().id;
            answer = session.conversation().currentPath().back()->content;
        }  // services gone: the store thread finished its writes
        auto services = makeServices();
        std::vector<store::ConversationSummary> listed;
        services->store().fetch<std::vector<store::ConversationSummary>>(
            [](store::ConversationStore& store) { return store.list("remember").value(); }, this,
            [&](std::vector<store::ConversationSummary> found) { listed = std::move(found); });
        QTRY_VERIFY_WITH_TIMEOUT(!listed.empty(), test::kPatienceMs);
        QCOMPARE(listed.front().id, id);
        const store::Conversation restored = reload(m_dbPath, id);
        QCOMPARE(restored.currentPath().back()->content, answer);
    }

    // Unloading (or reloading with new settings) mid-answer ends the answer with a reason
    // instead of leaving the window waiting forever.
    void unloadingMidAnswerEndsIt() {
        auto services = makeServices();
        chat::ConversationSession session(services->store(), generatorsOf(*services));
        auto settings = longAnswers();
        settings.maxTokens = 100000;
        // On a loaded machine the fixture's whole answer can be done before the unload is
        // handled; then there is nothing to end. A few tries, one of them mid-answer.
        int errorsSeen = 0;
        for (int attempt = 0; attempt < 5 && errorsSeen == 0; ++attempt) {
            loadModel(*services);
            session.startNew(settings);
            QSignalSpy updates(&session, &chat::ConversationSession::messageUpdated);
            QSignalSpy errors(&session, &chat::ConversationSession::errorOccurred);
            session.send("Tell me everything");  // greedy on the fixture: a long answer
            QVERIFY(updates.wait(test::kPatienceMs));
            services->loader().unload();
            QTRY_VERIFY_WITH_TIMEOUT(!session.isGenerating(), test::kPatienceMs);
            const auto* answer = session.conversation().currentPath().back();
            errorsSeen = int(errors.count());
            if (errorsSeen == 0) continue;
            QCOMPARE(errorsSeen, 1);
            QVERIFY(errors.first().at(0).toString().contains("unloaded"));
            QCOMPARE(answer->stats.finishReason, QString("error"));
        }
        QCOMPARE(errorsSeen, 1);
    }

    void noModelGivesAClearErrorAndNoEmptyAnswer() {
        auto services = makeServices();
        chat::ConversationSession session(services->store(), generatorsOf(*services));
        session.startNew(longAnswers());
        QSignalSpy errors(&session, &chat::ConversationSession::errorOccurred);
        session.send("Anyone there?");
        QVERIFY(errors.wait(test::kPatienceMs));
        QVERIFY(errors.first().at(0).toString().contains("No model is loaded"));
        QCOMPARE(session.conversation().currentPath().size(), size_t(1));  // the question stays
        QVERIFY(!session.isGenerating());
    }

    // "Another Pagoda" as a remote endpoint: a real ApiServer on loopback serves the model,
    // the session talks to it over HTTP with a key, streaming.
    void remoteEndpointStreamsFromAnOpenAiServer() {
        EngineHost remoteHost;
        EngineOptions options;
        options.modelDir = m_modelDir.path().toStdString();
        options.kvCacheMemoryBytes = size_t(64) << 20;
        QVERIFY(remoteHost.load(options).ok());
        ApiServerOptions serverOptions;
        serverOptions.port = 0;
        serverOptions.apiKeys = {"sk-remote"};
        ApiServer server(remoteHost, serverOptions);
        QVERIFY(server.start().ok());

        auto services = makeServices();  // no local model: everything goes over HTTP
        chat::ConversationSession session(services->store(), generatorsOf(*services));
        auto settings = longAnswers();
        settings.endpointUrl = QString("http://127.0.0.1:%1").arg(server.port());  // "/v1" is added
        settings.endpointKey = "sk-remote";
        session.startNew(settings);
        QSignalSpy updates(&session, &chat::ConversationSession::messageUpdated);
        session.send("Hello remote");
        waitIdle(session);
        QVERIFY2(updates.count() > 1, "the remote answer was not streamed");
        const store::Message* answer = session.conversation().currentPath().back();
        QCOMPARE(answer->role, store::Role::Assistant);
        QCOMPARE(answer->stats.completionTokens, 48);
        QCOMPARE(answer->stats.finishReason, QString("length"));
        QCOMPARE(answer->stats.model, remoteHost.modelName());

        // A wrong key: the server's own error text reaches the user, nothing half-written stays.
        settings.endpointKey = "sk-wrong";
        session.setSettings(settings);
        QSignalSpy errors(&session, &chat::ConversationSession::errorOccurred);
        session.send("Again");
        QVERIFY(errors.wait(test::kPatienceMs));
        QVERIFY2(errors.first().at(0).toString().contains("401"), qPrintable(errors.first().at(0).toString()));
        QCOMPARE(session.conversation().currentPath().back()->content, QString("Again"));
    }

    // enable_thinking reaches a server only when the user chose it: a server without the
    // switch may refuse the field, and Qwen2 on vLLM would ignore it anyway.
    void remoteRequestsCarryThinkingOnlyWhenChosen() {
        const std::vector<chat::ChatTurn> turns{{store::Role::User, "Hi"}};
        store::GenerationSettings settings;
        QVERIFY(!chat::chatCompletionBody(turns, settings, "m").contains("chat_template_kwargs"));
        settings.thinking = false;
        const QJsonObject body = chat::chatCompletionBody(turns, settings, "m");
        QCOMPARE(body.value("chat_template_kwargs").toObject().value("enable_thinking"), QJsonValue(false));
        QCOMPARE(body.value("temperature").toDouble(), 0.7);
    }

    // A folder with weights but no chat template loads in the engine, yet cannot chat: the
    // load says so (naming what is missing and where) instead of a question left unanswered.
    void aModelThatCannotChatFailsAtLoad() {
        QTemporaryDir folder;
        test::makeChatModelDir(folder.path().toStdString());
        QVERIFY(QFile::remove(folder.filePath("tokenizer_config.json")));
        auto services = makeServices();
        QSignalSpy loaded(&services->loader(), &ModelLoader::loadFinished);
        services->loader().load(readyModel(*services, folder.path()), services->settings().engine());
        QVERIFY(loaded.wait(test::kPatienceMs));
        QVERIFY(!loaded.first().at(0).toBool());
        const QString message = loaded.first().at(1).toString();
        QVERIFY2(message.contains("chat template") && message.contains(folder.path()), qPrintable(message));
        QCOMPARE(services->loader().state(), ModelLoader::State::Failed);
        QVERIFY(!services->host().isLoaded());
    }
};

QTEST_GUILESS_MAIN(ChatSessionTest)
#include "chat_session_test.moc"
