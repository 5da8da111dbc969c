#include "app/desktop/app_restart.h"

#include <QCoreApplication>
#include <QProcess>

namespace pagoda {

RestartCommand restartCommand() {
    return {QCoreApplication::applicationFilePath(), QCoreApplication::arguments().mid(1)};
}

bool startReplacement(const RestartCommand& command) {
    QProcess process;
    process.setProgram(command.program);
    process.setArguments(command.arguments);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QString::fromLatin1(kRestartEnvironment), QStringLiteral("1"));
    process.setProcessEnvironment(environment);
    return process.startDetached();
}

bool takeRestartMarker() {
    const bool restarted = qEnvironmentVariableIsSet(kRestartEnvironment);
    qunsetenv(kRestartEnvironment);
    return restarted;
}

}  // namespace pagoda
