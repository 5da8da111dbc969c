#include "ui/chat/chat_page.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QShowEvent>
#include <QStackedWidget>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

#include "app/chat/conversation_session.h"
#include "app/chat/local_chat_generator.h"
#include "app/desktop/desktop_services.h"
#include "ui/chat/chat_settings_panel.h"
#include "ui/chat/composer.h"
#include "ui/chat/message_list_view.h"
#include "ui/shortcuts.h"
#include "ui/chat/model_picker.h"

namespace pagoda::ui {

namespace {

QLabel* iconLabel(QStyle::StandardPixmap icon, QWidget* parent) {
    auto* label = new QLabel(parent);
    const int size = parent->style()->pixelMetric(QStyle::PM_SmallIconSize);
    label->setPixmap(parent->style()->standardIcon(icon).pixmap(size, size));
    label->setAlignment(Qt::AlignTop);
    return label;
}

}  // namespace

ChatPage::ChatPage(DesktopServices& services, chat::ConversationSession& session, QWidget* parent)
    : QWidget(parent), m_services(services), m_session(session) {
    setObjectName("chatPage");
    auto* root = new QHBoxLayout(this);
    root->setContentsMargins(0, 0, 0, 0);
    root->setSpacing(0);

    auto* center = new QWidget(this);
    auto* column = new QVBoxLayout(center);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(makeTopBar());
    m_errorBanner = makeBanner("errorBanner", m_errorLabel);
    column->addWidget(m_errorBanner);
    m_stack = new QStackedWidget(center);
    m_stack->setObjectName("chatStack");
    m_messages = new MessageListView(m_session, m_stack);
    m_placeholder = makePlaceholder();
    m_stack->addWidget(m_messages);
    m_stack->addWidget(m_placeholder);
    column->addWidget(m_stack, 1);
    m_noModelBanner = makeBanner("noModelBanner", m_noModelLabel);
    column->addWidget(m_noModelBanner);
    column->addWidget(makeComposerRow());
    root->addWidget(center, 1);

    m_settings = new ChatSettingsPanel(this);
    m_settings->setFixedWidth(320);
    m_settings->hide();
    root->addWidget(m_settings);

    m_stopShortcut = new QShortcut(keysFor(Command::Stop).value(0), this);
    m_stopShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(m_stopShortcut, &QShortcut::activated, &m_session, &chat::ConversationSession::stop);

    connect(&m_session, &chat::ConversationSession::conversationChanged, this, &ChatPage::conversationChanged);
    connect(&m_session, &chat::ConversationSession::generatingChanged, this, &ChatPage::updateState);
    connect(&m_session, &chat::ConversationSession::errorOccurred, this, &ChatPage::showError);
    connect(&m_session, &chat::ConversationSession::conversationSaved, this,
            [this](const QString& id, const QString& title) {
                if (id == m_session.conversation().id && !title.isEmpty()) m_title->setText(title);
            });
    connect(&m_services.loader(), &ModelLoader::stateChanged, this, &ChatPage::loaderChanged);
    // A suggestion is a start: it goes into the composer to be edited or sent with Enter.
    connect(m_messages, &MessageListView::suggestionChosen, this, [this](const QString& prompt) {
        m_composer->setPlainText(prompt);
        m_composer->moveCursor(QTextCursor::End);
        m_composer->setFocus(Qt::OtherFocusReason);
    });
    connect(m_settings, &ChatSettingsPanel::settingsChanged, this, [this](const store::GenerationSettings& settings) {
        m_session.setSettings(settings);
        m_picker->setChoice(settings);  // a remote endpoint may have been set or cleared
        updateState();
    });
    conversationChanged();
}

QWidget* ChatPage::makeTopBar() {
    auto* bar = new QWidget(this);
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(14, 6, 8, 6);
    m_title = new QLabel(bar);
    m_title->setObjectName("titleLabel");
    QFont font = m_title->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.1);
    m_title->setFont(font);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_settingsButton = new QToolButton(bar);
    m_settingsButton->setObjectName("settingsButton");
    m_settingsButton->setText(tr("Chat settings"));
    m_settingsButton->setToolTip(tr("System prompt, sampling and model for this chat"));
    m_settingsButton->setCheckable(true);
    m_settingsButton->setAutoRaise(true);
    m_picker = new ModelPicker(m_services, bar);
    layout->addWidget(m_title, 1);
    layout->addWidget(m_picker);
    layout->addWidget(m_settingsButton);
    connect(m_picker, &ModelPicker::localChosen, this, [this](const hub::LocalModel& model) {
        store::GenerationSettings settings = m_settings->settings();
        settings.endpointUrl.clear();
        settings.endpointKey.clear();
        settings.endpointModel.clear();
        settings.localModel = model.name();
        applyChoice(settings);
        if (needsLoad()) loadChosen();
    });
    connect(m_picker, &ModelPicker::remoteChosen, this, [this](const store::RemoteEndpoint& endpoint) {
        store::GenerationSettings settings = m_settings->settings();
        settings.endpointUrl = endpoint.url;
        settings.endpointKey = endpoint.key;
        settings.endpointModel = endpoint.model;
        settings.localModel.clear();
        applyChoice(settings);
    });
    connect(m_picker, &ModelPicker::addRemoteRequested, this, [this] {
        m_settingsButton->setChecked(true);
        m_settings->focusEndpoint();
    });
    connect(m_picker, &ModelPicker::loadRequested, this, &ChatPage::loadChosen);
    connect(m_picker, &ModelPicker::listChanged, this, &ChatPage::updateState);
    connect(m_settingsButton, &QToolButton::toggled, this, [this](bool open) { m_settings->setVisible(open); });
    return bar;
}

QWidget* ChatPage::makePlaceholder() {
    auto* page = new QWidget(this);
    page->setObjectName("noModelPlaceholder");
    auto* layout = new QVBoxLayout(page);
    layout->addStretch();
    auto* heading = new QLabel(tr("No model loaded"), page);
    heading->setObjectName("placeholderHeading");
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    heading->setFont(font);
    heading->setAlignment(Qt::AlignCenter);
    m_placeholderText = new QLabel(page);
    m_placeholderText->setObjectName("placeholderText");
    m_placeholderText->setAlignment(Qt::AlignCenter);
    m_placeholderText->setWordWrap(true);
    m_placeholderText->setForegroundRole(QPalette::PlaceholderText);
    auto* open = new QPushButton(tr("Load a model on the Models page"), page);
    open->setObjectName("openModelsButton");
    open->setDefault(true);
    auto* remote = new QPushButton(tr("Use a remote server…"), page);
    remote->setObjectName("useRemoteButton");
    remote->setFlat(true);
    layout->addWidget(heading);
    layout->addWidget(m_placeholderText);
    layout->addSpacing(12);
    layout->addWidget(open, 0, Qt::AlignHCenter);
    layout->addWidget(remote, 0, Qt::AlignHCenter);
    layout->addStretch();
    connect(open, &QPushButton::clicked, this, &ChatPage::openModelsRequested);
    connect(remote, &QPushButton::clicked, this, [this] {
        m_settingsButton->setChecked(true);
        m_settings->focusEndpoint();
    });
    return page;
}

QFrame* ChatPage::makeBanner(const char* name, QLabel*& label) {
    const bool error = QLatin1String(name) == QLatin1String("errorBanner");
    auto* banner = new QFrame(this);
    banner->setObjectName(name);
    banner->setFrameShape(QFrame::StyledPanel);
    banner->setAutoFillBackground(true);
    banner->setBackgroundRole(QPalette::AlternateBase);
    auto* layout = new QHBoxLayout(banner);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->addWidget(iconLabel(error ? QStyle::SP_MessageBoxWarning : QStyle::SP_MessageBoxInformation, banner));
    label = new QLabel(banner);
    label->setObjectName(error ? "errorLabel" : "noModelLabel");
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(label, 1);
    if (error) {
        auto* close = new QToolButton(banner);
        close->setObjectName("dismissErrorButton");
        close->setText(QStringLiteral("×"));
        close->setToolTip(tr("Dismiss"));
        close->setAccessibleName(tr("Dismiss"));
        close->setAutoRaise(true);
        // A question whose answer failed before a word arrived can be asked again in place.
        m_retryButton = new QPushButton(tr("Retry"), banner);
        m_retryButton->setObjectName("retryButton");
        m_retryButton->setToolTip(tr("Ask the question again"));
        m_retryButton->hide();
        layout->addWidget(m_retryButton, 0, Qt::AlignTop);
        layout->addWidget(close, 0, Qt::AlignTop);
        connect(close, &QToolButton::clicked, banner, &QWidget::hide);
        connect(m_retryButton, &QPushButton::clicked, this, [this] {
            m_errorBanner->hide();
            if (needsLoad()) return loadChosen();  // the error was the load's: loading again is the retry
            m_messages->followNewMessages();
            m_session.retry();
        });
    } else {
        label->setText(tr("No model is loaded and this chat has no remote endpoint, so nothing can answer."));
        auto* open = new QPushButton(tr("Open Models"), banner);
        open->setObjectName("openModelsBannerButton");
        layout->addWidget(open);
        connect(open, &QPushButton::clicked, this, &ChatPage::openModelsRequested);
    }
    banner->hide();
    return banner;
}

QWidget* ChatPage::makeComposerRow() {
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(14, 8, 14, 12);
    m_composer = new Composer(row);
    m_sendButton = new QPushButton(tr("Send"), row);
    m_sendButton->setObjectName("sendButton");
    m_sendButton->setToolTip(tr("Send (Enter)"));
    m_stopButton = new QPushButton(tr("Stop"), row);
    m_stopButton->setObjectName("stopButton");
    m_stopButton->setToolTip(tr("Stop the answer (Esc)"));
    m_stopButton->hide();
    layout->addWidget(m_composer, 1);
    layout->addWidget(m_sendButton, 0, Qt::AlignBottom);
    layout->addWidget(m_stopButton, 0, Qt::AlignBottom);
    connect(m_composer, &Composer::sendRequested, this, &ChatPage::send);
    connect(m_composer, &Composer::textChanged, this, &ChatPage::updateState);
    connect(m_sendButton, &QPushButton::clicked, m_composer, &Composer::send);
    connect(m_stopButton, &QPushButton::clicked, &m_session, &chat::ConversationSession::stop);
    return row;
}

bool ChatPage::canAnswer() const {
    return m_services.loader().state() == ModelLoader::State::Loaded || m_services.host().isLoaded() ||
           !m_session.conversation().settings.endpointUrl.trimmed().isEmpty() ||
           m_picker->chosenModel(m_session.conversation().settings).has_value();  // loaded when sent
}

bool ChatPage::needsLoad() const {
    const auto chosen = m_picker->chosenModel(m_session.conversation().settings);
    const ModelLoader& loader = m_services.loader();
    return chosen && !(loader.state() == ModelLoader::State::Loaded && loader.model() &&
                       loader.model()->name() == chosen->name());
}

void ChatPage::loadChosen() {
    const auto chosen = m_picker->chosenModel(m_session.conversation().settings);
    const ModelLoader& loader = m_services.loader();
    // Never while an answer streams: the load would end it. Nor twice for the same model.
    if (!chosen || m_session.isGenerating() || !needsLoad()) return;
    if (loader.state() == ModelLoader::State::Loading && loader.model() && loader.model()->name() == chosen->name())
        return;
    m_services.loader().load(*chosen, m_services.settings().engine());
}

void ChatPage::loaderChanged() {
    if (m_waitingForLoad && m_services.loader().state() != ModelLoader::State::Loading) {
        m_waitingForLoad = false;
        if (!needsLoad()) {
            const QString text = m_composer->toPlainText();
            m_composer->clear();
            send(text);
        } else if (m_services.loader().state() == ModelLoader::State::Failed) {
            showError(m_services.loader().error());  // the message stays in the composer
        }
    }
    updateState();
}

void ChatPage::applyChoice(const store::GenerationSettings& settings) {
    m_session.setSettings(settings);
    m_settings->setSettings(settings);
    m_picker->setChoice(settings);
    updateState();
}

void ChatPage::send(const QString& text) {
    m_errorBanner->hide();
    m_settings->flush();  // a system prompt typed just now applies to this message
    if (needsLoad()) {  // the chat's model first; the message waits in the composer
        m_composer->setPlainText(text);
        m_waitingForLoad = true;
        loadChosen();
        updateState();
        return;
    }
    const store::GenerationSettings& settings = m_session.conversation().settings;
    if (!settings.endpointUrl.isEmpty()) {  // offered again in every chat's picker
        m_services.settings().rememberEndpoint({settings.endpointUrl, settings.endpointKey, settings.endpointModel});
        m_picker->refreshEndpoints();
    }
    m_messages->followNewMessages();
    m_session.send(text);
    m_composer->setFocus();  // after a click on Send, typing goes on where it was
}

void ChatPage::conversationChanged() {
    const store::Conversation& conversation = m_session.conversation();
    m_title->setText(conversation.title.isEmpty() ? tr("New chat") : conversation.title);
    // Another chat brings its own settings; for the same chat, the panel's unsent typing wins.
    if (!m_settingsShown || conversation.id != m_conversationId) {
        m_settingsShown = true;
        m_conversationId = conversation.id;
        m_errorBanner->hide();
        m_settings->setSettings(conversation.settings);
        m_waitingForLoad = false;  // a message waiting for a load belonged to the other chat
    } else if (!m_settings->hasPendingEdit() && !(m_settings->settings() == conversation.settings)) {
        m_settings->setSettings(conversation.settings);
    }
    m_picker->setChoice(conversation.settings);
    updateState();
}

void ChatPage::updateState() {
    const bool generating = m_session.isGenerating();
    const bool able = canAnswer();
    const bool empty = m_session.conversation().messages.empty();
    m_stack->setCurrentWidget(!able && empty ? m_placeholder : m_messages);
    m_noModelBanner->setVisible(!able && !empty);
    switch (m_services.loader().state()) {
    case ModelLoader::State::Loading:
        m_placeholderText->setText(tr("A model is loading; you can start as soon as it is ready."));
        break;
    case ModelLoader::State::Failed:
        m_placeholderText->setText(tr("The model could not be loaded: %1").arg(m_services.loader().error()));
        break;
    default:
        m_placeholderText->setText(
            tr("Load a model on the Models page to start chatting, or enter a remote endpoint in this chat's settings."));
    }
    m_composer->setSendEnabled(able && !generating && !m_waitingForLoad);
    m_sendButton->setVisible(!generating);
    m_sendButton->setEnabled(able && !m_waitingForLoad && !m_composer->toPlainText().trimmed().isEmpty());
    m_sendButton->setToolTip(m_waitingForLoad ? tr("Sent as soon as the chat's model is loaded") : tr("Send (Enter)"));
    m_picker->setEnabled(!generating);  // a switch would end the answer streaming now
    updateThinking();
    m_stopButton->setVisible(generating);
    m_stopShortcut->setEnabled(generating);  // otherwise Esc belongs to whatever has focus
}

void ChatPage::showError(const QString& message) {
    m_errorLabel->setText(message);
    m_retryButton->setVisible(m_session.canRetry() || m_waitingForLoad || needsLoad());
    m_errorBanner->show();
}

void ChatPage::updateThinking() {
    const store::GenerationSettings& settings = m_session.conversation().settings;
    const ModelLoader& loader = m_services.loader();
    const bool loaded = loader.state() == ModelLoader::State::Loaded && loader.model();
    // Known only for the model loaded now, from its template; a server or a model not yet
    // loaded is left to the user.
    if (!settings.endpointUrl.isEmpty() || !loaded ||
        (!settings.localModel.isEmpty() && settings.localModel != loader.model()->name()))
        return m_settings->setThinkingSupport(ChatSettingsPanel::Thinking::Unknown);
    m_settings->setThinkingSupport(chat::loadedModelCanThink(m_services.host()) ? ChatSettingsPanel::Thinking::Yes : ChatSettingsPanel::Thinking::No,
                                   loader.model()->name());
}

void ChatPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    m_composer->setFocus();
    // Back from the Models page, where models may have been imported, deleted or downloaded.
    if (!event->spontaneous()) m_picker->refresh();
}

}  // namespace pagoda::ui
