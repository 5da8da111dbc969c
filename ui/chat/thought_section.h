// A thinking model's thought above its answer, behind a "Thought" toggle: open while only the
// thought is streaming (so the wait has something to read), folded once the answer starts,
// and after that as the user last left it.
#pragma once

#include <QWidget>

class QLabel;
class QToolButton;

namespace pagoda::ui {

class ThoughtSection : public QWidget {
    Q_OBJECT
public:
    explicit ThoughtSection(QWidget* parent = nullptr);

    // thinking: the thought is arriving and no answer text yet.
    void setReasoning(const QString& reasoning, bool thinking);
    // Forgets the user's open/closed choice (the widget now shows another message).
    void reset();
    bool isExpanded() const;
    void setExpanded(bool expanded);

private:
    void updateToggle();

    QToolButton* m_toggle;
    QLabel* m_body;
    bool m_userChose = false;
    bool m_thinking = false;
};

}  // namespace pagoda::ui
