// The chat page's widgets on their own, without a model or a session: how answers are split
// into prose and code, the code block's Copy button, the composer's Enter handling (input
// methods included), and what a message shows (thought, stats, branches, edit).
#include <QApplication>
#include <QClipboard>
#include <QInputMethodEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>
#include <QTextTable>
#include <QAbstractTextDocumentLayout>

#include "tests/desktop/widget_lookup.h"
#include "ui/chat/code_block_widget.h"
#include "ui/chat/code_highlighter.h"
#include "ui/chat/composer.h"
#include "ui/chat/markdown_label.h"
#include "ui/chat/markdown_segments.h"
#include "ui/chat/markdown_view.h"
#include "ui/chat/message_widget.h"

using namespace pagoda;
using test::child;
using namespace pagoda::ui;
using Kind = MarkdownSegment::Kind;

Q_DECLARE_METATYPE(std::vector<pagoda::ui::MarkdownSegment>)

namespace {

MarkdownSegment text(const QString& markdown) { return {Kind::Text, markdown, {}, true}; }
MarkdownSegment code(const QString& body, const QString& language = {}, bool closed = true) {
    return {Kind::Code, body, language, closed};
}

// The colour the highlighter gave to `word` in block `line` of document, or an invalid
// colour when it left the word plain.
QColor colourOf(QTextDocument& document, int line, const QString& word) {
    const QTextBlock block = document.findBlockByNumber(line);
    const int at = block.text().indexOf(word);
    if (at < 0) qFatal("no %s on line %d", qPrintable(word), line);
    for (const QTextLayout::FormatRange& range : block.layout()->formats())
        if (range.start <= at && at + word.size() <= range.start + range.length) return range.format.foreground().color();
    return {};
}

bool isDarkPaletteColour(const QColor& colour) { return colour.lightnessF() < 0.5; }

QString describe(const std::vector<MarkdownSegment>& segments) {
    QStringList out;
    for (const auto& s : segments)
        out << (s.kind == Kind::Code ? QStringLiteral("code[%1%2]{%3}").arg(s.language, s.closed ? "" : ",open", s.text)
                                     : QStringLiteral("text{%1}").arg(s.text));
    return out.join(u' ');
}

store::Message assistantMessage() {
    store::Message message;
    message.id = "a1";
    message.parentId = "u1";
    message.role = store::Role::Assistant;
    message.reasoning = "The user greets me; answer briefly.";
    message.content = "Hello! How can I help?";
    message.stats.timeToFirstToken = 0.42;
    message.stats.tokensPerSecond = 18.3;
    message.stats.promptTokens = 800;
    message.stats.completionTokens = 12;
    message.stats.contextLimit = 4096;
    message.stats.model = "Qwen3-0.6B";
    message.stats.finishReason = "stop";
    return message;
}


}  // namespace

class ChatWidgetsTest : public QObject {
    Q_OBJECT
private slots:
    void splitMarkdownFindsFencedCode_data();
    void splitMarkdownFindsFencedCode();
    void proseKeepsItsLineBreaks();
    void highlighterColoursKeywordsStringsNumbersAndComments();
    void codeBlockCopyPutsExactlyTheCodeOnTheClipboard();
    void streamedCodeBlockGrowsInPlace();
    void answerWithTwoCodeBlocksShowsTwoCopyableBlocks();
    void composerEnterSendsAndClears();
    void composerShiftEnterAddsNewlineWithoutSending();
    void composerEnterDuringInputMethodCompositionDoesNotSend();
    void composerWhitespaceOnlyDoesNotSend();
    void composerKeepsTextWhileSendingIsOff();
    void messageShowsThoughtCollapsedAndStatsLine();
    void thoughtIsOpenWhileOnlyThinkingStreams();
    void statsLineLeavesOutWhatIsUnknown();
    void branchNavigationShowsPositionAndSwitches();
    void editAndResendEmitsTheNewText();
    void regenerateEmitsTheAnswerId();
    void editorTakesEnterAsTheComposerDoes();
    void markdownTablesHavePaddingBordersAndAShadedHeader();
    void inlineCodeIsShaded();
    void blockquotesHaveABarAtTheLeft();
};

void ChatWidgetsTest::splitMarkdownFindsFencedCode_data() {
    QTest::addColumn<QString>("markdown");
    QTest::addColumn<std::vector<MarkdownSegment>>("expected");
    QTest::newRow("prose only") << "Hello **world**\n\n- a\n- b" << std::vector{text("Hello **world**\n\n- a\n- b")};
    QTest::newRow("text around code")
        << "Intro:\n\n```python\nprint('hi')\n```\n\nAfter."
        << std::vector{text("Intro:"), code("print('hi')", "python"), text("After.")};
    QTest::newRow("info string after the language")
        << "```python title=\"x.py\" {1,3}\nx = 1\n```" << std::vector{code("x = 1", "python")};
    QTest::newRow("language as written") << "``` c++\nint x;\n```" << std::vector{code("int x;", "c++")};
    QTest::newRow("inline triple backticks are not a fence")
        << "Use ```code``` inline, and `a` too." << std::vector{text("Use ```code``` inline, and `a` too.")};
    QTest::newRow("tilde fence holds backtick fences")
        << "~~~markdown\n```js\nlet a = 1;\n```\n~~~" << std::vector{code("```js\nlet a = 1;\n```", "markdown")};
    QTest::newRow("longer backtick fence holds shorter ones")
        << "````md\nText\n```bash\nls\n```\n````\nDone" << std::vector{code("Text\n```bash\nls\n```", "md"), text("Done")};
    QTest::newRow("other fence character does not close")
        << "```\na\n~~~\nb\n```" << std::vector{code("a\n~~~\nb")};
    QTest::newRow("closing fence may be longer") << "```\na\n`````\nb" << std::vector{code("a"), text("b")};
    QTest::newRow("closing fence with text after it does not close")
        << "```\na\n``` not yet\n```" << std::vector{code("a\n``` not yet")};
    QTest::newRow("indented fence removes its indent from the code")
        << "  ```py\n  if x:\n      y()\n  ```" << std::vector{code("if x:\n    y()", "py")};
    QTest::newRow("four spaces is not a fence") << "    ```\n    x" << std::vector{text("    ```\n    x")};
    QTest::newRow("unterminated fence while streaming")
        << "Here:\n```cpp\nint main() {\n" << std::vector{text("Here:"), code("int main() {", "cpp", false)};
    QTest::newRow("fence just opened") << "Here:\n```rust" << std::vector{text("Here:"), code("", "rust", false)};
    QTest::newRow("closing fence arriving is hidden") << "```go\nfmt.Println()\n``" << std::vector{code("fmt.Println()", "go", false)};
    QTest::newRow("closing fence at the very end closes") << "```go\nx\n```" << std::vector{code("x", "go")};
    QTest::newRow("blank lines inside code kept") << "```\na\n\n\nb\n\n```" << std::vector{code("a\n\n\nb\n")};
    QTest::newRow("empty code block") << "```\n```" << std::vector{code("")};
    QTest::newRow("windows line ends") << "Hi\r\n```json\r\n{}\r\n```\r\n" << std::vector{text("Hi"), code("{}", "json")};
    QTest::newRow("two blocks back to back")
        << "```a\n1\n```\n```b\n2\n```" << std::vector{code("1", "a"), code("2", "b")};
    QTest::newRow("blank only") << " \n\n  \n" << std::vector<MarkdownSegment>{};
}

void ChatWidgetsTest::proseKeepsItsLineBreaks() {
    auto rendered = [](const QString& markdown) {
        QTextDocument document;
        document.setMarkdown(markdown);
        return document.toPlainText();
    };
    const QString poem = QString::fromUtf8("《静夜思》\n作者：李白\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。");
    QCOMPARE(rendered(poem).count('\n'), 0);  // what CommonMark alone does to a poem
    QCOMPARE(rendered(withHardLineBreaks(poem)).split(QRegularExpression("[\n\u2028]")).size(), 4);
    // Lists, headings, paragraphs and tables render as before.
    for (const QString& markdown : {QString("- a\n- b\n\nNext paragraph."), QString("# Title\nText"),
                                    QString("| a | b |\n| --- | --- |\n| 1 | 2 |"), QString("One.\n\nTwo.")})
        QCOMPARE(rendered(withHardLineBreaks(markdown)), rendered(markdown));
    QCOMPARE(withHardLineBreaks("a  \nb"), QString("a  \nb"));  // already a hard break: unchanged
}

void ChatWidgetsTest::splitMarkdownFindsFencedCode() {
    QFETCH(QString, markdown);
    QFETCH(std::vector<MarkdownSegment>, expected);
    const auto actual = splitMarkdown(markdown);
    QCOMPARE(describe(actual), describe(expected));
    QVERIFY(actual == expected);
}

void ChatWidgetsTest::highlighterColoursKeywordsStringsNumbersAndComments() {
    QCOMPARE(CodeHighlighter::canonicalLanguage("Py"), QString("python"));
    QCOMPARE(CodeHighlighter::canonicalLanguage("c++"), QString("cpp"));
    QCOMPARE(CodeHighlighter::canonicalLanguage("tsx"), QString("js"));
    QCOMPARE(CodeHighlighter::canonicalLanguage("sh"), QString("bash"));
    QCOMPARE(CodeHighlighter::canonicalLanguage("brainfuck"), QString());

    QTextDocument cpp;
    cpp.documentLayout();  // a document only reports changes to a highlighter once laid out
    CodeHighlighter cppColours(&cpp, "cpp", false);
    cpp.setPlainText("#include <vector>\nint x = 42; // note\n/* spans\nlines */ return \"s\";");
    const QColor keyword = colourOf(cpp, 1, "int");
    const QColor number = colourOf(cpp, 1, "42");
    const QColor comment = colourOf(cpp, 1, "note");
    const QColor string = colourOf(cpp, 3, "\"s\"");
    QVERIFY(keyword.isValid() && number.isValid() && comment.isValid() && string.isValid());
    QCOMPARE(QSet<QRgb>({keyword.rgb(), number.rgb(), comment.rgb(), string.rgb()}).size(), 4);
    QCOMPARE(colourOf(cpp, 0, "#include"), keyword);  // preprocessor
    QVERIFY(!colourOf(cpp, 1, "x").isValid());
    QCOMPARE(colourOf(cpp, 2, "spans"), comment);
    QCOMPARE(colourOf(cpp, 3, "lines"), comment);  // the block comment carried over a line
    QCOMPARE(colourOf(cpp, 3, "return"), keyword);  // and ended

    QTextDocument python;
    python.documentLayout();
    CodeHighlighter pythonColours(&python, "python", false);
    python.setPlainText("def f():\n    '''doc\n    def not_code'''\n    return 1  # done");
    QCOMPARE(colourOf(python, 0, "def"), keyword);
    QCOMPARE(colourOf(python, 2, "def"), string);  // inside a triple-quoted string
    QCOMPARE(colourOf(python, 3, "# done"), comment);

    QTextDocument bash;
    bash.documentLayout();
    CodeHighlighter bashColours(&bash, "bash", false);
    bash.setPlainText("echo $# files # count");
    QVERIFY(colourOf(bash, 0, "$#") != comment);  // not a comment: not at a word's start
    QCOMPARE(colourOf(bash, 0, "# count"), comment);

    QTextDocument plain;
    plain.documentLayout();
    CodeHighlighter plainColours(&plain, "", false);
    plain.setPlainText("int x = 1; // c");
    QVERIFY(plain.firstBlock().layout()->formats().isEmpty());
}

void ChatWidgetsTest::codeBlockCopyPutsExactlyTheCodeOnTheClipboard() {
    CodeBlockWidget block;
    const QString source = "def f(x):\n    return \"tab\\t\" + x  # comment\n";
    block.setCode(source, "python");
    QApplication::clipboard()->setText("something else");
    child<QToolButton>(block, "copyCodeButton")->click();
    QCOMPARE(QApplication::clipboard()->text(), source);
    QCOMPARE(child<QLabel>(block, "codeLanguageLabel")->text(), QString("python"));
    auto* view = child<QPlainTextEdit>(block, "codeView");
    QVERIFY(view->isReadOnly());
    QCOMPARE(view->lineWrapMode(), QPlainTextEdit::NoWrap);
}

void ChatWidgetsTest::streamedCodeBlockGrowsInPlace() {
    CodeBlockWidget block;
    auto* view = child<QPlainTextEdit>(block, "codeView");
    block.setCode("int main() {", "cpp");
    const int oneLine = view->height();
    block.setCode("int main() {\n    return 0;\n}", "cpp");
    QCOMPARE(view->toPlainText(), QString("int main() {\n    return 0;\n}"));
    QVERIFY2(view->height() > oneLine, "the view grows with its code instead of scrolling");
    block.setCode("x", "cpp");  // not a continuation: replaced
    QCOMPARE(view->toPlainText(), QString("x"));
}

void ChatWidgetsTest::answerWithTwoCodeBlocksShowsTwoCopyableBlocks() {
    MessageWidget widget;
    store::Message message = assistantMessage();
    message.content = "First:\n```bash\nls -la\n```\nThen:\n~~~python\nprint(\"```\")\n~~~\nDone.";
    widget.setMessage(message, 1, 1, false);
    const auto blocks = widget.findChildren<CodeBlockWidget*>();
    QCOMPARE(blocks.size(), 2);
    blocks[1]->findChild<QToolButton*>("copyCodeButton")->click();
    QCOMPARE(QApplication::clipboard()->text(), QString("print(\"```\")"));
    QCOMPARE(widget.findChildren<QLabel*>("messageText").size(), 3);
}

void ChatWidgetsTest::composerEnterSendsAndClears() {
    Composer composer;
    QSignalSpy sent(&composer, &Composer::sendRequested);
    QTest::keyClicks(&composer, "hello there");
    QTest::keyClick(&composer, Qt::Key_Return);
    QCOMPARE(sent.count(), 1);
    QCOMPARE(sent.at(0).at(0).toString(), QString("hello there"));
    QVERIFY(composer.toPlainText().isEmpty());
    QTest::keyClicks(&composer, "again");
    QTest::keyClick(&composer, Qt::Key_Enter, Qt::KeypadModifier);
    QCOMPARE(sent.count(), 2);
}

void ChatWidgetsTest::composerShiftEnterAddsNewlineWithoutSending() {
    Composer composer;
    QSignalSpy sent(&composer, &Composer::sendRequested);
    QTest::keyClicks(&composer, "line one");
    QTest::keyClick(&composer, Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(&composer, "line two");
    QCOMPARE(sent.count(), 0);
    QCOMPARE(composer.toPlainText(), QString("line one\nline two"));
    QTest::keyClick(&composer, Qt::Key_Return);
    QCOMPARE(sent.count(), 1);
    QCOMPARE(sent.at(0).at(0).toString(), QString("line one\nline two"));
}

void ChatWidgetsTest::composerEnterDuringInputMethodCompositionDoesNotSend() {
    Composer composer;
    QSignalSpy sent(&composer, &Composer::sendRequested);
    QTest::keyClicks(&composer, "hi ");
    // Pinyin: "nihao" is being composed; Enter commits the Latin letters, it must not send.
    QInputMethodEvent composing("nihao", {});
    QCoreApplication::sendEvent(&composer, &composing);
    QVERIFY(composer.isComposing());
    QTest::keyClick(&composer, Qt::Key_Return);
    QCOMPARE(sent.count(), 0);
    QCOMPARE(composer.toPlainText(), QString("hi "));  // Enter added no line either

    QInputMethodEvent commit(QString(), {});
    commit.setCommitString("nihao");
    QCoreApplication::sendEvent(&composer, &commit);
    QVERIFY(!composer.isComposing());
    QCOMPARE(composer.toPlainText(), QString("hi nihao"));
    QTest::keyClick(&composer, Qt::Key_Return);
    QCOMPARE(sent.count(), 1);
    QCOMPARE(sent.at(0).at(0).toString(), QString("hi nihao"));
}

void ChatWidgetsTest::composerWhitespaceOnlyDoesNotSend() {
    Composer composer;
    QSignalSpy sent(&composer, &Composer::sendRequested);
    QTest::keyClick(&composer, Qt::Key_Return);
    composer.setPlainText("   \n\t  ");
    QTest::keyClick(&composer, Qt::Key_Return);
    QCOMPARE(sent.count(), 0);
    QCOMPARE(composer.toPlainText(), QString("   \n\t  "));
}

void ChatWidgetsTest::composerKeepsTextWhileSendingIsOff() {
    Composer composer;
    QSignalSpy sent(&composer, &Composer::sendRequested);
    composer.setSendEnabled(false);
    QTest::keyClicks(&composer, "wait for it");
    QTest::keyClick(&composer, Qt::Key_Return);
    QCOMPARE(sent.count(), 0);
    QCOMPARE(composer.toPlainText(), QString("wait for it"));
    composer.setSendEnabled(true);
    QTest::keyClick(&composer, Qt::Key_Return);
    QCOMPARE(sent.count(), 1);
}

void ChatWidgetsTest::messageShowsThoughtCollapsedAndStatsLine() {
    MessageWidget widget;
    widget.setMessage(assistantMessage(), 1, 1, false);
    QCOMPARE(widget.objectName(), QString("assistantMessage"));
    auto* toggle = child<QToolButton>(widget, "thoughtToggle");
    QVERIFY(!toggle->isHidden());
    QVERIFY(!toggle->isChecked());
    QVERIFY(child<QLabel>(widget, "thoughtBody")->isHidden());
    QCOMPARE(child<QLabel>(widget, "thoughtBody")->text(), QString("The user greets me; answer briefly."));
    auto* stats = child<QLabel>(widget, "statsLabel");
    QVERIFY(!stats->isHidden());
    QCOMPARE(stats->text(), QString("18.3 tok/s · TTFT 0.42 s · context 812 / 4096 tokens"));
    QCOMPARE(child<QLabel>(widget, "messageText")->text(), QString("Hello! How can I help?"));
    QVERIFY(child<QWidget>(widget, "branchNavigation")->isHidden());

    toggle->click();  // the user opens it
    QVERIFY(!child<QLabel>(widget, "thoughtBody")->isHidden());
}

void ChatWidgetsTest::thoughtIsOpenWhileOnlyThinkingStreams() {
    MessageWidget widget;
    store::Message message = assistantMessage();
    message.content.clear();
    message.stats = {};
    widget.setMessage(message, 1, 1, true);
    QVERIFY(child<QToolButton>(widget, "thoughtToggle")->isChecked());
    QVERIFY(!child<QLabel>(widget, "thoughtBody")->isHidden());
    QVERIFY2(child<QWidget>(widget, "messageActions")->isHidden(), "no actions on an answer still streaming");

    message.content = "Hel";
    widget.setMessage(message, 1, 1, true);
    QVERIFY2(!child<QToolButton>(widget, "thoughtToggle")->isChecked(), "folds away once the answer starts");
    QVERIFY(child<QLabel>(widget, "thoughtBody")->isHidden());

    message.stats = assistantMessage().stats;
    widget.setMessage(message, 1, 1, false);
    QVERIFY(!child<QToolButton>(widget, "thoughtToggle")->isChecked());
    QVERIFY(!child<QWidget>(widget, "messageActions")->isHidden());
}

void ChatWidgetsTest::statsLineLeavesOutWhatIsUnknown() {
    store::MessageStats stats;
    QCOMPARE(MessageWidget::statsText(stats), QString());
    stats.promptTokens = 20;
    stats.completionTokens = 5;
    stats.finishReason = "length";
    QCOMPARE(MessageWidget::statsText(stats), QString("context 25 tokens · stopped at the token limit"));
}

void ChatWidgetsTest::branchNavigationShowsPositionAndSwitches() {
    MessageWidget widget;
    QSignalSpy branch(&widget, &MessageWidget::branchRequested);
    widget.setMessage(assistantMessage(), 2, 2, false);
    QVERIFY(!child<QWidget>(widget, "branchNavigation")->isHidden());
    QCOMPARE(child<QLabel>(widget, "branchLabel")->text(), QString("2/2"));
    auto* previous = child<QToolButton>(widget, "previousBranchButton");
    auto* next = child<QToolButton>(widget, "nextBranchButton");
    QVERIFY(previous->isEnabled());
    QVERIFY(!next->isEnabled());
    previous->click();
    QCOMPARE(branch.count(), 1);
    QCOMPARE(branch.at(0).at(0).toString(), QString("a1"));
    QCOMPARE(branch.at(0).at(1).toInt(), -1);

    widget.setActionsEnabled(false);  // while generating
    QVERIFY(!previous->isEnabled());
}

void ChatWidgetsTest::editAndResendEmitsTheNewText() {
    MessageWidget widget;
    QSignalSpy edited(&widget, &MessageWidget::editResendRequested);
    store::Message message;
    message.id = "u1";
    message.role = store::Role::User;
    message.content = "What is 2*3*4?";
    widget.setMessage(message, 1, 1, false);
    QCOMPARE(widget.objectName(), QString("userMessage"));
    QCOMPARE(child<QLabel>(widget, "messageText")->text(), QString("What is 2*3*4?"));  // not Markdown
    QVERIFY(child<QToolButton>(widget, "regenerateButton")->isHidden());
    child<QToolButton>(widget, "editButton")->click();
    auto* editor = child<QPlainTextEdit>(widget, "messageEditor");
    QVERIFY(editor->isVisibleTo(&widget));
    QVERIFY(!child<QWidget>(widget, "messageContent")->isVisibleTo(&widget));
    QCOMPARE(editor->toPlainText(), message.content);
    editor->setPlainText("What is 2*3*5?");
    child<QPushButton>(widget, "saveResendButton")->click();
    QCOMPARE(edited.count(), 1);
    QCOMPARE(edited.at(0).at(0).toString(), QString("u1"));
    QCOMPARE(edited.at(0).at(1).toString(), QString("What is 2*3*5?"));
    QVERIFY(!editor->isVisibleTo(&widget));

    child<QToolButton>(widget, "editButton")->click();
    child<QPushButton>(widget, "cancelEditButton")->click();
    QCOMPARE(edited.count(), 1);
    QVERIFY(!child<QWidget>(widget, "messageContent")->isHidden());
}

void ChatWidgetsTest::regenerateEmitsTheAnswerId() {
    MessageWidget widget;
    QSignalSpy regenerate(&widget, &MessageWidget::regenerateRequested);
    widget.setMessage(assistantMessage(), 1, 1, false);
    QVERIFY(child<QToolButton>(widget, "editButton")->isHidden());
    child<QToolButton>(widget, "regenerateButton")->click();
    QCOMPARE(regenerate.count(), 1);
    QCOMPARE(regenerate.at(0).at(0).toString(), QString("a1"));
    child<QToolButton>(widget, "copyMessageButton")->click();
    QCOMPARE(QApplication::clipboard()->text(), QString("Hello! How can I help?"));
}

// Editing a message answers the keyboard as the composer does: Enter saves and resends,
// Shift+Enter starts a new line, Esc cancels; and the editor says so.
void ChatWidgetsTest::editorTakesEnterAsTheComposerDoes() {
    MessageWidget widget;
    QSignalSpy edited(&widget, &MessageWidget::editResendRequested);
    store::Message message;
    message.id = "u1";
    message.role = store::Role::User;
    message.content = "First line";
    widget.setMessage(message, 1, 1, false);
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));

    child<QToolButton>(widget, "editButton")->click();
    auto* editor = child<QPlainTextEdit>(widget, "messageEditor");
    QTest::keyClick(editor, Qt::Key_Return, Qt::ShiftModifier);
    QTest::keyClicks(editor, "second line");
    QCOMPARE(edited.count(), 0);
    QCOMPARE(editor->toPlainText(), QString("First line\nsecond line"));
    const QString hint = child<QLabel>(widget, "editHint")->text();
    QVERIFY2(hint.contains("Enter") && hint.contains("Shift+Enter") && hint.contains("Esc"), qPrintable(hint));
    QVERIFY(child<QLabel>(widget, "editHint")->isVisibleTo(&widget));
    QTest::keyClick(editor, Qt::Key_Return);
    QCOMPARE(edited.count(), 1);
    QCOMPARE(edited.at(0).at(1).toString(), QString("First line\nsecond line"));
    QVERIFY(!editor->isVisibleTo(&widget));

    child<QToolButton>(widget, "editButton")->click();
    QTest::keyClicks(editor, " changed");
    QTest::keyClick(editor, Qt::Key_Escape);  // cancels: nothing sent, the message as it was
    QCOMPARE(edited.count(), 1);
    QVERIFY(!editor->isVisibleTo(&widget));
    QVERIFY(child<QWidget>(widget, "messageContent")->isVisibleTo(&widget));
}

void ChatWidgetsTest::markdownTablesHavePaddingBordersAndAShadedHeader() {
    MarkdownView view;
    view.setMarkdown("Compare:\n\n| Model | Size |\n|---|---|\n| Qwen | 4B |\n| Llama | 8B |");
    auto* label = child<MarkdownLabel>(view, "messageText");
    QTextDocument* document = label->document();
    QVERIFY(document);
    QTextTable* table = nullptr;
    for (QTextFrame* frame : document->rootFrame()->childFrames())
        if (auto* t = qobject_cast<QTextTable*>(frame)) table = t;
    QVERIFY(table);
    QCOMPARE(table->rows(), 3);
    QVERIFY(table->format().cellPadding() >= 4);
    QVERIFY(table->format().border() > 0);
    QVERIFY(table->format().borderCollapse());  // one line between cells, not two
    const auto headerBackground = [&] { return table->cellAt(0, 1).format().background(); };
    QCOMPARE(headerBackground().style(), Qt::SolidPattern);
    QCOMPARE(table->cellAt(1, 1).format().background().style(), Qt::NoBrush);  // body rows stay plain
    const QColor base = label->palette().color(QPalette::Base);
    QVERIFY(headerBackground().color() != base);
    QVERIFY(!isDarkPaletteColour(headerBackground().color()));

    // A dark palette reaches the table: the header shading becomes a dark one.
    QPalette dark = label->palette();
    dark.setColor(QPalette::Base, QColor(0x1f2023));
    dark.setColor(QPalette::Text, QColor(0xe6e6e6));
    view.setPalette(dark);
    QCOMPARE(headerBackground().color(), MarkdownLabel::headerColor(dark));
    QVERIFY(isDarkPaletteColour(headerBackground().color()));
    QVERIFY(headerBackground().color() != dark.color(QPalette::Base));
}

void ChatWidgetsTest::inlineCodeIsShaded() {
    MarkdownView view;
    view.setMarkdown("Run `pip install pagoda` first.");
    QTextDocument* document = child<MarkdownLabel>(view, "messageText")->document();
    QVERIFY(document);
    bool sawCode = false;
    for (auto it = document->begin().begin(); !it.atEnd(); ++it) {
        const QTextFragment fragment = it.fragment();
        const bool code = fragment.text() == "pip install pagoda";
        sawCode |= code;
        QCOMPARE(fragment.charFormat().background().style(), code ? Qt::SolidPattern : Qt::NoBrush);
    }
    QVERIFY(sawCode);
}

void ChatWidgetsTest::blockquotesHaveABarAtTheLeft() {
    MarkdownView view;
    view.setMarkdown("Before the quote\n\n> A quoted line\n> that goes on\n\nAfter");
    view.resize(400, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto* label = child<MarkdownLabel>(view, "messageText");
    QTextDocument* document = label->document();
    QTextBlock quote = document->begin();
    while (quote.isValid() && !quote.text().startsWith("A quoted")) quote = quote.next();
    QVERIFY(quote.isValid());
    QVERIFY(quote.blockFormat().leftMargin() > MarkdownLabel::kQuoteBarWidth);  // room for the bar
    QCOMPARE(quote.blockFormat().rightMargin(), 0.0);

    // The bar is painted beside the quote, and only there.
    const QImage image = label->grab().toImage();
    const QColor bar = MarkdownLabel::quoteBarColor(label->palette());
    const QRectF quoteRect = document->documentLayout()->blockBoundingRect(quote);
    const QRectF beforeRect = document->documentLayout()->blockBoundingRect(document->begin());
    const int offset = (label->height() - int(document->documentLayout()->documentSize().height())) / 2;
    const auto isBar = [&](qreal y) { return image.pixel(1, int(y) + std::max(0, offset)) == bar.rgb(); };
    QVERIFY(isBar(quoteRect.center().y()));
    QVERIFY(!isBar(beforeRect.center().y()));
}

QTEST_MAIN(ChatWidgetsTest)
#include "chat_widgets_test.moc"
