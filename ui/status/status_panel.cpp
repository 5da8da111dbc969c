#include "ui/status/status_panel.h"

#include <QHBoxLayout>
#include <QLabel>

namespace pagoda::ui {

StatusPanel::StatusPanel(DesktopServices&, QWidget* parent) : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(new QLabel("status", this));
}

}  // namespace pagoda::ui
