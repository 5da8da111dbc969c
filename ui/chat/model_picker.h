// The chat header's answer to "who answers this chat?", as LM Studio's and Open WebUI's model
// menus: one list holding the library's models and the remote servers used before, plus "Add
// a remote server…", with the chat's choice selected. Beside it, the state of that choice:
// a busy bar while it loads, a Load button when another model is loaded. It only shows and
// forwards; ChatPage decides what a choice does. The library is read on a pool thread.
#pragma once

#include <QWidget>

#include <vector>

#include "app/hub/local_model.h"
#include "app/store/app_settings.h"
#include "app/store/conversation.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace pagoda {
class DesktopServices;
}

namespace pagoda::ui {

class ModelPicker : public QWidget {
    Q_OBJECT
public:
    explicit ModelPicker(DesktopServices& services, QWidget* parent = nullptr);

    // Shows the chat's choice (its settings): an endpoint, a library model, or, when neither
    // is named, the model loaded now.
    void setChoice(const store::GenerationSettings& settings);
    // Reads the library again (in the background) and the remembered endpoints.
    void refresh();
    // Reads only the remembered endpoints (one was just used).
    void refreshEndpoints();

    // The library model a chat's settings name; none for an endpoint, for an empty name
    // (the loaded model), or for a name the library does not have (any more).
    std::optional<hub::LocalModel> chosenModel(const store::GenerationSettings& settings) const;
    // The name of the model loaded (or loading) now; empty when none.
    QString loadedName() const;
    // The list has been read from disk at least once.
    bool isReady() const { return m_ready; }

signals:
    void localChosen(const pagoda::hub::LocalModel& model);
    void remoteChosen(const pagoda::store::RemoteEndpoint& endpoint);
    void addRemoteRequested();
    void loadRequested();
    void listChanged();  // the library was read: ChatPage may now know the chosen model

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuild();
    void activated(int index);
    void updateState();

    DesktopServices& m_services;
    QComboBox* m_combo;
    QProgressBar* m_busy;
    QLabel* m_state;
    QPushButton* m_load;
    std::vector<hub::LocalModel> m_models;            // Ready ones, as the library lists them
    std::vector<store::RemoteEndpoint> m_endpoints;   // most recent first
    store::GenerationSettings m_choice;
    bool m_ready = false;
    bool m_rebuilding = false;
    int m_reads = 0;  // a newer read's answer wins over an older one's
};

}  // namespace pagoda::ui
