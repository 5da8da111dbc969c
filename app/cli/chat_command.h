// `pagoda chat`: an interactive terminal chat like fastchat.serve.cli: streams the answer,
// keeps the history through the model's chat template; /reset, /exit; Ctrl-C stops the
// current answer (and at the prompt, leaves).
#pragma once

#include <QStringList>

namespace pagoda::cli {

int runChat(const QStringList& arguments);

}  // namespace pagoda::cli
