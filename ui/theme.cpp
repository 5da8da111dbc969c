#include "ui/theme.h"

#include <QApplication>
#include <QEvent>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleHints>
#include <QToolTip>
#include <QWidget>

#include <cmath>

#include "ui/desktop_color_scheme.h"

namespace pagoda::ui {

namespace {

struct ThemeState {
    QString choice = QStringLiteral("system");
    std::optional<bool> desktopDark;
    QString platformStyle;  // the style Qt chose for this desktop, restored by "system"
    bool started = false;
};

ThemeState& state() {
    static ThemeState s;
    return s;
}

void setColors(QPalette& p, QPalette::ColorGroup group, std::initializer_list<std::pair<QPalette::ColorRole, const char*>> colors) {
    for (const auto& [role, name] : colors) p.setColor(group, role, QColor(QString::fromLatin1(name)));
}

void setAllGroups(QPalette& p, std::initializer_list<std::pair<QPalette::ColorRole, const char*>> colors) {
    for (const auto group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) setColors(p, group, colors);
}

double channel(double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }

double luminance(const QColor& color) {
    const QColor c = color.toRgb();
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

// The first call sees the application as the platform set it up; "system" goes back to that.
void start() {
    ThemeState& s = state();
    if (s.started) return;
    s.started = true;
    s.platformStyle = QApplication::style()->name();
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    // Qt reads the desktop's preference itself from 6.5 on.
    const auto fromHints = [] {
        const Qt::ColorScheme scheme = QGuiApplication::styleHints()->colorScheme();
        setDesktopPrefersDark(scheme == Qt::ColorScheme::Unknown ? std::nullopt
                                                                 : std::optional<bool>(scheme == Qt::ColorScheme::Dark));
    };
    s.desktopDark = QGuiApplication::styleHints()->colorScheme() == Qt::ColorScheme::Unknown
                        ? std::nullopt
                        : std::optional<bool>(QGuiApplication::styleHints()->colorScheme() == Qt::ColorScheme::Dark);
    QObject::connect(QGuiApplication::styleHints(), &QStyleHints::colorSchemeChanged, qApp, fromHints);
#else
    watchDesktopColorScheme([](std::optional<bool> dark) { setDesktopPrefersDark(dark); });
#endif
}

void useStyle(const QString& name) {
    if (QApplication::style()->name().compare(name, Qt::CaseInsensitive) == 0) return;
    if (QStyle* style = QStyleFactory::create(name)) QApplication::setStyle(style);
}

void usePalette(const QPalette& palette) {
    QApplication::setPalette(palette);
    QToolTip::setPalette(palette);
}

void applyChoice();

// Widgets learn of a new application palette from a posted event; delivering it now means a
// window grabbed or a colour read right after applyTheme already shows the new theme.
void apply() {
    applyChoice();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::ApplicationPaletteChange);
}

void applyChoice() {
    const ThemeState& s = state();
    const bool system = s.choice != QLatin1String("dark") && s.choice != QLatin1String("light");
    const std::optional<bool> dark = system ? s.desktopDark : std::optional<bool>(s.choice == QLatin1String("dark"));
    // Following the desktop: its own style and palette, where they match what it prefers.
    if (system) {
        useStyle(s.platformStyle);
        usePalette(QPalette());
        if (!dark || isDarkPalette(QApplication::palette()) == *dark) return;
    }
    // Native styles may draw with colours of their own; Fusion draws only from the palette.
    useStyle(QStringLiteral("Fusion"));
    usePalette(*dark ? darkPalette() : lightPalette());
}

}  // namespace

void applyTheme(const QString& choice) {
    if (!qobject_cast<QApplication*>(QCoreApplication::instance())) return;
    start();
    state().choice = kThemeChoices.contains(choice) ? choice : QStringLiteral("system");
    apply();
}

QString currentThemeChoice() { return state().choice; }

void setDesktopPrefersDark(std::optional<bool> dark) {
    ThemeState& s = state();
    if (s.desktopDark == dark) return;
    s.desktopDark = dark;
    if (s.started && s.choice == QLatin1String("system")) apply();
}

bool isDarkPalette(const QPalette& palette) { return palette.color(QPalette::Window).lightnessF() < 0.5; }

bool isDarkTheme() { return isDarkPalette(QApplication::palette()); }

QPalette darkPalette() {
    QPalette p;
    setAllGroups(p, {{QPalette::Window, "#2b2d30"},        {QPalette::WindowText, "#e6e6e6"},
                     {QPalette::Base, "#1f2023"},          {QPalette::AlternateBase, "#303338"},
                     {QPalette::ToolTipBase, "#3b3e42"},   {QPalette::ToolTipText, "#ededed"},
                     {QPalette::PlaceholderText, "#a2a5aa"}, {QPalette::Text, "#e6e6e6"},
                     {QPalette::Button, "#36383c"},        {QPalette::ButtonText, "#e6e6e6"},
                     {QPalette::BrightText, "#ffffff"},    {QPalette::Light, "#4a4d52"},
                     {QPalette::Midlight, "#3e4145"},      {QPalette::Mid, "#2a2c2f"},
                     {QPalette::Dark, "#18191b"},          {QPalette::Shadow, "#000000"},
                     {QPalette::Highlight, "#3a6fb0"},     {QPalette::HighlightedText, "#ffffff"},
                     {QPalette::Link, "#78b4ff"},          {QPalette::LinkVisited, "#c6a0ff"}});
    // Disabled text is meant to recede, yet still be legible (about 3:1).
    setColors(p, QPalette::Disabled,
              {{QPalette::WindowText, "#80838a"}, {QPalette::Text, "#80838a"}, {QPalette::ButtonText, "#80838a"},
               {QPalette::Base, "#26282b"}, {QPalette::Button, "#303236"}, {QPalette::Highlight, "#4a4d52"},
               {QPalette::HighlightedText, "#c8c8c8"}, {QPalette::PlaceholderText, "#6f7278"}});
    return p;
}

QPalette lightPalette() {
    QPalette p;
    setAllGroups(p, {{QPalette::Window, "#f0f0f0"},        {QPalette::WindowText, "#1b1b1b"},
                     {QPalette::Base, "#ffffff"},          {QPalette::AlternateBase, "#eef1f5"},
                     {QPalette::ToolTipBase, "#ffffe1"},   {QPalette::ToolTipText, "#1b1b1b"},
                     {QPalette::PlaceholderText, "#5f6368"}, {QPalette::Text, "#1b1b1b"},
                     {QPalette::Button, "#f0f0f0"},        {QPalette::ButtonText, "#1b1b1b"},
                     {QPalette::BrightText, "#ffffff"},    {QPalette::Light, "#ffffff"},
                     {QPalette::Midlight, "#e3e3e3"},      {QPalette::Mid, "#b8b8b8"},
                     {QPalette::Dark, "#9f9f9f"},          {QPalette::Shadow, "#767676"},
                     {QPalette::Highlight, "#2a64ad"},     {QPalette::HighlightedText, "#ffffff"},
                     {QPalette::Link, "#0b57d0"},          {QPalette::LinkVisited, "#6a3ab2"}});
    setColors(p, QPalette::Disabled,
              {{QPalette::WindowText, "#8a8a8a"}, {QPalette::Text, "#8a8a8a"}, {QPalette::ButtonText, "#8a8a8a"},
               {QPalette::Base, "#f5f5f5"}, {QPalette::Highlight, "#c5c5c5"}, {QPalette::HighlightedText, "#1b1b1b"},
               {QPalette::PlaceholderText, "#a0a0a0"}});
    return p;
}

double contrastRatio(const QColor& a, const QColor& b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// Material's red/green/amber, light shades on dark windows and dark ones on light, each at
// least 4.5:1 on the window, base and alternate base colours (the light green is a little
// darker than Material's 800, which stops just short on #f0f0f0).
QColor errorColor() { return QColor(isDarkTheme() ? 0xff8a80 : 0xc62828); }
QColor successColor() { return QColor(isDarkTheme() ? 0x81c784 : 0x256b29); }
QColor warningColor() { return QColor(isDarkTheme() ? 0xffb74d : 0x8f5400); }

namespace {

const char* const kToneProperty = "pagodaTone";

void paintTone(QWidget& widget) {
    const auto tone = Tone(widget.property(kToneProperty).toInt());
    QPalette palette;  // no role set: everything inherited
    const QColor colour = tone == Tone::Error     ? errorColor()
                          : tone == Tone::Success ? successColor()
                          : tone == Tone::Warning ? warningColor()
                                                  : QColor();
    if (colour.isValid())
        for (const auto role : {QPalette::WindowText, QPalette::Text}) palette.setColor(role, colour);
    widget.setPalette(palette);
}

// Re-colours a toned widget when the theme changes (its own PaletteChange would loop).
class ToneFollower : public QObject {
public:
    using QObject::QObject;
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::ApplicationPaletteChange)
            if (auto* widget = qobject_cast<QWidget*>(watched)) paintTone(*widget);
        return false;
    }
};

}  // namespace

void setTone(QWidget& widget, Tone tone) {
    if (!widget.property(kToneProperty).isValid()) widget.installEventFilter(new ToneFollower(&widget));
    widget.setProperty(kToneProperty, int(tone));
    paintTone(widget);
}

}  // namespace pagoda::ui
