// A conversation's branch on screen as Markdown or JSON, for "Export".
#pragma once

#include <QByteArray>
#include <QString>

#include "app/store/conversation.h"

namespace pagoda::store {

// "# Title", then "**User**" / "**Assistant**" sections; reasoning in a <details> block.
QString exportMarkdown(const Conversation& conversation);
// {"title", "created", "settings", "messages": [{"role","content","reasoning"?,"stats"?}]}:
// the messages array is OpenAI's chat format, so it can be replayed against an API.
QByteArray exportJson(const Conversation& conversation);

}  // namespace pagoda::store
