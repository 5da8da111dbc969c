// A one-line label that shows as much of its text as fits, with "…" where it is cut (in the
// middle for model names, whose owner and quantization both tell them apart), and the whole
// text in its tooltip then. It shrinks with its layout instead of widening it.
#pragma once

#include <QLabel>

namespace pagoda::ui {

class ElidedLabel : public QLabel {
    Q_OBJECT
public:
    explicit ElidedLabel(Qt::TextElideMode mode = Qt::ElideMiddle, QWidget* parent = nullptr);

    void setFullText(const QString& text);
    QString fullText() const { return m_full; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void elide();

    QString m_full;
    Qt::TextElideMode m_mode;
};

}  // namespace pagoda::ui
