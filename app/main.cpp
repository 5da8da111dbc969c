// Pagoda's single executable. Subcommands run headless; with no command it opens the
// desktop window (when built with PAGODA_GUI).
#include <QCoreApplication>
#include <QTextStream>

#include "app/cli/bench_command.h"
#include "app/cli/chat_command.h"
#include "app/cli/generate_command.h"
#include "app/cli/library_commands.h"
#include "app/cli/pull_command.h"
#include "app/cli/search_command.h"
#include "app/cli/selftest_command.h"
#include "app/cli/serve_command.h"
#include "app/cli/tokenize_command.h"
#ifdef PAGODA_GUI
#include "app/gui_main.h"
#endif

namespace {

void printUsage(QTextStream& out) {
    out << "Usage: pagoda [<command> [options]]\n\n"
           "With no command, Pagoda opens its desktop window.\n\n"
           "Commands:\n"
           "  serve      the OpenAI-compatible HTTP API on a model\n"
           "  chat       chat with a model in the terminal\n"
           "  bench      offline throughput and latency (vLLM benchmark_throughput shape)\n"
           "  generate   greedy generation, text or token ids\n"
           "  tokenize   text to token ids and back, through a model's tokenizer\n"
           "  pull       download a model from Hugging Face or ModelScope\n"
           "  search     find models on Hugging Face or ModelScope\n"
           "  list       the models on this machine, with what each needs in memory\n"
           "  rm         delete a downloaded model\n"
           "  selftest   check the CUDA backend against the CPU on this machine's GPU\n\n"
           "Run 'pagoda <command> --help' for a command's options, 'pagoda --version' for the version.\n";
}

}  // namespace

int main(int argc, char** argv) {
#ifdef PAGODA_GUI
    // No command: the desktop window. It needs a QApplication, the commands only a core one.
    if (argc == 1) return pagoda::runGui(argc, argv);
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("pagoda");
    QCoreApplication::setApplicationVersion(PAGODA_VERSION);

    QStringList args = QCoreApplication::arguments();
    const QString command = args.size() > 1 ? args.at(1) : QString();
    if (command == "--version") {
        QTextStream(stdout) << "pagoda " << PAGODA_VERSION << "\n";
        return 0;
    }
    using Command = int (*)(const QStringList&);
    const std::pair<const char*, Command> commands[] = {{"serve", pagoda::cli::runServe},
                                                        {"chat", pagoda::cli::runChat},
                                                        {"bench", pagoda::cli::runBench},
                                                        {"generate", pagoda::cli::runGenerate},
                                                        {"tokenize", pagoda::cli::runTokenize},
                                                        {"pull", pagoda::cli::runPull},
                                                        {"search", pagoda::cli::runSearch},
                                                        {"list", pagoda::cli::runList},
                                                        {"rm", pagoda::cli::runRemove},
                                                        {"selftest", pagoda::cli::runSelftest}};
    for (const auto& [name, run] : commands) {
        if (command != name) continue;
        args.removeAt(1);
        args[0] = QString("pagoda ") + name;
        return run(args);
    }
    QTextStream out(command.isEmpty() || command == "--help" || command == "-h" ? stdout : stderr);
    if (!command.isEmpty() && command != "--help" && command != "-h") out << "pagoda: unknown command '" << command << "'\n\n";
    printUsage(out);
    return command.isEmpty() || command == "--help" || command == "-h" ? 0 : 2;
}
