// Ready-to-paste client code for the Server page, filled with the real base URL, key and
// served model name, so a user can try the API without reading documentation.
#pragma once

#include <QString>

namespace pagoda::ui {

// A chat completion with curl; the Authorization header only when a key is set.
QString curlSnippet(const QString& baseUrl, const QString& apiKey, const QString& model);
// The same with the official openai Python client (which insists on some api_key).
QString pythonSnippet(const QString& baseUrl, const QString& apiKey, const QString& model);

}  // namespace pagoda::ui
