#include "ui/settings/app_preferences_panel.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "app/desktop/desktop_services.h"

namespace pagoda::ui {

AppPreferencesPanel::AppPreferencesPanel(DesktopServices& services, QWidget* parent)
    : QGroupBox(tr("Application"), parent), m_services(services) {
    m_language = new QComboBox(this);
    m_language->setObjectName("languageCombo");
    m_language->addItem(tr("System"), QString());
    // Each language is named in itself, so a user who cannot read the current one finds theirs.
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    m_language->setCurrentIndex(std::max(0, m_language->findData(services.settings().language())));
    m_languageNote = new QLabel(tr("Takes effect when Pagoda is restarted."), this);
    m_languageNote->setObjectName("languageNote");
    m_languageNote->hide();

    m_keepApiInTray = new QCheckBox(tr("Keep the API running in the tray when the window closes"), this);
    m_keepApiInTray->setObjectName("keepApiInTray");
    m_keepApiInTray->setChecked(services.settings().keepApiInTray());

    auto* languageColumn = new QVBoxLayout;
    languageColumn->addWidget(m_language);
    languageColumn->addWidget(m_languageNote);
    auto* form = new QFormLayout(this);
    form->addRow(tr("Language"), languageColumn);
    form->addRow(m_keepApiInTray);

    connect(m_language, &QComboBox::currentIndexChanged, this, [this] {
        m_services.settings().setLanguage(m_language->currentData().toString());
        m_languageNote->show();
    });
    connect(m_keepApiInTray, &QCheckBox::toggled, this, [this](bool on) { m_services.settings().setKeepApiInTray(on); });
}

}  // namespace pagoda::ui
