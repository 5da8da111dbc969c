// What an empty chat offers to ask: a few example prompts, one button each. A click hands
// the prompt on (ChatPage puts it in the composer, focused, so it can be edited or sent
// with Enter) rather than sending it: a suggestion is a start, not the user's words.
#pragma once

#include <QStringList>
#include <QWidget>

namespace pagoda::ui {

class EmptyChatSuggestions : public QWidget {
    Q_OBJECT
public:
    explicit EmptyChatSuggestions(QWidget* parent = nullptr);

    // The prompts shown, in the interface language.
    static QStringList prompts();

signals:
    void suggestionChosen(const QString& prompt);
};

}  // namespace pagoda::ui
