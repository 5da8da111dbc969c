#include "ui/models/models_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace pagoda::ui {

ModelsPage::ModelsPage(DesktopServices&, QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel("ModelsPage", this));
}

}  // namespace pagoda::ui
