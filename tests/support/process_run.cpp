#include "tests/support/process_run.h"

#include <QProcess>

namespace pagoda::test {

ProcessRun runProcess(const QString& program, const QStringList& arguments, const ProcessOptions& options) {
    QProcess process;
    if (options.environment) process.setProcessEnvironment(*options.environment);
    process.start(program, arguments);
    process.write(options.input);
    process.closeWriteChannel();
    if (!process.waitForFinished(options.timeoutMs)) {
        const QString why = process.error() == QProcess::FailedToStart
                                ? QString("%1 could not be started: %2").arg(program, process.errorString())
                                : QString("%1 did not finish within %2 s").arg(program).arg(options.timeoutMs / 1000);
        process.kill();
        process.waitForFinished();
        return {-1, QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError()) + "\n" + why};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

}  // namespace pagoda::test
