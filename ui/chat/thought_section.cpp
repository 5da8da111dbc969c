#include "ui/chat/thought_section.h"

#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace pagoda::ui {

ThoughtSection::ThoughtSection(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_toggle = new QToolButton(this);
    m_toggle->setObjectName("thoughtToggle");
    m_toggle->setCheckable(true);
    m_toggle->setAutoRaise(true);
    m_toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_body = new QLabel(this);
    m_body->setObjectName("thoughtBody");
    m_body->setWordWrap(true);
    m_body->setTextFormat(Qt::PlainText);
    m_body->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_body->setForegroundRole(QPalette::PlaceholderText);
    m_body->setMinimumWidth(1);
    m_body->setContentsMargins(18, 0, 0, 4);
    m_body->hide();
    layout->addWidget(m_toggle, 0, Qt::AlignLeft);
    layout->addWidget(m_body);
    connect(m_toggle, &QToolButton::clicked, this, [this](bool open) {
        m_userChose = true;
        setExpanded(open);
    });
    updateToggle();
}

void ThoughtSection::setReasoning(const QString& reasoning, bool thinking) {
    if (m_body->text() != reasoning) m_body->setText(reasoning);
    m_thinking = thinking;
    if (!m_userChose) setExpanded(thinking);
    updateToggle();
}

void ThoughtSection::reset() { m_userChose = false; }

bool ThoughtSection::isExpanded() const { return m_toggle->isChecked(); }

void ThoughtSection::setExpanded(bool expanded) {
    m_toggle->setChecked(expanded);
    m_body->setVisible(expanded);
    updateToggle();
}

void ThoughtSection::updateToggle() {
    m_toggle->setArrowType(isExpanded() ? Qt::DownArrow : Qt::RightArrow);
    m_toggle->setText(m_thinking ? tr("Thinking…") : tr("Thought"));
}

}  // namespace pagoda::ui
