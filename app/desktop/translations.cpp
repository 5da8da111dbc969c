#include "app/desktop/translations.h"

#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace pagoda {

QLocale installTranslations(QCoreApplication& app, const QString& language) {
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    QLocale::setDefault(locale);
    if (locale.language() == QLocale::English || locale.language() == QLocale::C) return locale;
    auto* pagoda = new QTranslator(&app);
    if (pagoda->load(locale, "pagoda", "_", ":/i18n")) app.installTranslator(pagoda);
    auto* qt = new QTranslator(&app);
    if (qt->load(locale, "qtbase", "_", QLibraryInfo::path(QLibraryInfo::TranslationsPath))) app.installTranslator(qt);
    return locale;
}

}  // namespace pagoda
