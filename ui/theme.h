// Light and dark: one place decides the application's palette, so every widget that draws
// with palette roles follows a switch live. "system" follows the desktop; "light" and "dark"
// use the Fusion style with a palette of our own whose pairs (text on base, highlighted text,
// links, placeholder and disabled text) keep a readable contrast. Widgets that pick colours
// of their own (code highlighting, charts, Markdown tables) ask isDarkTheme() and redraw on
// QEvent::PaletteChange.
#pragma once

#include <QColor>
#include <QPalette>
#include <QString>
#include <QStringList>

#include <optional>

class QWidget;

namespace pagoda::ui {

// The choices AppSettings::theme() stores.
inline const QStringList kThemeChoices = {QStringLiteral("system"), QStringLiteral("light"), QStringLiteral("dark")};

// Applies "system", "light" or "dark" (anything else counts as "system") to the running
// QApplication. Callable before any window exists, and again at any time.
void applyTheme(const QString& choice);
QString currentThemeChoice();

// What the desktop prefers, where it says (the XDG settings portal, Qt's colour scheme);
// nullopt: it does not say, so "system" keeps the platform's own palette. The watcher that
// reads the desktop calls this; tests call it to stand in for a desktop switching.
void setDesktopPrefersDark(std::optional<bool> dark);

// The palette in use is dark (its window colour is), whatever the choice that led to it.
bool isDarkTheme();
bool isDarkPalette(const QPalette& palette);

QPalette lightPalette();
QPalette darkPalette();

// WCAG 2 contrast ratio of two colours, 1 to 21; 4.5 is the minimum for body text.
double contrastRatio(const QColor& a, const QColor& b);

// Status colours readable on the window colour of the current theme (labels, table cells).
QColor errorColor();
QColor successColor();
QColor warningColor();

// Draws a widget's text (a status label) in a status colour that follows the theme: set
// again whenever the application palette changes. Tone::Normal goes back to the palette's.
enum class Tone { Normal, Error, Success, Warning };
void setTone(QWidget& widget, Tone tone);

}  // namespace pagoda::ui
