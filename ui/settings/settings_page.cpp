#include "ui/settings/settings_page.h"

#include <QScrollArea>
#include <QVBoxLayout>

#include "ui/settings/app_preferences_panel.h"
#include "ui/settings/engine_settings_panel.h"

namespace pagoda::ui {

SettingsPage::SettingsPage(DesktopServices& services, QWidget* parent) : QWidget(parent) {
    // Scrolls rather than squeezes: the estimate and the reload result wrap onto more lines.
    auto* content = new QWidget;
    auto* column = new QVBoxLayout(content);
    column->addWidget(new EngineSettingsPanel(services, content));
    column->addWidget(new AppPreferencesPanel(services, content));
    column->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
}

}  // namespace pagoda::ui
