// Restarting the desktop app (a new interface language is read only at start): the same
// program with the same arguments, started detached, marked so that it waits for this
// instance to let go of the single-instance socket instead of handing over to it and exiting.
#pragma once

#include <QString>
#include <QStringList>

namespace pagoda {

// Set in the replacement's environment; read (and cleared) once by takeRestartMarker.
inline constexpr char kRestartEnvironment[] = "PAGODA_RESTARTED";
// How long a replacement waits for the instance it replaces to quit (saving, unloading a model).
inline constexpr int kRestartWaitMs = 30'000;

struct RestartCommand {
    QString program;
    QStringList arguments;
};

// This process's program and arguments (QCoreApplication's), less the program itself.
RestartCommand restartCommand();

// Starts the replacement detached, with kRestartEnvironment set; false when it cannot start.
bool startReplacement(const RestartCommand& command);

// True once in a process started by startReplacement; clears the marker so that programs this
// one starts do not inherit it.
bool takeRestartMarker();

}  // namespace pagoda
