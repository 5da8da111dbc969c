// Placeholder page, replaced by its area's implementation.
#pragma once

#include <QWidget>

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class ServerPage : public QWidget {
    Q_OBJECT
public:
    explicit ServerPage(DesktopServices& services, QWidget* parent = nullptr);
};

}  // namespace pagoda::ui
