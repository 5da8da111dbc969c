#include "app/store/conversation_export.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace pagoda::store {

namespace {

QString displayTitle(const Conversation& c) { return c.title.isEmpty() ? QStringLiteral("Untitled conversation") : c.title; }

QString heading(Role role) {
    switch (role) {
    case Role::System: return QStringLiteral("**System**");
    case Role::User: return QStringLiteral("**User**");
    case Role::Assistant: return QStringLiteral("**Assistant**");
    }
    return {};
}

// The settings' system prompt is what the model saw first, so a replay must send it too;
// a branch that already starts with a system message carries its own.
bool needsSystemPrompt(const Conversation& c, const std::vector<const Message*>& path) {
    return !c.settings.systemPrompt.isEmpty() && (path.empty() || path.front()->role != Role::System);
}

}  // namespace

QString exportMarkdown(const Conversation& conversation) {
    const auto path = conversation.currentPath();
    QString md = "# " + displayTitle(conversation) + "\n";
    auto section = [&md](Role role, const QString& content, const QString& reasoning) {
        md += "\n" + heading(role) + "\n\n";
        if (!reasoning.isEmpty()) md += "<details>\n<summary>Thinking</summary>\n\n" + reasoning.trimmed() + "\n\n</details>\n\n";
        md += content.trimmed() + "\n";
    };
    if (needsSystemPrompt(conversation, path)) section(Role::System, conversation.settings.systemPrompt, {});
    for (const Message* m : path) section(m->role, m->content, m->reasoning);
    return md;
}

QByteArray exportJson(const Conversation& conversation) {
    const auto path = conversation.currentPath();
    QJsonArray messages;
    if (needsSystemPrompt(conversation, path))
        messages.append(QJsonObject{{"role", roleName(Role::System)}, {"content", conversation.settings.systemPrompt}});
    for (const Message* m : path) {
        QJsonObject item{{"role", roleName(m->role)}, {"content", m->content}};
        if (!m->reasoning.isEmpty()) item["reasoning"] = m->reasoning;
        if (m->stats != MessageStats{}) item["stats"] = m->stats.toJson();
        messages.append(item);
    }
    // An export gets shared; the remote endpoint's API key must not travel with it.
    QJsonObject settings = conversation.settings.toJson();
    settings.remove("endpoint_key");
    const QJsonObject root{
        {"title", conversation.title},
        {"created", conversation.created.toUTC().toString(Qt::ISODateWithMs)},
        {"settings", settings},
        {"messages", messages},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

}  // namespace pagoda::store
