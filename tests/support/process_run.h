// Runs a program to its end and keeps what it printed: the suites that drive `pagoda` and
// the packaging tools as a user would, from a shell.
#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

namespace pagoda::test {

struct ProcessRun {
    int exitCode = -1;  // -1 when it crashed, did not start or did not finish in time
    QString out;
    QString err;  // with a line saying so when it did not start or finish
};

struct ProcessOptions {
    QByteArray input;                                // written to its stdin, which is then closed
    std::optional<QProcessEnvironment> environment;  // unset: this process's own
    int timeoutMs = 60000;                           // then it is killed
};

ProcessRun runProcess(const QString& program, const QStringList& arguments, const ProcessOptions& options = {});

}  // namespace pagoda::test
