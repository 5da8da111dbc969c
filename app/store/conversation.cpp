#include "app/store/conversation.h"

#include <QUuid>

#include <algorithm>

namespace pagoda::store {

// JSON keys are snake_case like OpenAI's fields (top_p, max_tokens, prompt_tokens), so the
// stored settings read the same as an exported or replayed request.
QJsonObject GenerationSettings::toJson() const {
    QJsonObject json{
        {"system_prompt", systemPrompt},
        {"temperature", temperature},
        {"top_p", topP},
        {"max_tokens", maxTokens},
        {"preset", preset},
        {"endpoint_url", endpointUrl},
        {"endpoint_key", endpointKey},
        {"endpoint_model", endpointModel},
        {"local_model", localModel},
    };
    if (thinking) json.insert("enable_thinking", *thinking);
    return json;
}

GenerationSettings GenerationSettings::fromJson(const QJsonObject& json) {
    GenerationSettings s;
    s.systemPrompt = json.value("system_prompt").toString(s.systemPrompt);
    s.temperature = json.value("temperature").toDouble(s.temperature);
    s.topP = json.value("top_p").toDouble(s.topP);
    s.maxTokens = json.value("max_tokens").toInt(s.maxTokens);
    // Chats stored before the choice was optional say "thinking" always: its old default
    // (true) is what an unset choice does anyway, so only an explicit false is kept.
    if (const QJsonValue value = json.value("enable_thinking"); value.isBool()) s.thinking = value.toBool();
    else if (json.value("thinking") == QJsonValue(false)) s.thinking = false;
    s.preset = json.value("preset").toString(s.preset);
    s.endpointUrl = json.value("endpoint_url").toString(s.endpointUrl);
    s.endpointKey = json.value("endpoint_key").toString(s.endpointKey);
    s.endpointModel = json.value("endpoint_model").toString(s.endpointModel);
    s.localModel = json.value("local_model").toString(s.localModel);
    return s;
}

namespace {

struct Preset {
    const char* name;
    double temperature;
    double topP;
};

constexpr Preset kPresets[] = {
    {"precise", 0.2, 0.9},
    {"balanced", 0.7, 0.8},
    {"creative", 1.0, 0.95},
};

}  // namespace

// An unknown or empty name leaves the values alone and marks the settings custom.
GenerationSettings withPreset(GenerationSettings settings, const QString& preset) {
    settings.preset.clear();
    for (const Preset& p : kPresets) {
        if (preset != QLatin1String(p.name)) continue;
        settings.temperature = p.temperature;
        settings.topP = p.topP;
        settings.preset = preset;
    }
    return settings;
}

QString presetMatching(const GenerationSettings& settings) {
    for (const Preset& p : kPresets)
        if (qFuzzyCompare(settings.temperature, p.temperature) && qFuzzyCompare(settings.topP, p.topP))
            return QString::fromLatin1(p.name);
    return {};
}

GenerationSettings settingsForNewChat(GenerationSettings previous) {
    previous.endpointUrl.clear();
    previous.endpointKey.clear();
    previous.endpointModel.clear();
    previous.localModel.clear();
    return previous;
}

QStringList presetNames() {
    QStringList names;
    for (const Preset& p : kPresets) names << QString::fromLatin1(p.name);
    return names;
}

QJsonObject MessageStats::toJson() const {
    return {
        {"time_to_first_token", timeToFirstToken},
        {"tokens_per_second", tokensPerSecond},
        {"prompt_tokens", promptTokens},
        {"completion_tokens", completionTokens},
        {"context_limit", contextLimit},
        {"model", model},
        {"finish_reason", finishReason},
    };
}

MessageStats MessageStats::fromJson(const QJsonObject& json) {
    MessageStats s;
    s.timeToFirstToken = json.value("time_to_first_token").toDouble();
    s.tokensPerSecond = json.value("tokens_per_second").toDouble();
    s.promptTokens = json.value("prompt_tokens").toInt();
    s.completionTokens = json.value("completion_tokens").toInt();
    s.contextLimit = json.value("context_limit").toInt();
    s.model = json.value("model").toString();
    s.finishReason = json.value("finish_reason").toString();
    return s;
}

QString roleName(Role role) {
    switch (role) {
    case Role::System: return QStringLiteral("system");
    case Role::User: return QStringLiteral("user");
    case Role::Assistant: return QStringLiteral("assistant");
    }
    return {};
}

std::optional<Role> parseRole(const QString& name) {
    for (Role role : {Role::System, Role::User, Role::Assistant})
        if (name == roleName(role)) return role;
    return std::nullopt;
}

const Message* Conversation::find(const QString& messageId) const {
    auto it = std::find_if(messages.begin(), messages.end(), [&](const Message& m) { return m.id == messageId; });
    return it == messages.end() ? nullptr : &*it;
}

Message* Conversation::find(const QString& messageId) {
    return const_cast<Message*>(std::as_const(*this).find(messageId));
}

std::vector<const Message*> Conversation::currentPath() const {
    std::vector<const Message*> path;
    // Bounded by the message count so a corrupt parent cycle cannot loop forever.
    for (const Message* m = find(currentLeafId); m && path.size() < messages.size(); m = find(m->parentId)) {
        path.push_back(m);
        if (m->parentId.isEmpty()) break;
    }
    std::reverse(path.begin(), path.end());
    return path;
}

std::vector<const Message*> Conversation::siblings(const QString& messageId) const {
    std::vector<const Message*> result;
    const Message* self = find(messageId);
    if (!self) return result;
    for (const Message& m : messages)
        if (m.parentId == self->parentId) result.push_back(&m);
    return result;
}

// An empty messageId starts above the roots, so it finds the newest root's newest leaf.
QString Conversation::newestLeafUnder(const QString& messageId) const {
    QString current = messageId;
    for (size_t depth = 0; depth < messages.size(); ++depth) {
        auto newest = std::find_if(messages.rbegin(), messages.rend(), [&](const Message& m) { return m.parentId == current; });
        if (newest == messages.rend()) break;
        current = newest->id;
    }
    return current;
}

QString newId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

}  // namespace pagoda::store
