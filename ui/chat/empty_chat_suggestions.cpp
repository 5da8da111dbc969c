#include "ui/chat/empty_chat_suggestions.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace pagoda::ui {

QStringList EmptyChatSuggestions::prompts() {
    // Short enough for one line at a laptop's chat width; one each of explaining, coding,
    // writing and planning, as people first try a model.
    return {tr("Explain how large language models work, simply"),
            tr("Write a Python function that checks for palindromes"),
            tr("Draft a polite email asking to move a meeting"),
            tr("Plan a three-day trip to Kyoto")};
}

EmptyChatSuggestions::EmptyChatSuggestions(QWidget* parent) : QWidget(parent) {
    setObjectName("emptyChatSuggestions");
    setMaximumWidth(480);  // a column of equal buttons, not a row as wide as the chat
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 0);
    layout->setSpacing(6);
    auto* heading = new QLabel(tr("Try asking:"), this);
    heading->setObjectName("suggestionsHeading");
    heading->setAlignment(Qt::AlignHCenter);
    heading->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(heading);
    for (const QString& prompt : prompts()) {
        auto* button = new QPushButton(prompt, this);
        button->setObjectName("suggestionButton");
        button->setToolTip(tr("Put this in the message box to edit or send"));
        button->setAccessibleName(prompt);
        // As wide as its text where there is room; a narrow window may cut the text rather
        // than widen the chat (an explicit minimum overrides the text's width as the minimum).
        button->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
        button->setMinimumWidth(1);
        layout->addWidget(button);
        connect(button, &QPushButton::clicked, this, [this, prompt] { emit suggestionChosen(prompt); });
    }
    layout->addStretch();
}

}  // namespace pagoda::ui
