// A conversation as the chat window and the store see it: messages form a tree (each has a
// parent), so regenerating an answer or editing a question adds a branch instead of erasing
// what followed; `currentLeafId` picks the branch on screen. Plain values, safe to copy
// across threads.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <QStringList>

#include <optional>
#include <vector>

namespace pagoda::store {

// Per-conversation generation settings. Who answers: a non-empty endpointUrl is any
// OpenAI-compatible server (vLLM, FastChat, another Pagoda); otherwise the library model
// named by localModel, and when that is empty too, whichever model is loaded in Pagoda.
struct GenerationSettings {
    QString systemPrompt;
    double temperature = 0.7;
    double topP = 0.8;
    int maxTokens = 2048;
    // Qwen3's enable_thinking, only when the user chose it: unset leaves the template's (or
    // the server's) default, so a model or server without the switch never receives it.
    std::optional<bool> thinking;
    QString preset = "balanced";  // "precise", "balanced", "creative" or empty (custom)
    QString endpointUrl;   // e.g. http://gpu-box:8000/v1
    QString endpointKey;
    QString endpointModel;
    QString localModel;    // LocalModel::name() chosen in the chat's model picker; empty: the loaded one

    QJsonObject toJson() const;
    static GenerationSettings fromJson(const QJsonObject& json);  // missing fields keep defaults
    bool operator==(const GenerationSettings&) const = default;
};

// Named presets: temperature and top_p only.
GenerationSettings withPreset(GenerationSettings settings, const QString& preset);
QStringList presetNames();
// The preset whose temperature and top_p these are; empty when none matches.
QString presetMatching(const GenerationSettings& settings);

// A new chat after `previous`: its system prompt and sampling, but no endpoint and no model
// of its own, so it answers with the model loaded now; a server only when chosen for it.
GenerationSettings settingsForNewChat(GenerationSettings previous);

// Measured for one answer, shown under it.
struct MessageStats {
    double timeToFirstToken = 0;  // seconds
    double tokensPerSecond = 0;   // completion tokens after the first, over their time
    int promptTokens = 0;
    int completionTokens = 0;
    int contextLimit = 0;         // the model's max context when it answered
    QString model;
    QString finishReason;         // stop, length, abort, error

    QJsonObject toJson() const;
    static MessageStats fromJson(const QJsonObject& json);
    bool operator==(const MessageStats&) const = default;
};

enum class Role { System, User, Assistant };
QString roleName(Role role);                    // "system", "user", "assistant"
std::optional<Role> parseRole(const QString& name);

struct Message {
    QString id;        // QUuid without braces
    QString parentId;  // empty for the first message of the conversation
    Role role = Role::User;
    QString content;
    QString reasoning;  // a thinking model's thought, shown collapsed
    MessageStats stats;
    QDateTime created;
    bool operator==(const Message&) const = default;
};

struct ConversationSummary {
    QString id;
    QString title;
    QDateTime updated;
};

struct Conversation {
    QString id;
    QString title;
    GenerationSettings settings;
    QString currentLeafId;  // the last message of the branch on screen; empty when empty
    QDateTime created;
    QDateTime updated;
    std::vector<Message> messages;  // every branch, in creation order

    const Message* find(const QString& messageId) const;
    Message* find(const QString& messageId);
    // Root to currentLeafId: the branch on screen.
    std::vector<const Message*> currentPath() const;
    // Messages with the same parent as messageId (itself included), in creation order.
    std::vector<const Message*> siblings(const QString& messageId) const;
    // Follows the newest child from messageId down to a leaf.
    QString newestLeafUnder(const QString& messageId) const;
};

QString newId();  // a fresh message/conversation id

}  // namespace pagoda::store
