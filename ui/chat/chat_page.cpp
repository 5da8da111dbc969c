#include "ui/chat/chat_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace pagoda::ui {

ChatPage::ChatPage(DesktopServices&, chat::ConversationSession&, QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel("ChatPage", this));
}

}  // namespace pagoda::ui
