// A combo box whose closed face shows "…" where its current text is cut, instead of the
// text running under the arrow (Qt's styles clip it: "needs 1.91 GiE"). Model lines are
// long and the box is kept narrow for a laptop; the open list shows them whole, and the
// tooltip does while the face is cut.
#pragma once

#include <QComboBox>

namespace pagoda::ui {

class ElidingComboBox : public QComboBox {
    Q_OBJECT
public:
    explicit ElidingComboBox(Qt::TextElideMode mode = Qt::ElideMiddle, QWidget* parent = nullptr);

    // What the closed face shows at the current width.
    QString displayedText() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QRect textRect() const;
    void updateToolTip();

    Qt::TextElideMode m_mode;
    QString m_ownToolTip;  // the tooltip set by the owner, kept under the full text
};

}  // namespace pagoda::ui
