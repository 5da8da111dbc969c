// The Simplified Chinese UI: every string in the catalog is translated (none left
// "unfinished", placeholders kept), and the window built under zh_CN actually shows it,
// loaded from the catalog compiled into the binary.
#include <QAbstractButton>
#include <QFile>
#include <QRegularExpression>
#include <QTest>
#include <QXmlStreamReader>

#include "app/desktop/desktop_services.h"
#include "app/desktop/translations.h"
#include "ui/main_window.h"

using namespace pagoda;

class TranslationsTest : public QObject {
    Q_OBJECT

private slots:
    void catalogIsCompleteAndKeepsPlaceholders() {
        QFile file(QStringLiteral(PAGODA_SOURCE_DIR) + "/resources/translations/pagoda_zh_CN.ts");
        QVERIFY(file.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&file);
        int messages = 0;
        QString source;
        QStringList problems;
        static const QRegularExpression placeholder("%(n|L?\\d)");
        while (xml.readNext() != QXmlStreamReader::Invalid && !xml.atEnd()) {
            if (!xml.isStartElement()) continue;
            if (xml.name() == u"source") source = xml.readElementText();
            if (xml.name() != u"translation") continue;
            ++messages;
            const bool unfinished = xml.attributes().value("type") == u"unfinished";
            const QString translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (unfinished || translation.trimmed().isEmpty()) problems << "untranslated: " + source;
            for (auto it = placeholder.globalMatch(source); it.hasNext();) {
                const QString p = it.next().captured();
                if (!translation.contains(p)) problems << QString("%1 lost in: %2").arg(p, source);
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(messages > 200);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    }

    void windowSpeaksChineseUnderZhCn() {
        const QLocale locale = installTranslations(*QCoreApplication::instance(), "zh_CN");
        QCOMPARE(locale.name(), QString("zh_CN"));
        DesktopServices services;
        services.settings().setFirstRunDone(true);
        ui::MainWindow window(services);
        QCOMPARE(window.findChild<QAbstractButton*>("chatNav")->text(), QString::fromUtf8("聊天"));
        QCOMPARE(window.findChild<QAbstractButton*>("modelsNav")->text(), QString::fromUtf8("模型"));
        QVERIFY(window.findChild<QAbstractButton*>("sendButton")->text() != QString("Send"));
    }
};

QTEST_MAIN(TranslationsTest)
#include "translations_test.moc"
