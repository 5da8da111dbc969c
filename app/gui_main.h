// The desktop window's entry point: `pagoda` with no command.
#pragma once

namespace pagoda {

// Returns the process exit code. Refuses politely where no display can be opened.
int runGui(int& argc, char** argv);

}  // namespace pagoda
