#include "ui/models/hub_choice.h"

#include <QCoreApplication>


namespace pagoda::ui {

HubChoice hubChoiceFromSetting(const QString& setting) {
    if (setting == "modelscope") return HubChoice::ModelScope;
    if (setting == "mirror") return HubChoice::Mirror;
    return HubChoice::HuggingFace;
}

QString settingFor(HubChoice choice) {
    switch (choice) {
        case HubChoice::ModelScope: return "modelscope";
        case HubChoice::Mirror: return "mirror";
        case HubChoice::HuggingFace: break;
    }
    return "huggingface";
}

hub::HubKind hubKindOf(HubChoice choice) {
    return choice == HubChoice::ModelScope ? hub::HubKind::ModelScope : hub::HubKind::HuggingFace;
}

QString hubChoiceTitle(HubChoice choice) {
    switch (choice) {
        case HubChoice::ModelScope: return QCoreApplication::translate("pagoda::ui::HubChoice", "ModelScope");
        case HubChoice::Mirror: return QCoreApplication::translate("pagoda::ui::HubChoice", "Hugging Face (hf-mirror.com)");
        case HubChoice::HuggingFace: break;
    }
    return QCoreApplication::translate("pagoda::ui::HubChoice", "Hugging Face");
}

hub::HubEndpoint endpointFor(HubChoice choice) {
    return hub::HubEndpoint::forChoice(hubKindOf(choice), choice == HubChoice::Mirror);
}

}  // namespace pagoda::ui
