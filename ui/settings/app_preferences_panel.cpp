#include "ui/settings/app_preferences_panel.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "app/desktop/app_restart.h"
#include "app/desktop/desktop_services.h"
#include "ui/theme.h"

namespace pagoda::ui {

AppPreferencesPanel::AppPreferencesPanel(DesktopServices& services, QWidget* parent)
    : QGroupBox(tr("Application"), parent), m_services(services) {
    m_language = new QComboBox(this);
    m_language->setObjectName("languageCombo");
    m_language->setAccessibleName(tr("Language"));
    m_language->addItem(tr("System"), QString());
    // Each language is named in itself, so a user who cannot read the current one finds theirs.
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    m_language->setCurrentIndex(std::max(0, m_language->findData(services.settings().language())));
    m_startLanguage = services.settings().language();
    m_languageNote = new QLabel(tr("The new language applies after a restart."), this);
    m_languageNote->setObjectName("languageNote");
    m_languageNote->setWordWrap(true);
    m_languageNote->hide();
    m_restartButton = new QPushButton(tr("Restart now"), this);
    m_restartButton->setObjectName("restartButton");
    m_restartButton->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_restartButton->hide();
    m_restart = [] {
        if (!startReplacement(restartCommand())) return false;
        QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
        return true;
    };

    m_theme = new QComboBox(this);
    m_theme->setObjectName("themeCombo");
    m_theme->setAccessibleName(tr("Theme"));
    m_theme->addItem(tr("Follow the desktop"), QStringLiteral("system"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    m_theme->setCurrentIndex(std::max(0, m_theme->findData(services.settings().theme())));
    m_theme->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);  // as wide as its words, as Language

    m_keepApiInTray = new QCheckBox(tr("Keep the API running in the tray when the window closes"), this);
    m_keepApiInTray->setObjectName("keepApiInTray");
    m_keepApiInTray->setChecked(services.settings().keepApiInTray());

    auto* languageColumn = new QVBoxLayout;
    languageColumn->addWidget(m_language);
    auto* restartRow = new QHBoxLayout;
    restartRow->addWidget(m_languageNote, 1);
    restartRow->addWidget(m_restartButton);
    languageColumn->addLayout(restartRow);
    auto* form = new QFormLayout(this);
    form->addRow(tr("Language"), languageColumn);
    form->addRow(tr("Appearance"), m_theme);
    form->addRow(m_keepApiInTray);

    connect(m_language, &QComboBox::currentIndexChanged, this, [this] {
        m_services.settings().setLanguage(m_language->currentData().toString());
        showLanguageNote();
    });
    connect(m_restartButton, &QPushButton::clicked, this, [this] {
        if (m_restart && m_restart()) {
            m_restartButton->setEnabled(false);  // quitting: a second click would start a second copy
            m_languageNote->setText(tr("Restarting…"));
            return;
        }
        m_languageNote->setText(tr("Pagoda could not restart itself: quit and open it again."));
    });
    connect(m_theme, &QComboBox::currentIndexChanged, this, [this] {
        const QString theme = m_theme->currentData().toString();
        m_services.settings().setTheme(theme);
        applyTheme(theme);  // live: every widget follows the application palette
    });
    connect(m_keepApiInTray, &QCheckBox::toggled, this, [this](bool on) { m_services.settings().setKeepApiInTray(on); });
}

// Back to the language on screen: nothing to restart for.
void AppPreferencesPanel::showLanguageNote() {
    const bool changed = m_language->currentData().toString() != m_startLanguage;
    m_languageNote->setText(tr("The new language applies after a restart."));
    m_languageNote->setVisible(changed);
    m_restartButton->setVisible(changed);
    m_restartButton->setEnabled(true);
}

}  // namespace pagoda::ui
