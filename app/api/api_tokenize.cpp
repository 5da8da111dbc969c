// ApiServer's /tokenize and /detokenize, in vLLM's shapes.
#include <fmt/format.h>

#include "app/api/api_server.h"
#include "engine/common/utf8.h"

namespace pagoda {

using nlohmann::ordered_json;

void ApiServer::tokenize(const HttpRequest& request, HttpResponder&& responder) try {
    auto body = readBody(request);
    if (!body) return sendError(responder, request, body.error());
    const Tokenizer* tokenizer = m_host.tokenizer();
    if (!tokenizer) return sendError(responder, request, badRequest("this model has no tokenizer"));
    if (body->contains("model") && (*body)["model"].is_string() && !knownModel((*body)["model"].get<std::string>()))
        return sendError(responder, request, modelNotFound((*body)["model"].get<std::string>()));

    std::string text;
    bool addSpecial = body->value("add_special_tokens", true);
    if (body->contains("messages")) {  // the chat form: render the template first
        const ChatTemplate* chatTemplate = m_host.chatTemplate();
        if (!chatTemplate) return sendError(responder, request, badRequest(m_host.noChatTemplateReason()));
        ordered_json context = body->value("chat_template_kwargs", ordered_json::object());
        context["messages"] = (*body)["messages"];
        if (body->contains("tools")) context["tools"] = (*body)["tools"];
        context["add_generation_prompt"] = body->value("add_generation_prompt", true);
        auto rendered = renderChat(*chatTemplate, *tokenizer, std::move(context));
        if (!rendered) return sendError(responder, request, badRequest(rendered.error().message, "messages"));
        text = std::move(rendered).value();
        addSpecial = body->value("add_special_tokens", false);
    } else if (body->contains("prompt") && (*body)["prompt"].is_string()) {
        text = (*body)["prompt"].get<std::string>();
    } else {
        return sendError(responder, request, badRequest("give 'prompt' (a string) or 'messages'", "prompt"));
    }
    auto ids = tokenizer->encode(text, addSpecial);
    if (!ids) return sendError(responder, request, badRequest(ids.error().message, "prompt"));
    ordered_json tokenStrings = ordered_json::array();
    if (body->value("return_token_strs", false))
        for (int32_t id : *ids) tokenStrings.push_back(toValidUtf8Lossy(tokenText(id)));
    ordered_json answer{{"count", ids->size()}, {"max_model_len", m_host.maxModelLen()}, {"tokens", *ids},
                        {"token_strs", body->value("return_token_strs", false) ? tokenStrings : ordered_json()}};
    sendJson(responder, request, 200, answer);
} catch (const nlohmann::json::exception& e) {  // a field of the wrong type
    sendError(responder, request, badRequest(fmt::format("malformed request: {}", e.what())));
}

void ApiServer::detokenize(const HttpRequest& request, HttpResponder&& responder) {
    auto body = readBody(request);
    if (!body) return sendError(responder, request, body.error());
    const Tokenizer* tokenizer = m_host.tokenizer();
    if (!tokenizer) return sendError(responder, request, badRequest("this model has no tokenizer"));
    if (!body->contains("tokens") || !(*body)["tokens"].is_array())
        return sendError(responder, request, badRequest("'tokens' must be a list of token ids", "tokens"));
    std::vector<int32_t> ids;
    for (const auto& v : (*body)["tokens"]) {
        if (!v.is_number_integer() || v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX)
            return sendError(responder, request, badRequest(fmt::format("{} is not a token id", v.dump()), "tokens"));
        ids.push_back(v.get<int32_t>());
    }
    auto text = tokenizer->decode(ids, false);
    if (!text) return sendError(responder, request, badRequest(text.error().message, "tokens"));
    sendJson(responder, request, 200, ordered_json{{"prompt", *text}});
}

}  // namespace pagoda
