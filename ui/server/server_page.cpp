#include "ui/server/server_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace pagoda::ui {

ServerPage::ServerPage(DesktopServices&, QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel("ServerPage", this));
}

}  // namespace pagoda::ui
