// The chat's messages when the window changes width (issue 21, item 5): after narrowing, a
// long answer still shows all of its text (nothing cut mid-paragraph) and the stats line under
// it wraps instead of being cut ("· stopp"). Real resize events on a shown window, against the
// real session and store with a generator the test drives.
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTest>

#include "app/chat/conversation_session.h"
#include "app/desktop/desktop_services.h"
#include "tests/desktop/layout_checks.h"
#include "tests/desktop/widget_lookup.h"
#include "tests/support/patience.h"
#include "ui/chat/message_list_view.h"
#include "ui/chat/message_widget.h"

using namespace pagoda;
using test::child;
using namespace pagoda::ui;

namespace {

// Answers with whatever the test says, at once.
class EchoGenerator : public chat::ChatGenerator {
public:
    void start(const QString& requestId, const std::vector<chat::ChatTurn>&, const store::GenerationSettings&) override {
        m_request = requestId;
    }
    void stop(const QString&) override {}
    void answer(const QString& content, const store::MessageStats& stats) {
        emit delta(m_request, content, {});
        emit finished(m_request, stats, {});
    }
    QString m_request;
};

QString longAnswer() {
    QStringList paragraphs;
    for (int i = 1; i <= 12; ++i)
        paragraphs << QString("Paragraph %1 explains, at some length and with **bold** words, why the answer "
                              "wraps onto several lines when the window is narrow; the last word is end%1.")
                          .arg(i);
    paragraphs.insert(6, "```python\nprint('a line of code long enough to need a horizontal scroll bar at 420 px')\n```");
    return paragraphs.join("\n\n");
}

// Every stat the line can show, the longest ending.
store::MessageStats longStats() {
    store::MessageStats stats;
    stats.tokensPerSecond = 18.3;
    stats.timeToFirstToken = 0.42;
    stats.promptTokens = 812;
    stats.completionTokens = 3284;
    stats.contextLimit = 32768;
    stats.finishReason = "length";
    stats.model = "unsloth/Qwen3-30B-A3B-Instruct-2507-GGUF:Q4_K_M";
    return stats;
}

}  // namespace

class ChatLayoutTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dataDir;
    std::unique_ptr<DesktopServices> m_services;
    EchoGenerator m_generator;
    std::unique_ptr<chat::ConversationSession> m_session;
    std::unique_ptr<QWidget> m_window;
    MessageListView* m_view = nullptr;

    MessageWidget* answer() { return m_view->messageWidgets().back(); }

    // Resizes the window as a window manager would, and lets every layout pass run.
    void resizeTo(int width) {
        m_window->resize(width, 600);
        QTRY_COMPARE(m_window->width(), width);
        // Layout requests travel up one parent per pass of the event loop: let them all arrive.
        for (int pass = 0; pass < 20; ++pass) QCoreApplication::processEvents();
    }

    // What of the answer's text cannot be seen at any scroll position: the label is shorter
    // than its text needs, or its message is shorter than the label.
    QStringList cutText() {
        QStringList problems = test::layoutProblems(*m_view->widget());
        for (auto* label : answer()->findChildren<QLabel*>("messageText")) {
            const int needed = label->heightForWidth(label->width());
            if (label->height() < needed)
                problems << QString("%1 px of %2 shown at width %3").arg(label->height()).arg(needed).arg(label->width());
        }
        const int page = m_view->widget()->height(), content = m_view->widget()->heightForWidth(m_view->widget()->width());
        if (page < content) problems << QString("the page is %1 px high, its messages need %2").arg(page).arg(content);
        return problems;
    }

private slots:
    void init() {
        QVERIFY(m_dataDir.isValid());
        DesktopServices::Options options;
        options.databasePath = m_dataDir.filePath(QString("chat-%1.sqlite").arg(QTest::currentTestFunction()));
        m_services = std::make_unique<DesktopServices>(std::move(options));
        m_session = std::make_unique<chat::ConversationSession>(
            m_services->store(), [this](const store::GenerationSettings&) { return &m_generator; });
        store::GenerationSettings remote;
        remote.endpointUrl = "http://127.0.0.1:9/v1";
        m_session->startNew(remote);
        m_window = std::make_unique<QWidget>();
        auto* layout = new QHBoxLayout(m_window.get());
        m_view = new MessageListView(*m_session, m_window.get());
        layout->addWidget(m_view);
        m_window->resize(900, 600);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_session->send("Explain wrapping");
        m_generator.answer(longAnswer(), longStats());
        QTRY_VERIFY_WITH_TIMEOUT(!m_session->isGenerating(), test::kPatienceMs);
        QCOMPARE(m_view->messageWidgets().size(), size_t(2));
    }
    void cleanup() {
        m_window.reset();
        m_session.reset();
        m_services.reset();
    }

    void longAnswerShowsAllItsTextAfterNarrowing() {
        resizeTo(900);
        QStringList problems = cutText();
        QVERIFY2(problems.isEmpty(), qPrintable("at 900 px:\n" + problems.join('\n')));
        resizeTo(420);
        problems = cutText();
        QVERIFY2(problems.isEmpty(), qPrintable("at 420 px:\n" + problems.join('\n')));
        // And back: the taller text at 420 px must not leave the page too short at 900 px.
        resizeTo(900);
        problems = cutText();
        QVERIFY2(problems.isEmpty(), qPrintable("back at 900 px:\n" + problems.join('\n')));
    }

    void statsLineWrapsInsteadOfBeingCut() {
        auto* stats = child<QLabel>(*answer(), "statsLabel");
        QVERIFY(stats->text().endsWith("stopped at the token limit"));
        for (int width : {900, 420, 300}) {
            resizeTo(width);
            QVERIFY(stats->isVisible());
            // All of it within the message, and the label as tall as its wrapped text.
            const QRect inView(stats->mapTo(m_view->viewport(), QPoint(0, 0)), stats->size());
            QVERIFY2(answer()->rect().contains(stats->geometry()) && inView.left() >= 0 &&
                         inView.right() < m_view->viewport()->width(),
                     qPrintable(QString("at %1 px the stats line sticks out of the view").arg(width)));
            const int needed = stats->wordWrap() ? stats->heightForWidth(stats->width()) : stats->sizeHint().height();
            const int wide = stats->wordWrap() ? 0 : stats->sizeHint().width();
            QVERIFY2(stats->height() >= needed && stats->width() >= wide,
                     qPrintable(QString("at %1 px the stats line is %2x%3 and needs %4x%5")
                                    .arg(width).arg(stats->width()).arg(stats->height()).arg(wide).arg(needed)));
        }
    }
};

QTEST_MAIN(ChatLayoutTest)
#include "chat_layout_test.moc"
