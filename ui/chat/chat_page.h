// Placeholder page, replaced by its area's implementation.
#pragma once

#include <QWidget>

namespace pagoda {
class DesktopServices;
namespace chat {
class ConversationSession;
}
}

namespace pagoda::ui {

class ChatPage : public QWidget {
    Q_OBJECT
public:
    ChatPage(DesktopServices& services, chat::ConversationSession& session, QWidget* parent = nullptr);
};

}  // namespace pagoda::ui
