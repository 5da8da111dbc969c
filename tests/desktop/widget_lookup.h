// Finds a widget by objectName in the desktop suites, failing loudly (not with a null
// pointer crash) when a page no longer has it.
#pragma once

#include <QWidget>

#include <cstdlib>

namespace pagoda::test {

template <class T>
T* child(QWidget& parent, const char* name) {
    T* found = parent.findChild<T*>(QString::fromLatin1(name));
    if (!found) qFatal("no child named %s", name);
    return found;
}

}  // namespace pagoda::test
