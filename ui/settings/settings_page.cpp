#include "ui/settings/settings_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace pagoda::ui {

SettingsPage::SettingsPage(DesktopServices&, QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel("SettingsPage", this));
}

}  // namespace pagoda::ui
