#include "app/cli/chat_command.h"

#include <QTextStream>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/api/structured_output_fields.h"
#include "app/cli/engine_options.h"
#include "app/cli/structured_output_options.h"
#include "engine/engine_thread.h"

namespace pagoda::cli {

namespace {

std::atomic<bool> g_interrupted{false};

void onInterrupt(int) { g_interrupted = true; }

// SIGINT without SA_RESTART, so a blocking read at the prompt returns instead of resuming.
void installInterruptHandler() {
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
}

void print(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

// One answer's progress, shared between the engine thread's callback and the prompt loop.
struct Answer {
    std::mutex mutex;
    std::condition_variable done;
    std::string text;
    bool finished = false;
    std::string error;
};

}  // namespace

int runChat(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription("Chat with a model in the terminal. /reset clears the history, /exit leaves; "
                                     "Ctrl-C stops the current answer.");
    parser.addHelpOption();
    addEngineOptions(parser);
    parser.addOptions({
        {"max-tokens", "Longest answer in tokens (default 1024).", "n", "1024"},
        {"temperature", "Sampling temperature; 0 is greedy (default: the model's generation_config).", "t"},
        {"top-p", "Nucleus sampling mass (default: the model's generation_config).", "p"},
        {"system", "A system prompt.", "text"},
        {"chat-template-kwargs", "Extra template variables as JSON, e.g. {\"enable_thinking\": false}.", "json"},
    });
    addStructuredOutputOptions(parser);
    parser.process(arguments);

    QTextStream err(stderr);
    auto fail = [&](const std::string& message) {
        err << "pagoda chat: " << QString::fromStdString(message) << "\n";
        return 1;
    };
    auto options = readEngineOptions(parser);
    if (!options) return fail(options.error().message);
    auto constraint = readStructuredOutputOptions(parser);
    if (!constraint) return fail(constraint.error().message);
    auto loaded = loadEngine(*options);
    if (!loaded) return fail(loaded.error().message);
    if (!loaded->tokenizer || !loaded->chatTemplate)
        return fail("this model has no tokenizer or chat template, so it cannot chat; try pagoda generate");
    if (!loaded->backendNote.empty()) err << QString::fromStdString(loaded->backendNote) << "\n";
    if (!loaded->cache.note.empty()) err << QString::fromStdString(loaded->cache.note) << "\n";

    SamplingParams params = loaded->defaults;
    params.maxTokens = parser.value("max-tokens").toInt();
    if (parser.isSet("temperature")) params.temperature = parser.value("temperature").toFloat();
    if (parser.isSet("top-p")) params.topP = parser.value("top-p").toFloat();
    params.structuredOutput = *constraint;
    if (auto valid = params.validate(loaded->model->config.vocabSize); !valid) return fail(valid.error().message);
    nlohmann::ordered_json templateKwargs = nlohmann::ordered_json::object();
    if (parser.isSet("chat-template-kwargs")) {
        try {
            templateKwargs = nlohmann::ordered_json::parse(parser.value("chat-template-kwargs").toStdString());
        } catch (const nlohmann::json::exception& e) {
            return fail(fmt::format("--chat-template-kwargs is not JSON: {}", e.what()));
        }
    }

    const Tokenizer& tokenizer = *loaded->tokenizer;
    EngineThread engine(std::move(loaded->engine));
    const int maxModelLen = options->maxModelLen > 0 ? options->maxModelLen : loaded->cache.maxModelLen;
    installInterruptHandler();

    auto freshHistory = [&] {
        auto history = nlohmann::ordered_json::array();
        if (parser.isSet("system")) history.push_back({{"role", "system"}, {"content", parser.value("system").toStdString()}});
        return history;
    };
    auto history = freshHistory();
    for (int turn = 0;; ++turn) {
        print("USER: ");
        std::string line;
        g_interrupted = false;
        if (!std::getline(std::cin, line) || g_interrupted) break;
        if (line == "/exit" || line == "/quit") break;
        if (line == "/reset") {
            history = freshHistory();
            print("(history cleared)\n");
            continue;
        }
        if (line.empty()) continue;
        history.push_back({{"role", "user"}, {"content", line}});

        nlohmann::ordered_json context = templateKwargs;
        context["messages"] = history;
        context["add_generation_prompt"] = true;
        auto prompt = renderChat(*loaded->chatTemplate, tokenizer, std::move(context));
        auto ids = prompt ? tokenizer.encode(*prompt, false) : Result<std::vector<int32_t>>(prompt.error());
        if (!ids) {
            history.erase(history.end() - 1);
            print(fmt::format("(error: {})\n", ids.error().message));
            continue;
        }
        if (int(ids->size()) >= maxModelLen) {
            history.erase(history.end() - 1);
            print(fmt::format("(the conversation is {} tokens, over the context of {}; /reset to start over)\n",
                              ids->size(), maxModelLen));
            continue;
        }

        // A thinking model thinks freely; the constraint starts after its </think>.
        SamplingParams turnParams = params;
        const ChatOutputOptions outputOptions = chatOutputOptionsFor(loaded->chatTemplate->source(), *prompt, {});
        if (auto error = openai::constrainChatAnswer(nlohmann::ordered_json(), "none", outputOptions,
                                                     loaded->chatTemplate->source(), tokenizer, turnParams))
            return fail(error->message);

        Answer answer;
        const std::string id = fmt::format("chat-{}", turn);
        print("ASSISTANT: ");
        engine.submit(
            {id, std::move(ids).value(), turnParams},
            [&](const RequestOutput& out) {
                std::lock_guard lock(answer.mutex);
                for (const auto& c : out.outputs) {
                    print(c.newText);
                    answer.text += c.newText;
                }
                if (out.finished) {
                    answer.finished = true;
                    answer.done.notify_one();
                }
            },
            [&](const Error& e) {
                std::lock_guard lock(answer.mutex);
                answer.error = e.message;
                answer.finished = true;
                answer.done.notify_one();
            });
        std::unique_lock lock(answer.mutex);
        bool aborted = false;
        while (!answer.done.wait_for(lock, std::chrono::milliseconds(50), [&] { return answer.finished; })) {
            if (g_interrupted && !aborted) {
                engine.abort(id);  // the answer so far stays in the history
                aborted = true;
            }
        }
        if (!answer.error.empty()) {
            print(fmt::format("(error: {})\n", answer.error));
            history.erase(history.end() - 1);
            continue;
        }
        print(aborted ? " [stopped]\n" : "\n");
        history.push_back({{"role", "assistant"}, {"content", answer.text}});
    }
    print("\n");
    return 0;
}

}  // namespace pagoda::cli
