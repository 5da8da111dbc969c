// The UI language: Pagoda's own catalog (built in as :/i18n/pagoda_<locale>.qm) and Qt's for
// its standard dialogs. English is the source language and needs neither.
#pragma once

#include <QCoreApplication>
#include <QLocale>
#include <QString>

namespace pagoda {

// language: "" follows the system locale; otherwise a locale name such as "zh_CN" or "en".
// Returns the locale chosen, which also becomes QLocale's default.
QLocale installTranslations(QCoreApplication& app, const QString& language);

}  // namespace pagoda
