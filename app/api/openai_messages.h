// Chat-specific request fields for openai_protocol.cpp: `messages`, `tools` and
// `tool_choice`, checked and normalized for the chat template.
#pragma once

#include <string>
#include <vector>

#include "app/api/openai_fields.h"

namespace pagoda::openai {

// `messages` as ChatCompletionRequest::messages describes them.
FieldError normalizeMessages(const FieldReader& fields, Json& out);
// `tools`, left null when absent; `names` receives each function's name.
FieldError readTools(const FieldReader& fields, Json& out, std::vector<std::string>& names);
// `tool_choice`, normalized to "none" / "auto" / "required" / {"type": "function", "function": {"name"}}.
FieldError readToolChoice(const FieldReader& fields, bool haveTools, const std::vector<std::string>& names, Json& out);

}  // namespace pagoda::openai
