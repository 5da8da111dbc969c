// Enforces DESIGN.md's dependency rules on the source tree and on the real compile lines:
// kernels/ depends on nothing of ours, engine/ only on kernels/, neither sees Qt, and
// nothing but the app's entry point includes ui/.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

struct Include {
    std::string file;  // relative to the source root
    int line;
    std::string target;
};

std::vector<Include> includesUnder(const std::string& folder) {
    static const std::regex includeLine("^\\s*#\\s*include\\s*[<\"]([^\">]+)[\">]");  // no raw string: moc misreads them
    std::vector<Include> found;
    const fs::path root(PAGODA_SOURCE_DIR);
    if (!fs::exists(root / folder)) return found;
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
        const std::string ext = entry.path().extension().string();
        if (!entry.is_regular_file() || (ext != ".h" && ext != ".cpp" && ext != ".cu" && ext != ".cuh")) continue;
        std::ifstream in(entry.path());
        std::string text;
        for (int n = 1; std::getline(in, text); ++n) {
            std::smatch m;
            if (std::regex_search(text, m, includeLine))
                found.push_back({fs::relative(entry.path(), root).string(), n, m[1].str()});
        }
    }
    return found;
}

// <QString>, <QtCore/QObject>, <qglobal.h>: anything from Qt.
bool isQtHeader(const std::string& header) {
    return std::regex_search(header, std::regex("^(Q[A-Z]|Qt|qt|q[a-z]+\\.h$)"));
}

QString describe(const std::vector<Include>& offending) {
    QStringList lines;
    for (const auto& inc : offending)
        lines << QString("%1:%2 includes %3").arg(QString::fromStdString(inc.file)).arg(inc.line).arg(QString::fromStdString(inc.target));
    return lines.join("; ");
}

}  // namespace

class DependencyRulesTest : public QObject {
    Q_OBJECT

private slots:
    void qtHeaderRecognition() {
        QVERIFY(isQtHeader("QString"));
        QVERIFY(isQtHeader("QtCore/QObject"));
        QVERIFY(isQtHeader("qglobal.h"));
        QVERIFY(!isQtHeader("queue"));
        QVERIFY(!isQtHeader("engine/model/model.h"));
        QVERIFY(!isQtHeader("nlohmann/json.hpp"));
    }

    void engineAndKernelsIncludeNoQt() {
        std::vector<Include> offending;
        for (const char* folder : {"engine", "kernels"})
            for (const auto& inc : includesUnder(folder))
                if (isQtHeader(inc.target)) offending.push_back(inc);
        QVERIFY2(offending.empty(), qPrintable(describe(offending)));
    }

    void kernelsIncludeNothingOfOurs() {
        std::vector<Include> offending;
        for (const auto& inc : includesUnder("kernels"))
            for (const char* ours : {"engine/", "app/", "ui/", "tests/"})
                if (inc.target.rfind(ours, 0) == 0) offending.push_back(inc);
        QVERIFY2(offending.empty(), qPrintable(describe(offending)));
    }

    void engineIncludesOnlyEngineAndKernels() {
        std::vector<Include> offending;
        for (const auto& inc : includesUnder("engine"))
            for (const char* forbidden : {"app/", "ui/", "tests/"})
                if (inc.target.rfind(forbidden, 0) == 0) offending.push_back(inc);
        QVERIFY2(offending.empty(), qPrintable(describe(offending)));
    }

    // The window's entry point opens it and the desktop suites drive it; no service sees it.
    void onlyTheEntryPointIncludesUi() {
        std::vector<Include> offending;
        for (const char* folder : {"engine", "kernels", "app", "tests"})
            for (const auto& inc : includesUnder(folder))
                if (inc.target.rfind("ui/", 0) == 0 && inc.file != "app/gui_main.cpp" &&
                    inc.file.rfind("tests/desktop/", 0) != 0)
                    offending.push_back(inc);
        QVERIFY2(offending.empty(), qPrintable(describe(offending)));
    }

    // ui/ talks to app/ services only, never to engine internals or kernels.
    void uiIncludesNoEngineOrKernels() {
        std::vector<Include> offending;
        for (const auto& inc : includesUnder("ui"))
            for (const char* forbidden : {"engine/", "kernels/", "tests/"})
                if (inc.target.rfind(forbidden, 0) == 0) offending.push_back(inc);
        QVERIFY2(offending.empty(), qPrintable(describe(offending)));
    }

    // The include scan sees only our own lines; the compile lines prove no Qt header is even
    // reachable from engine/ or kernels/ (no Qt include directory is on their command line).
    void engineAndKernelsCompileWithoutQtOnTheIncludePath() {
        const fs::path database = fs::path(PAGODA_BINARY_DIR) / "compile_commands.json";
        QVERIFY2(fs::exists(database), "configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON");
        std::ifstream in(database);
        const auto commands = nlohmann::json::parse(in);
        const std::string root = PAGODA_SOURCE_DIR;
        int checked = 0;
        for (const auto& entry : commands) {
            const std::string file = entry.at("file").get<std::string>();
            const bool ours = file.rfind(root + "/engine/", 0) == 0 || file.rfind(root + "/kernels/", 0) == 0;
            if (!ours) continue;
            const std::string command = entry.contains("command") ? entry["command"].get<std::string>() : entry["arguments"].dump();
            QVERIFY2(command.find("qt6") == std::string::npos && command.find("Qt6") == std::string::npos,
                     qPrintable(QString::fromStdString(file + " is compiled with Qt on its include path")));
            ++checked;
        }
        QVERIFY(checked > 10);
    }
};

QTEST_APPLESS_MAIN(DependencyRulesTest)
#include "dependency_rules_test.moc"
