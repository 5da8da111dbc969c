#include "ui/elided_label.h"

#include <QResizeEvent>

namespace pagoda::ui {

ElidedLabel::ElidedLabel(Qt::TextElideMode mode, QWidget* parent) : QLabel(parent), m_mode(mode) {
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void ElidedLabel::setFullText(const QString& text) {
    m_full = text;
    updateGeometry();
    elide();
}

QSize ElidedLabel::sizeHint() const {
    const QMargins m = contentsMargins();
    return {fontMetrics().horizontalAdvance(m_full) + m.left() + m.right() + 2 * margin(),
            fontMetrics().height() + m.top() + m.bottom() + 2 * margin()};
}

QSize ElidedLabel::minimumSizeHint() const {
    // Room for a few characters around the "…", or the whole text when it is shorter.
    const QSize full = sizeHint();
    return {std::min(full.width(), fontMetrics().horizontalAdvance(QStringLiteral("Mm…mM"))), full.height()};
}

void ElidedLabel::resizeEvent(QResizeEvent* event) {
    QLabel::resizeEvent(event);
    elide();
}

void ElidedLabel::elide() {
    const QString shown = fontMetrics().elidedText(m_full, m_mode, contentsRect().width() - 2 * margin());
    QLabel::setText(shown);
    setToolTip(shown == m_full ? QString() : m_full);
}

}  // namespace pagoda::ui
