#include "ui/eliding_combo_box.h"

#include <QAbstractItemView>
#include <QStyleOptionComboBox>
#include <QStylePainter>

namespace pagoda::ui {

ElidingComboBox::ElidingComboBox(Qt::TextElideMode mode, QWidget* parent) : QComboBox(parent), m_mode(mode) {
    view()->setTextElideMode(mode);
    connect(this, &QComboBox::currentTextChanged, this, &ElidingComboBox::updateToolTip);
}

QRect ElidingComboBox::textRect() const {
    QStyleOptionComboBox option;
    initStyleOption(&option);
    // CE_ComboBoxLabel draws the text one pixel in from each side of the edit field.
    return style()->subControlRect(QStyle::CC_ComboBox, &option, QStyle::SC_ComboBoxEditField, this).adjusted(1, 0, -1, 0);
}

QString ElidingComboBox::displayedText() const {
    int width = textRect().width();
    if (!itemIcon(currentIndex()).isNull()) width -= iconSize().width() + 4;  // the label puts the icon first
    return fontMetrics().elidedText(currentText(), m_mode, width);
}

void ElidingComboBox::paintEvent(QPaintEvent*) {
    QStylePainter painter(this);
    painter.setPen(palette().color(QPalette::Text));
    QStyleOptionComboBox option;
    initStyleOption(&option);
    painter.drawComplexControl(QStyle::CC_ComboBox, option);
    option.currentText = displayedText();
    painter.drawControl(QStyle::CE_ComboBoxLabel, option);
}

void ElidingComboBox::resizeEvent(QResizeEvent* event) {
    QComboBox::resizeEvent(event);
    updateToolTip();
}

void ElidingComboBox::updateToolTip() {
    const QString full = currentText();
    const bool cut = displayedText() != full;
    if (!cut && toolTip() != full) m_ownToolTip = toolTip();
    setToolTip(cut ? full : m_ownToolTip);
}

}  // namespace pagoda::ui
