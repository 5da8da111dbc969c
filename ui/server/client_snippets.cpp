#include "ui/server/client_snippets.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace pagoda::ui {

namespace {

// The snippets are code, not prose: they stay in English whatever the interface language.
constexpr auto kGreeting = "Hello! Who are you?";

QString jsonString(const QString& s) {
    // A one-element array is the shortest way to get Qt's JSON string escaping.
    const QByteArray json = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

// POSIX single quotes: everything literal, a quote closed, escaped and reopened.
QString shellQuoted(const QString& s) { return u'\'' + QString(s).replace(u'\'', QStringLiteral("'\\''")) + u'\''; }

}  // namespace

QString curlSnippet(const QString& baseUrl, const QString& apiKey, const QString& model) {
    // Written out rather than through QJsonObject, which would sort "messages" before "model".
    const QString body = QStringLiteral("{\"model\": %1, \"messages\": [{\"role\": \"user\", \"content\": %2}]}")
                             .arg(jsonString(model), jsonString(kGreeting));
    QStringList lines;
    lines << QStringLiteral("curl %1/chat/completions \\").arg(baseUrl);
    lines << QStringLiteral("  -H 'Content-Type: application/json' \\");
    if (!apiKey.isEmpty()) lines << QStringLiteral("  -H %1 \\").arg(shellQuoted("Authorization: Bearer " + apiKey));
    lines << QStringLiteral("  -d %1").arg(shellQuoted(body));
    return lines.join(u'\n');
}

QString pythonSnippet(const QString& baseUrl, const QString& apiKey, const QString& model) {
    // Python accepts JSON string literals as its own, escapes included.
    const QString key = apiKey.isEmpty() ? QStringLiteral("not-needed") : apiKey;
    QStringList lines;
    lines << QStringLiteral("from openai import OpenAI") << QString();
    lines << QStringLiteral("client = OpenAI(base_url=%1, api_key=%2)").arg(jsonString(baseUrl), jsonString(key));
    lines << QStringLiteral("reply = client.chat.completions.create(");
    lines << QStringLiteral("    model=%1,").arg(jsonString(model));
    lines << QStringLiteral("    messages=[{\"role\": \"user\", \"content\": %1}],").arg(jsonString(kGreeting));
    lines << QStringLiteral(")");
    lines << QStringLiteral("print(reply.choices[0].message.content)");
    return lines.join(u'\n');
}

}  // namespace pagoda::ui
