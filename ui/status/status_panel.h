// The status bar's contents: model, backend, KV cache use, tokens/s; a button opens the
// performance view. Placeholder until the status area lands.
#pragma once

#include <QWidget>

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class StatusPanel : public QWidget {
    Q_OBJECT
public:
    explicit StatusPanel(DesktopServices& services, QWidget* parent = nullptr);
};

}  // namespace pagoda::ui
